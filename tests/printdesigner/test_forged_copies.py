"""Forged printed copies, made as a forger would, checked with ``ecr verify --ca`` (issue 11).

Each forgery is a real PDF: a genuine copy's QR code put on a page printed with
other values (reportlab, through ECR's own renderer), a genuine PDF stripped
of what it carries besides its pages (pypdf), a genuine PDF with a name covered
by a white box and another pasted over it as an image.  Before issue 11 each
was answered "✔ Copie authentique".  What must hold: the verifier never says
"genuine" for more than it checked; a forged PDF is refused and the values it
changed are named; when only the code can be checked, it says so and lists
every value the code certifies, for a person to compare with the paper.

Only what a forger can use is used here: the renderer, the default documents,
reportlab, pypdf, and the public command.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

import ecr_tk.cli
from common.acts.examples import EXAMPLES
from printdesigner.binding import PrintContext
from printdesigner.defaults import default_template
from printdesigner.documents import print_context, render_copy
from printdesigner.render import render
from tests.printdesigner.conftest import Centre
from tests.printdesigner.pdfread import MM, page_count, word_boxes
from tests.printdesigner.test_qr import CENTRE, birth_act, issued_now

FONT = Path(__file__).resolve().parents[2] / "printdesigner" / "fonts" / "DejaVuSerif-Bold.ttf"


# ---------------------------------------------------------------- the forger's tools


def genuine(tmp_path: Path, centre: Centre, template: Any = None) -> bytes:
    pdf = render_copy(birth_act(), "full", template, signer=centre, centre=CENTRE,
                      issued_at=issued_now(), officer="Mamadou DIALLO")
    (tmp_path / "genuine.pdf").write_bytes(pdf)
    return pdf


def qr_text(pdf: bytes, tmp_path: Path) -> str:
    """The genuine code, as any QR reader gets it from the page."""
    last = str(page_count(pdf))
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", last,
                    "-l", last, "-", str(tmp_path / "qr")], input=pdf, check=True)
    with Image.open(tmp_path / "qr.png") as image:
        found = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    assert found, "no QR code on the genuine copy"
    return found[0]


def stripped(pdf: bytes) -> bytes:
    """Only the pages: no document information, no attached files."""
    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def overlaid(pdf: bytes, page: int, draw: Callable[[Canvas], None]) -> bytes:
    """The PDF with something drawn on top of one page; all else kept (pypdf)."""
    layer = io.BytesIO()
    canvas = Canvas(layer, pagesize=(210 * mm, 297 * mm))
    draw(canvas)
    canvas.showPage()
    canvas.save()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.pages[page].merge_page(pypdf.PdfReader(io.BytesIO(layer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word_box(pdf: bytes, text: str, page: int = 0) -> tuple[float, float, float, float]:
    """Where a word is printed, in points from the bottom-left (for reportlab)."""
    box = next(w for w in word_boxes(pdf) if w.text == text and w.page == page)
    height = 297 * MM
    return box.x_mm * MM, height - box.y2_mm * MM, (box.x2_mm - box.x_mm) * MM, \
        (box.y2_mm - box.y_mm) * MM


def white_box(x: float, y: float, w: float, h: float) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        canvas.setFillColorRGB(1, 1, 1)
        canvas.rect(x - 1, y - 1, w + 2, h + 2, stroke=0, fill=1)
    return draw


def pasted_image(x: float, y: float, w: float, h: float, text: str) -> Callable[[Canvas], None]:
    """A white box, then ``text`` pasted over it as a picture (as cut from a scan)."""
    image = Image.new("L", (800, 90), 255)
    ImageDraw.Draw(image).text((0, 8), text, fill=0, font=ImageFont.truetype(str(FONT), 64))
    png = io.BytesIO()
    image.save(png, "PNG")

    def draw(canvas: Canvas) -> None:
        white_box(x, y, w, h)(canvas)
        canvas.drawImage(ImageReader(io.BytesIO(png.getvalue())), x, y - 1, width=h * 9,
                         height=h + 1)
    return draw


def typed_over(x: float, y: float, w: float, h: float, text: str) -> Callable[[Canvas], None]:
    def draw(canvas: Canvas) -> None:
        white_box(x, y, w, h)(canvas)
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont("Times-Bold", 10)
        canvas.drawString(x, y + 1, text)
    return draw


# ---------------------------------------------------------------- the verifier


Verdict = tuple[int, dict[str, Any], str]


@pytest.fixture
def verify(tmp_path: Path, ca_certs: list[x509.Certificate],
           capsys: pytest.CaptureFixture[str]) -> Callable[[bytes], Verdict]:
    """``ecr verify FILE --ca ca.pem``: exit code, its JSON, its text."""
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in ca_certs))

    def run(pdf: bytes) -> Verdict:
        path = tmp_path / "shown.pdf"
        path.write_bytes(pdf)
        capsys.readouterr()
        code = ecr_tk.cli.main(["--json", "verify", str(path), "--ca", str(ca)])
        answer = json.loads(capsys.readouterr().out)
        assert ecr_tk.cli.main(["verify", str(path), "--ca", str(ca)]) == code
        return code, answer, capsys.readouterr().out

    return run


def named(answer: dict[str, Any]) -> str:
    return " ".join(answer.get("differences") or [])


# ---------------------------------------------------------------- (a) a genuine code, other values


def test_a_genuine_code_on_a_page_printed_with_other_parents_sex_and_place_is_refused(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    code = qr_text(genuine(tmp_path, centre), tmp_path)
    data = copy.deepcopy(EXAMPLES["birth"])
    data["father"].update(surname="Fall", given_names="Ibrahima")
    data["mother"].update(surname="Diop", given_names="Khady")
    data["child"]["sex"] = "M"
    data["place"]["locality"] = "Hôpital Principal de Dakar"
    ctx = print_context(birth_act(data=data), "full", centre=CENTRE, issued_at=issued_now(),
                        officer="Mamadou DIALLO")
    forged = render(default_template("birth", "full"), PrintContext(
        ctx.event_type, ctx.data, ctx.computed, ctx.mentions, 1, qr_text=code)).pdf
    exit_code, answer, text = verify(forged)  # no metadata, nothing attached
    assert exit_code == 1, text
    assert answer["genuine"] is False and answer["reason"] == "altered"
    assert text.startswith("✘") and "✔" not in text
    changed = named(answer)
    for certified in ("Ousmane", "SOW", "Mariama", "Féminin", "Hôpital régional de Thiès"):
        assert certified in changed, (certified, changed)
    assert "Enfant › Sexe" in changed and "Mère › Nom" in changed


def test_a_genuine_code_on_another_page_of_an_unknown_template_is_only_a_list_to_compare(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    own = dataclasses.replace(default_template("birth", "full"), key="centre.birth-full",
                              name="Copie intégrale (modèle du centre)")
    code = qr_text(genuine(tmp_path, centre, own), tmp_path)
    data = copy.deepcopy(EXAMPLES["birth"])
    data["father"].update(surname="Fall", given_names="Ibrahima")
    ctx = print_context(birth_act(data=data), "full", centre=CENTRE, issued_at=issued_now())
    forged = render(own, PrintContext(ctx.event_type, ctx.data, ctx.computed, ctx.mentions, 1,
                                      qr_text=code)).pdf
    exit_code, answer, text = verify(forged)
    assert exit_code == 3, text  # the code is genuine; the paper could not be compared
    assert answer["genuine"] is False and answer["scope"] == "values"
    assert answer["reason"] == "template_unknown"
    assert text.startswith("⚠") and "✔" not in text and "comparez" in text.lower()
    shown = {f["label"]: f["value"] for f in answer["certified"]}
    assert shown["Père › Nom"] == "NDIAYE" and shown["Père › Prénoms"] == "Ousmane"


# ---------------------------------------------------------------- (b) a genuine PDF, stripped


def test_a_genuine_copy_stripped_of_all_but_its_pages_still_verifies_page_by_page(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    exit_code, answer, text = verify(stripped(genuine(tmp_path, centre)))
    assert exit_code == 0, text  # a default document: the verifier knows its template
    assert answer["genuine"] is True and answer["scope"] == "document"
    assert text.startswith("✔") and "chaque page" in text


def test_a_stripped_copy_with_a_value_typed_over_is_refused(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    pdf = genuine(tmp_path, centre)
    page = next(w.page for w in word_boxes(pdf) if w.text == "Ousmane")
    forged = stripped(overlaid(pdf, page, typed_over(*word_box(pdf, "Ousmane", page),
                                                     "Ibrahima")))
    exit_code, answer, text = verify(forged)
    assert exit_code == 1, text
    assert answer["reason"] == "altered" and "Ousmane" in named(answer)


def test_a_stripped_copy_of_the_centres_own_template_is_never_called_genuine(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    own = dataclasses.replace(default_template("birth", "full"), key="centre.birth-full",
                              name="Copie intégrale (modèle du centre)")
    pdf = genuine(tmp_path, centre, own)
    assert verify(pdf)[0] == 0  # with its template inside: compared, genuine
    exit_code, answer, text = verify(stripped(pdf))
    assert exit_code == 3, text
    assert answer["genuine"] is False and answer["reason"] == "template_unknown"
    assert "✔" not in text


# ---------------------------------------------------------------- (c) a name covered


def test_a_name_covered_by_a_white_box_and_another_pasted_as_an_image_is_refused(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    pdf = genuine(tmp_path, centre)
    x, y, w, h = word_box(pdf, "Awa")
    forged = overlaid(pdf, 0, pasted_image(x, y, w * 3.2, h, "Fatou Binta"))
    assert "Awa Ndèye" in subprocess.run(  # the hidden name is still in the text layer
        ["pdftotext", "-", "-"], input=forged, capture_output=True, check=True).stdout.decode()
    exit_code, answer, text = verify(forged)
    assert exit_code == 1, text
    assert answer["reason"] == "altered"
    assert "Enfant › Prénoms" in named(answer) and "Awa Ndèye" in named(answer)


def test_text_hidden_under_the_genuine_page_is_found_in_the_text_layer(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    pdf = genuine(tmp_path, centre)

    def invisible(canvas: Canvas) -> None:
        text = canvas.beginText(20 * mm, 5 * mm)
        text.setTextRenderMode(3)  # neither filled nor stroked: only in the text layer
        text.setFont("Helvetica", 8)
        text.textLine("Père : Ibrahima FALL")
        canvas.drawText(text)

    exit_code, answer, text = verify(overlaid(pdf, 0, invisible))
    assert exit_code == 1, text
    assert "Ibrahima" in named(answer)


def test_an_annotation_added_to_a_genuine_copy_is_refused(
        tmp_path: Path, centre: Centre, verify: Any) -> None:
    from pypdf.annotations import FreeText

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(genuine(tmp_path, centre))))
    writer.add_annotation(0, FreeText(text="Ibrahima", rect=(240, 560, 330, 575)))
    out = io.BytesIO()
    writer.write(out)
    exit_code, answer, text = verify(out.getvalue())
    assert exit_code == 1, text
    assert "annotations" in named(answer)


def test_a_scan_of_a_genuine_copy_proves_its_code_and_says_to_compare_the_paper(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate],
        capsys: pytest.CaptureFixture[str]) -> None:
    pdf = genuine(tmp_path, centre)
    last = str(page_count(pdf))
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", last,
                    "-l", last, "-", str(tmp_path / "scan")], input=pdf, check=True)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in ca_certs))
    assert ecr_tk.cli.main(["verify", str(tmp_path / "scan.png"), "--ca", str(ca)]) == 3
    text = capsys.readouterr().out
    assert text.startswith("⚠") and "le papier lui-même n'a pas été vérifié" in text
    assert "Mère › Nom" in text and "SOW" in text
