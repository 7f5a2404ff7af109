"""docs/act-format.md is generated from the dictionary, and its examples are valid acts."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

from common.acts.actjson import parse_act_record
from common.acts.dictionary import EVENTS
from common.acts.examples import EXAMPLES_TODAY
from common.acts.timeliness import categorize
from common.acts.validation import validate

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))
import gen_act_format_doc  # noqa: E402

DOC = ROOT / "docs" / "act-format.md"
_EXAMPLE = re.compile(r"^#### Example: (\w+)\n\n```json\n(.*?)\n```$", re.S | re.M)


def _examples() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in _EXAMPLE.finditer(DOC.read_text("utf-8"))}


def test_the_committed_document_is_what_the_generator_writes() -> None:
    assert DOC.read_text("utf-8") == gen_act_format_doc.render(), (
        "docs/act-format.md is stale: run .venv/bin/python tools/gen_act_format_doc.py"
    )


def test_the_document_has_one_example_per_event_type() -> None:
    assert sorted(_examples()) == sorted(EVENTS)


@pytest.mark.parametrize("key", list(EVENTS))
def test_each_documented_example_is_a_valid_act(key: str) -> None:
    record = parse_act_record(_examples()[key])
    assert record.event_type == key
    assert record.registered_on is not None
    report = validate(key, record.data, today=EXAMPLES_TODAY, registered_on=record.registered_on)
    assert report.ok and not report.warnings, [p.message("en") for p in report.errors]
    occurred = date.fromisoformat(record.data["occurred_on"])
    assert record.timeliness == categorize(key, occurred, record.registered_on)


@pytest.mark.parametrize("key", list(EVENTS))
def test_every_field_of_every_event_is_documented(key: str) -> None:
    text = DOC.read_text("utf-8")
    for path, _field in EVENTS[key].leaves():
        assert f"| `{path}` |" in text, path


def test_the_check_mode_reports_a_stale_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "act-format.md"
    stale.write_text("old", "utf-8")
    monkeypatch.setattr(gen_act_format_doc, "DOC", stale)
    assert gen_act_format_doc.main(["--check"]) == 1
    assert gen_act_format_doc.main([]) == 0
    assert gen_act_format_doc.main(["--check"]) == 0
