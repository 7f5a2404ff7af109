"""Every default document of every event, rendered and read back from the PDF.

The act data comes from the dictionary's seeded generator (complete acts: every
field that may apply is filled); the principal person's names are replaced by
names in other scripts and one by a name as long as the dictionary allows, so
accents, non-Latin scripts and long values are checked on every document.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import unicodedata
from decimal import Decimal
from typing import Any

import pytest

from common.acts.dictionary import EVENTS
from common.acts.generator import generate_act
from common.acts.model import Group
from common.acts.summary import summarize
from printdesigner.defaults import default_template, default_templates, kinds_for
from printdesigner.documents import CentreInfo, SampleAct, print_context, render_copy
from printdesigner.model import DataField
from printdesigner.readback import PrintedWord, reading_text, words
from printdesigner.render import printed_layout
from tests.printdesigner.conftest import Centre
from tests.printdesigner.pdfread import flat, pdftotext

CENTRE = CentreInfo("010203", "Thiès Nord", "Région de Thiès", "Thiès", "République du Sénégal")
SCRIPTS = [
    ("Diéynaba Ngoné Aïssatou", "NDÈYE-FALL"),
    ("فاطمة الزهراء", "الكتاني"),
    ("王小明", "李"),
    ("Светлана Дмитриевна", "Иванова"),
    ("አበበ ቢቂላ", "ተስፋዬ"),
    ("Αικατερίνη", "Παπαδοπούλου"),
    ("राजेश कुमार", "शर्मा"),
    ("אברהם", "כהן"),
    ("Ngọc Ánh", "Đặng"),
    ("ߡߊ߬ߡߊߘߎ߬", "ߞߊ߲ߕߋ"),
]
LONG_GIVEN_NAMES = ("Mouhamadou-Lamine Abdoulaye Seydou Ousmane Cheikh Ahmadou Bamba "
                    "Ibrahima Khalifa Ababacar Serigne")[:100]
CASES = [(event, kind) for event in EVENTS for kind in kinds_for(EVENTS[event])]


def _set_name(data: dict[str, Any], path: str, given: str, surname: str) -> None:
    node: Any = data
    for part in path.replace("]", "").split("."):
        name, _, index = part.partition("[")
        node = node[name]
        if index:
            node = node[int(index)]
    node["given_names"], node["surname"] = given, surname


def sample_act(event: str, seed: int, *, long_name: bool = False) -> SampleAct:
    generated = generate_act(event, random.Random(seed), complete=True,
                             today=dt.date(2026, 11, 20), centre_code="010203")
    data = copy.deepcopy(generated.data)
    for i, person in enumerate(summarize(event, data).principal):
        given, surname = SCRIPTS[(seed + i) % len(SCRIPTS)]
        _set_name(data, person.path, LONG_GIVEN_NAMES if long_name and i == 0 else given, surname)
    return SampleAct(event, data, niu=generated.niu, register_number=f"{seed}/2026",
                     registered_on=generated.registered_on,
                     mentions=("Mariage célébré le 12 juin 2040 à Dakar avec Moussa FALL.",))


def _nfc(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _in_box(found: list[PrintedWord], page: int, box: list[float]) -> list[PrintedWord]:
    x, y, w, h = box
    return [wd for wd in found if wd.page == page and x - 0.3 <= (wd.x0 + wd.x1) / 2 <= x + w + 0.3
            and y - 0.3 <= (wd.y0 + wd.y1) / 2 <= y + h + 0.3]


def _reading(inside: list[PrintedWord]) -> str:
    return _nfc(reading_text(inside))


@pytest.mark.parametrize(("event", "kind"), CASES)
def test_every_default_document_prints_every_value_exactly_at_its_place(
        event: str, kind: str, centre: Centre) -> None:
    seed = CASES.index((event, kind))
    act = sample_act(event, seed, long_name=kind == "full")
    template = default_template(event, kind)
    issued = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
    details: dict[str, Any] = dict(centre=CENTRE, officer="Mamadou DIALLO", requester="Awa SOW",
                                   receipt_number="R-42", fee=(Decimal("1500"), "FCFA"),
                                   issued_at=issued)
    ctx = print_context(act, kind, **details)
    # Signed for real: every value goes through the code and back (refused otherwise),
    # in every script, and the code fits the template's QR code (refused otherwise).
    pdf = render_copy(act, kind, template, signer=centre, strict=True, **details)
    found = words(pdf)
    layout = printed_layout(template, ctx)["values"]
    checked = 0
    for element_id, entry in layout.items():  # type: ignore[union-attr]
        expected = _nfc(entry["t"])
        if not expected:
            continue
        shown = _reading(_in_box(found, entry["p"], entry["b"]))
        assert shown == expected, (element_id, entry["t"], shown)
        checked += 1
    assert checked >= 8
    names = [n for p in summarize(event, act.data).principal
             for n in (p.surname, p.given_names) if n]
    everything = flat(pdftotext(pdf))  # poppler's reading order
    for name in names:  # surnames are printed in capitals
        assert name in everything or name.upper() in everything, name


def test_the_full_copy_shows_every_field_of_the_dictionary() -> None:
    for key, event in EVENTS.items():
        template = default_template(key, "full")
        paths = {e.path for _, e in template.elements() if isinstance(e, DataField)}
        for path, _field in event.leaves():
            expanded = {path.replace("[]", f"[{i}]", 1) for i in range(4)}
            assert path in paths or expanded & paths, f"{key}: {path} is not printed"


def test_extracts_keep_identity_and_leave_statistics_out() -> None:
    full = {e.path for _, e in default_template("birth", "full").elements()
            if isinstance(e, DataField)}
    extract = {e.path for _, e in default_template("birth", "extract").elements()
               if isinstance(e, DataField)}
    filiation = {e.path for _, e in default_template("birth", "extract_filiation").elements()
                 if isinstance(e, DataField)}
    assert extract < filiation < full
    assert "child.surname" in extract and "mother.surname" not in extract
    assert "mother.surname" in filiation and "mother.education" not in filiation
    assert "gestational_weeks" not in extract


def test_only_events_with_parents_have_an_extract_with_filiation() -> None:
    assert "extract_filiation" in kinds_for(EVENTS["birth"])
    assert "extract_filiation" not in kinds_for(EVENTS["marriage"])
    assert len(default_templates()) == sum(len(kinds_for(e)) for e in EVENTS.values())


def test_repeated_groups_of_two_print_each_person_and_longer_ones_join_items() -> None:
    paths = {e.path for _, e in default_template("marriage", "full").elements()
             if isinstance(e, DataField)}
    assert {"spouses[0].surname", "spouses[1].surname"} <= paths
    witnesses = EVENTS["marriage"].root.child("witnesses")
    assert isinstance(witnesses, Group) and (witnesses.repeat_max or 0) > 2
    assert "witnesses[].surname" in paths


def test_the_densest_code_of_a_default_document_reads_back_from_a_blurred_scan(
        centre: Centre, tmp_path: Any) -> None:
    """The marriage full copy of a complete act, names in another script, a 100-character
    given name and a mention: the largest code measured over every default document."""
    import subprocess

    import zxingcpp
    from PIL import Image, ImageFilter

    from printdesigner.qr import MIN_MODULE_MM, verify_code
    from printdesigner.render import QR_BORDER_MODULES, qr_modules
    from printdesigner.verification import read_qr_from_pdf

    kind = "full"
    act = sample_act("marriage", CASES.index(("marriage", kind)), long_name=True)
    pdf = render_copy(act, kind, signer=centre, centre=CENTRE, officer="Mamadou DIALLO",
                      issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    text = read_qr_from_pdf(pdf)
    modules = qr_modules(text)
    assert len(text) <= 1100, len(text)  # measured 1,033 characters, 101 modules
    assert 34 / (modules + 2 * QR_BORDER_MODULES) >= MIN_MODULE_MM
    last = str(len(__import__("pypdf").PdfReader(__import__("io").BytesIO(pdf)).pages))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", last, "-l",
                    last, "-", str(tmp_path / "page")], input=pdf, check=True)
    with Image.open(tmp_path / "page.png") as page:
        scan = page.convert("L").filter(ImageFilter.GaussianBlur(1.2))
        scan = scan.resize((scan.width // 2, scan.height // 2), Image.Resampling.BILINEAR)
    assert text in [r.text for r in zxingcpp.read_barcodes(scan)]  # a blurred 150 dpi scan
    result = verify_code(text, centre.ca_certificates)
    assert result.certified is not None and result.certified.mentions == act.mentions
