"""The template file format: what it accepts, and how it refuses."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from printdesigner.errors import TemplateError
from printdesigner.model import (
    Asset,
    Background,
    Box,
    ComputedField,
    DataField,
    Image,
    Line,
    Page,
    PageSize,
    Paragraph,
    QrCode,
    StaticText,
    Template,
    TextStyle,
    Watermark,
)
from printdesigner.schema import (
    dumps,
    export_file,
    import_file,
    loads,
    template_from_json,
    template_to_json,
)

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def every_kind_of_element() -> Template:
    return Template(
        key="test.all", name="Tout", event_type="birth", kind="full",
        page=PageSize("A5", "landscape"),
        pages=(
            Page((
                StaticText("t", 10, 10, 50, 10, text="RÉPUBLIQUE", style=TextStyle(bold=True)),
                DataField("f", 10, 25, 50, 8, path="child.surname", format="upper", empty="—"),
                ComputedField("c", 10, 35, 50, 8, name="niu"),
                Paragraph("p", 10, 45, 100, 20, text="Né le {occurred_on|date_words} {{x}}"),
                Line("l", 10, 70, 100, 0, thickness=0.5, dash=True),
                Box("b", 5, 5, 150, 100, fill="#eeeeee", radius=2),
                Image("i", 160, 10, 20, 20, asset="arms"),
                QrCode("q", 160, 40, 25, 25),
            )),
            Page((StaticText("t2", 10, 10, 50, 10, text="page 2"),)),
        ),
        watermark=Watermark(),
        background=Background("arms", printed=False),
        assets={"arms": Asset("image/png", PNG_1PX)},
    )  # fmt: skip


def test_a_template_survives_a_round_trip_through_json_unchanged() -> None:
    template = every_kind_of_element()
    assert loads(dumps(template)) == template
    assert dumps(loads(dumps(template))) == dumps(template)


def test_export_and_import_use_a_self_contained_file(tmp_path: Path) -> None:
    template = every_kind_of_element()
    path = tmp_path / "birth-full.ecrt.json"
    export_file(template, path)
    assert import_file(path) == template
    assert json.loads(path.read_text("utf-8"))["format"] == "ecr-print-template"


def _doc() -> dict[str, Any]:
    return template_to_json(every_kind_of_element())


def _refusal(doc: object) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        template_from_json(doc)
    return info.value


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node: Any = doc
    parts = path.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    node[int(last) if last.isdigit() else last] = value
    return doc


REFUSALS = [
    ("format", "something-else", "format", "not_a_template"),
    ("format_version", 99, "format_version", "newer_format"),
    ("colour", "red", "colour", "unknown_key"),
    ("page.size", "B7", "page.size", "not_allowed"),
    ("pages[0].elements[0].width", 500, "pages[0].elements[0].width", "out_of_range"),
    ("pages[0].elements[0].x", 190, "pages[0].elements[0]", "outside_page"),
    ("pages[0].elements[0].height", 0, "pages[0].elements[0]", "empty_frame"),
    ("pages[0].elements[0].type", "sticker", "pages[0].elements[0].type", "unknown_type"),
    ("pages[0].elements[1].id", "t", "pages[0].elements[1].id", "duplicate_id"),
    ("pages[0].elements[1].path", "Child surname", "pages[0].elements[1].path", "bad_syntax"),
    ("pages[0].elements[1].format", "shouting", "pages[0].elements[1].format", "not_allowed"),
    ("pages[0].elements[2].name", "mood", "pages[0].elements[2].name", "not_allowed"),
    ("pages[0].elements[3].text", "Né le {occurred_on|loud}", "pages[0].elements[3].text",
     "bad_placeholder"),
    ("pages[0].elements[3].text", "un } seul", "pages[0].elements[3].text", "bad_placeholder"),
    ("pages[0].elements[0].style.size", "big", "pages[0].elements[0].style.size", "not_a_number"),
    ("pages[0].elements[0].style.min_size", 40, "pages[0].elements[0].style.min_size",
     "above_size"),
    ("pages[0].elements[0].style.color", "red", "pages[0].elements[0].style.color", "bad_syntax"),
    ("pages[0].elements[6].asset", "logo", "pages[0].elements[6].asset", "unknown_asset"),
    ("pages[0].elements[7].width", 10, "pages[0].elements[7]", "qr_too_small"),
    ("assets.arms.data", "not base64!", "assets.arms.data", "not_base64"),
    ("assets.arms.data", base64.b64encode(b"GIF89a....").decode(), "assets.arms.data",
     "not_an_image"),
    ("watermark.from_copy", 0, "watermark.from_copy", "out_of_range"),
    ("background.asset", "scan", "background.asset", "unknown_asset"),
    ("key", "Birth Full", "key", "bad_syntax"),
    ("pages", [], "pages", "required"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "field", "rule"), REFUSALS)
def test_a_broken_template_is_refused_naming_the_place_and_the_rule(
    path: str, value: Any, field: str, rule: str
) -> None:
    error = _refusal(_set(_doc(), path, value))
    assert (error.field, error.rule) == (field, rule), error.message
    assert error.message


def test_every_problem_is_listed_not_only_the_first() -> None:
    doc = _set(_set(_doc(), "pages[0].elements[0].x", 500), "page.orientation", "diagonal")
    error = _refusal(doc)
    rules = {p.rule for p in error.problems}  # type: ignore[attr-defined]
    assert {"not_allowed", "out_of_range"} <= rules
    assert "more problems" in error.message or "autres problèmes" in error.message


def test_a_file_that_is_not_json_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        import_file(path)
    assert info.value.rule == "not_json"
    with pytest.raises(TemplateError) as info:
        import_file(tmp_path / "absent.json")
    assert info.value.rule == "unreadable"


def test_custom_page_sizes_need_their_dimensions() -> None:
    doc = _set(_doc(), "page", {"size": "custom"})
    assert _refusal(doc).field == "page.width_mm"
    doc = _set(_doc(), "page", {"size": "custom", "width_mm": 160, "height_mm": 200})
    doc["pages"] = [{"elements": []}]
    doc.pop("background")
    assert template_from_json(doc).page.dimensions() == (160.0, 200.0)
