"""bench/container.py and bench/adversarial_corpus.py, run for real on tiny corpora."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import adversarial_corpus, foreign_corpus
from bench.foreign_corpus import _paths, _what
from common.acts.dictionary import event
from common.acts.model import Kind
from common.acts.validation import validate
from common.wire.corpus import CORPUS_TODAY, MEASURE_SEED, realistic_records

ROOT = Path(__file__).resolve().parents[2]
BASELINE = "HEAD"  # always in the checkout, also a shallow one


def _bench(*arguments: str) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "container.py"), *arguments],
                          cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _names(records) -> set[str]:
    names = set()
    for record in records:
        kinds = dict(event(record.event_type).leaves())
        for path, container, key in _paths(record.data):
            field = kinds.get(path)
            if field is not None and field.kind is Kind.NAME and isinstance(container[key], str):
                names.add(container[key])
    return names


def _worktrees() -> str:
    return subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True,
                          text=True, check=True).stdout


def test_one_run_measures_the_three_built_corpora_a_file_and_the_baseline(tmp_path):
    corpus = tmp_path / "some.jsonl"
    corpus.write_bytes(b"".join(r.to_json() + b"\n"
                                for r in realistic_records(20, seed=MEASURE_SEED + 1)))
    before = _worktrees()
    result = _bench("--acts", "60", "--rounds", "1", "--corpus", str(corpus),
                    "--baseline", BASELINE)
    assert _worktrees() == before  # the baseline's worktree is gone
    assert set(result["corpora"]) == {"generator", "foreign", "adversarial", f"file:{corpus}"}
    for name, entry in result["corpora"].items():
        assert entry["seal_acts_per_s"] > 0 and entry["open_acts_per_s"] > 0, name
        assert entry["batches"]["1"]["containers"] == entry["acts"], name
        assert entry["batches"]["1"]["bytes_per_act"] > entry["batches"]["1"][
            "body_bytes_per_act"], name
        assert entry["baseline"]["rev"] == subprocess.run(
            ["git", "rev-parse", "--short", BASELINE], cwd=ROOT, capture_output=True, text=True,
            check=True).stdout.strip()
        assert entry["baseline"]["seal_acts_per_s"] > 0
        assert entry["seal_new_over_old"] > 0 and entry["open_new_over_old"] > 0
    for name in ("generator", "foreign", "adversarial"):
        entry = result["corpora"][name]
        assert set(entry["batches"]) == {"1", "10", "50"}  # 60 acts: no whole 100 or 200
        # the baseline is HEAD: the same codec or the one being replaced; larger fails here
        assert 0.3 < entry["bytes_at_50_new_over_old"] < 1.02
    assert result["adversarial_vs_foreign_at_50"] > 0
    assert result["dictionary"] >= 1


def test_files_only_measures_each_file_as_its_own_corpus(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for path, seed in ((first, 11), (second, 12)):
        path.write_bytes(b"".join(r.to_json() + b"\n" for r in realistic_records(12, seed=seed)))
    result = _bench("--files-only", "--rounds", "1", "--corpus", str(first),
                    "--corpus", str(second))
    assert set(result["corpora"]) == {f"file:{first}", f"file:{second}"}
    assert result["adversarial_vs_foreign_at_50"] is None


def test_adversarial_acts_are_valid_and_their_names_made_up_in_every_case():
    records, dropped = adversarial_corpus.build(300)
    assert len(records) + dropped == 300 and dropped < 15
    for record in records:
        report = validate(record.event_type, record.data, today=CORPUS_TODAY,
                          registered_on=record.registered_on)
        assert not report.errors
    names = _names(records)
    known = {n.casefold() for n in _names(realistic_records(300, seed=adversarial_corpus.SEED))}
    known |= {n.casefold() for n in _names(realistic_records(300, seed=MEASURE_SEED))}
    known |= {n.casefold() for n in _names(foreign_corpus.build(300)[0])}
    assert not {n for n in names if n.casefold() in known}
    letters = [n for n in names if n.isalpha()]
    assert any(n.islower() for n in letters)
    assert any(n.isupper() for n in letters)
    assert any(n.istitle() for n in letters)
    assert any(not (n.islower() or n.isupper() or n.istitle()) for n in letters)  # "mcKAy"
    assert any(not n.isascii() for n in names)


def test_the_same_generated_value_becomes_the_same_made_up_value():
    records, _ = adversarial_corpus.build(200)
    originals = realistic_records(200, seed=adversarial_corpus.SEED, centre_code="224200")
    mapping: dict[tuple[str, str], set[str]] = {}
    for original, changed in zip(originals, records, strict=True):
        kinds = dict(event(original.event_type).leaves())
        before = {p: c[k] for p, c, k in _paths(original.data)}
        for path, container, key in _paths(changed.data):
            field = kinds.get(path)
            if field is None or _what(field.name, field.kind) is None or field.pattern:
                continue
            if before.get(path) is not None and path.count("[]") == 0:
                mapping.setdefault((path.rsplit(".", 1)[-1], before[path]), set()).add(
                    container[key])
    assert mapping
    assert all(len(values) == 1 for values in mapping.values())
