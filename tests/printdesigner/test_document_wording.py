"""What the default documents say, read back from their PDFs (issue 13, bug 7).

The reviewer read "Centre d'état civil de Centre d'état civil de démonstration",
a NIU grouped on screen and not on paper, and a colon alone at the start of a
line; each is checked here on real PDFs, with ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt

from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.acts.niu import make_niu, niu_display
from ecr_tk.labels import niu_text
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from tests.printdesigner.pdfread import flat, pdftotext

NIU = make_niu("010203", 2026, 42).value
NOW = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)


def _centre(name: str) -> CentreInfo:
    return CentreInfo("010203", name, "Région de Thiès", "Thiès", "République du Sénégal")


def _birth() -> SampleAct:
    return SampleAct("birth", EXAMPLES["birth"], niu=NIU, register_number="123/2026",
                     registered_on=REGISTERED_ON["birth"])


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
