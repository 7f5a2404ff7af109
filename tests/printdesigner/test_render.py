"""The renderer, read back from the PDF as a person's viewer would."""

from __future__ import annotations

import pytest

from printdesigner.binding import PrintContext
from printdesigner.errors import RenderError
from printdesigner.fonts import missing_glyphs
from printdesigner.model import (
    Background,
    Box,
    DataField,
    Page,
    QrCode,
    StaticText,
    Template,
    TextStyle,
    Watermark,
)
from printdesigner.render import Calibration, render
from printdesigner.text import Font, fit
from tests.printdesigner.pdfread import flat, page_count, pdftotext, pypdf_text, word_boxes
from tests.printdesigner.test_schema import PNG_1PX

NAMES = [
    ("latin with accents", "Aïssatou Ndèye Zoë Çağlar Łukasz Ñúñez Đặng Thị Ngọc Ánh"),
    ("arabic", "فاطمة الزهراء بنت محمد الأمين"),
    ("hebrew", "אברהם בן דוד"),
    ("cyrillic", "Светлана Дмитриевна Иванова"),
    ("greek", "Αικατερίνη Παπαδοπούλου"),
    ("ethiopic", "አበበ ቢቂላ"),
    ("devanagari", "राजेश कुमार"),
    ("chinese", "王小明"),
    ("japanese kana", "さくら やまだ"),
    ("n'ko", "ߡߊ߬ߡߊߘߎ߬ ߞߊ߲ߕߋ"),
    ("tifinagh", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
    ("adlam", "𞤀𞤣𞤤𞤢𞤥"),
]


BIG = TextStyle(size=12)


def one_field_template(path: str = "child.surname", width: float = 150, height: float = 10,
                       style: TextStyle = BIG, **kw: object) -> Template:
    field = DataField("f", 20, 30, width, height, path=path, format="text", style=style)
    return Template(key="t", name="T", event_type="birth", pages=(Page((field,)),),
                    **kw)  # type: ignore[arg-type]


def birth(surname: str, **more: object) -> PrintContext:
    return PrintContext("birth", {"child": {"surname": surname, "given_names": "Awa"}, **more})


@pytest.mark.parametrize(("script", "name"), NAMES)
def test_names_in_every_script_print_exactly_and_read_back(script: str, name: str) -> None:
    assert missing_glyphs(name) == ""
    pdf = render(one_field_template(), birth(name)).pdf
    assert flat(pdftotext(pdf)) == name


def test_latin_text_is_also_exact_for_pypdf() -> None:
    name = "Ndèye Fatou Œuvray-Müller"
    assert flat(pypdf_text(render(one_field_template(), birth(name)).pdf)) == name


def test_a_value_too_long_for_its_box_is_wrapped_and_shrunk_not_cut() -> None:
    long_name = " ".join(["Mouhamadou-Lamine Abdoulaye Seydou Ousmane"] * 4)
    template = one_field_template(width=60, height=12, style=TextStyle(size=12, min_size=4))
    result = render(template, birth(long_name))
    assert result.issues == ()
    assert flat(pdftotext(result.pdf)) == long_name
    boxes = [b for b in word_boxes(result.pdf)]
    assert len({round(b.y_mm) for b in boxes}) >= 2, "wrapped onto several lines"
    assert max(b.x2_mm for b in boxes) <= 20 + 60 + 0.5, "inside the box"
    assert max(b.y2_mm for b in boxes) <= 30 + 12 + 1.0
    fitted = fit(long_name, Font(), 12, 4, 60 * 72 / 25.4, 12 * 72 / 25.4)
    assert fitted.size < 12 and not fitted.overflow


def test_a_word_longer_than_its_box_is_broken_between_letters_not_dropped() -> None:
    word = "Abdourahmane" * 4
    template = one_field_template(width=25, height=20, style=TextStyle(size=10, min_size=6))
    pdf = render(template, birth(word)).pdf
    assert flat(pdftotext(pdf)).replace(" ", "") == word


def test_a_shrink_only_box_keeps_one_line_at_a_smaller_size() -> None:
    name = "Mouhamadou-Lamine Abdoulaye Seydou"
    template = one_field_template(width=40, height=6,
                                  style=TextStyle(size=12, min_size=3, fit="shrink"))
    pdf = render(template, birth(name)).pdf
    boxes = word_boxes(pdf)
    assert len({round(b.y_mm, 1) for b in boxes}) == 1
    assert flat(pdftotext(pdf)) == name


def test_text_that_cannot_fit_even_at_the_smallest_size_is_reported_not_hidden() -> None:
    text = "Nom " * 200
    template = one_field_template(width=20, height=5, style=TextStyle(size=10, min_size=6))
    result = render(template, birth(text))
    assert [i.rule for i in result.issues] == ["overflow"]
    with pytest.raises(RenderError) as info:
        render(template, birth(text), strict=True)
    assert info.value.field == "f" and info.value.rule == "overflow"


def test_positions_are_millimetres_from_the_top_left_and_calibration_shifts_them() -> None:
    template = one_field_template()
    plain = word_boxes(render(template, birth("DIOP")).pdf)[0]
    assert plain.x_mm == pytest.approx(20, abs=0.6)
    assert plain.y_mm == pytest.approx(30, abs=1.5)
    moved = word_boxes(render(template, birth("DIOP"), calibration=Calibration(3, -2)).pdf)[0]
    assert moved.x_mm - plain.x_mm == pytest.approx(3, abs=0.05)
    assert moved.y_mm - plain.y_mm == pytest.approx(-2, abs=0.05)


def test_pre_printed_mode_prints_only_the_data_and_not_the_scanned_form() -> None:
    elements = (StaticText("label", 20, 20, 50, 8, text="Nom de l'enfant"),
                Box("frame", 10, 10, 100, 50),
                DataField("f", 20, 30, 80, 8, path="child.surname"))
    base = Template(key="t", name="T", event_type="birth", pages=(Page(elements),),
                    assets={"scan": __import__("printdesigner.model").model.Asset("image/png",
                                                                                  PNG_1PX)},
                    background=Background("scan"))
    document = render(base, birth("SARR")).pdf
    assert "Nom de l'enfant" in pdftotext(document)
    preprinted = render(__import__("dataclasses").replace(base, mode="preprinted"),
                        birth("SARR")).pdf
    assert flat(pdftotext(preprinted)) == "SARR"
    assert b"/Subtype /Image" not in preprinted


def test_the_watermark_appears_from_the_configured_copy_on() -> None:
    template = one_field_template(watermark=Watermark("DUPLICATA", from_copy=2))
    first = pypdf_text(render(template, birth("FALL")).pdf)  # pypdf reads rotated text whole
    second_ctx = PrintContext("birth", {"child": {"surname": "FALL"}}, copy_number=2)
    second = pypdf_text(render(template, second_ctx).pdf)
    assert "DUPLICATA" not in first
    assert "DUPLICATA" in second


def test_every_page_of_a_multi_page_template_is_printed() -> None:
    template = Template(key="t", name="T", pages=(
        Page((StaticText("a", 10, 10, 50, 10, text="Première page"),)),
        Page((StaticText("b", 10, 10, 50, 10, text="Deuxième page"),)),
    ))
    pdf = render(template, PrintContext(None, {})).pdf
    assert page_count(pdf) == 2
    assert pdftotext(pdf).index("Première") < pdftotext(pdf).index("Deuxième")


def test_a_missing_qr_payload_is_reported() -> None:
    template = Template(key="t", name="T", pages=(Page((QrCode("qr", 10, 10, 25, 25),)),))
    result = render(template, PrintContext(None, {}))
    assert [i.rule for i in result.issues] == ["no_qr"]
