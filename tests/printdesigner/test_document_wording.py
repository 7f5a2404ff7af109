"""What the default documents say, read back from their PDFs (issue 13, bug 7).

The reviewer read "Centre d'état civil de Centre d'état civil de démonstration",
a NIU grouped on screen and not on paper, and a colon alone at the start of a
line; each is checked here on real PDFs, with ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.acts.generator import generate_act
from common.acts.niu import make_niu, niu_display
from ecr_tk.labels import niu_text
from printdesigner.binding import PrintContext
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from printdesigner.model import Page, StaticText, Template, TextStyle
from printdesigner.render import render
from printdesigner.text import Font, wrap
from tests.printdesigner.conftest import Centre
from tests.printdesigner.pdfread import WordBox, flat, pdftotext, word_boxes

#: What French never sets first on a line (it writes a space before them).
CLOSING = frozenset(":;?!»%")
NIU = make_niu("010203", 2026, 42).value
NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)


def _centre(name: str) -> CentreInfo:
    return CentreInfo("010203", name, "Région de Thiès", "Thiès", "République du Sénégal")


def _birth() -> SampleAct:
    return SampleAct("birth", EXAMPLES["birth"], niu=NIU, register_number="123/2026",
                     registered_on=REGISTERED_ON["birth"])


@pytest.mark.parametrize("name", ["Centre d'état civil de Thiès Nord", "Thiès Nord",
                                  "Mairie de Dakar-Plateau"])
def test_the_centre_is_named_as_stored_and_never_behind_a_prefix(name: str) -> None:
    """The name is the centre's full designation; no sentence puts words before it."""
    text = flat(pdftotext(render_copy(_birth(), "full", centre=_centre(name), issued_at=NOW)))
    assert "centre d'état civil de centre" not in text.lower()
    assert f"inscrit aux registres de l'état civil : {name}" in text
    assert text.count(name) == 2  # the heading and the sentence saying where it is kept


def test_a_copy_of_another_centres_act_names_the_holder_once(centre: Centre) -> None:
    holding = CentreInfo("224002", "Centre d'état civil de Ziguinchor")
    pdf = render_copy(_birth(), "full", signer=centre, centre=_centre("Centre d'état civil de "
                                                                      "Thiès Nord"),
                      issued_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
                      holding=holding)
    text = flat(pdftotext(pdf))
    assert "inscrit aux registres de l'état civil : Centre d'état civil de Ziguinchor" in text
    assert "centre d'état civil de centre" not in text.lower()


def test_the_niu_is_grouped_on_paper_as_on_screen() -> None:
    grouped = niu_text(NIU)
    assert grouped == niu_display(NIU) == make_niu("010203", 2026, 42).display
    assert grouped == f"{NIU[:6]} {NIU[6:10]} {NIU[10:17]} {NIU[17:]}"
    for kind in ("full", "extract", "receipt"):
        text = flat(pdftotext(render_copy(_birth(), kind, centre=_centre("Thiès Nord"),
                                          issued_at=NOW, receipt_number="R-1")))
        assert grouped in text, kind
        assert NIU not in text, f"{kind}: the NIU printed ungrouped"


def test_a_niu_the_act_holds_is_grouped_too() -> None:
    """A field of kind NIU (the birth act of a person who marries) prints as the NIU does."""
    act = SampleAct("marriage", EXAMPLES["marriage"], niu=make_niu("010203", 2026, 7).value,
                    register_number="7/2026", registered_on=REGISTERED_ON["marriage"])
    text = flat(pdftotext(render_copy(act, "full", centre=_centre("Thiès Nord"),
                                      issued_at=NOW)))
    linked = EXAMPLES["marriage"]["spouses"][0]["birth_act_niu"]
    assert niu_display(linked) in text and linked not in text


def _alone_at_line_start(found: list[WordBox]) -> list[str]:
    """Closing signs with no word of their line just before them (within 2.5 mm)."""
    alone = []
    for sign in found:
        if not sign.text or not set(sign.text) <= CLOSING:
            continue
        before = [w for w in found if w is not sign and w.page == sign.page
                  and abs(w.y2_mm - sign.y2_mm) < 0.4 and -0.1 <= sign.x_mm - w.x2_mm < 2.5]
        if not before:
            alone.append(sign.text)
    return alone


def test_no_line_of_a_default_document_starts_with_a_colon() -> None:
    """Narrow labels ("Assistance à l'accouchement :") put the colon alone on a line."""
    generated = generate_act("birth", random.Random(3), complete=True,
                             today=dt.date(2026, 11, 20), centre_code="010203")
    act = SampleAct("birth", generated.data, niu=generated.niu, register_number="3/2026",
                    registered_on=generated.registered_on)
    pdf = render_copy(act, "full", centre=_centre("Thiès Nord"), issued_at=NOW)
    found = word_boxes(pdf)
    assert [w for w in found if w.text == ":"], "the labels end with a colon"
    assert _alone_at_line_start(found) == []
    assert "l'accouchement :" in flat(pdftotext(pdf))


TEXTS = [
    "Assistance à l'accouchement :",
    "Nombre de visites prénatales : douze ; le déclarant dit « oui » !",
    "Le montant est de 1\u202f000 XOF ? Réponse : 12\u00a0%",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_closing_sign_never_starts_a_line_and_a_no_break_space_never_ends_one(
        text: str) -> None:
    """Every width from 8 to 60 mm, laid out and read back from the PDF."""
    style = TextStyle(font="sans", size=7, fit="wrap", min_size=7)
    for tenth in range(80, 600, 7):
        width = tenth / 10
        label = StaticText("t", 10, 10, width, 40, text=text, style=style)
        template = Template(key="t", name="T", event_type=None, pages=(Page((label,)),))
        pdf = render(template, PrintContext(None, {})).pdf
        found = word_boxes(pdf)
        assert _alone_at_line_start(found) == [], (width, [w.text for w in found])
        assert "".join(pdftotext(pdf).split()) == "".join(text.split()), width  # nothing lost
        lines = wrap(text, Font("sans"), 7, width * 72 / 25.4)
        assert all(not line or line[-1].text not in ("«", "1", "12") for line in lines[:-1]), \
            (width, [[w.text for w in line] for line in lines])
