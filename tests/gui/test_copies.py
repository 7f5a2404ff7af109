"""The Copies page names an act as the clerk reads it, never by its internal id (issue 13, bug 2).

"108" typed in "NIU ou numéro de l'acte" was the database's id 108: Délivrer
issued and charged a copy of another person's act.  Here the acts are made so
that an id is another act's register number: the death is id 1 (Décès n° 1),
the first birth id 2 (Naissance n° 1), the second birth id 3 (Naissance n° 2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecr_tk.labels import niu_text
from tests.gui.conftest import SECRETARY, Hands, log_in, valid_act
from tests.gui.test_features import seed_validated

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


def _principal(app: Any, act_id: int) -> str:
    from ecr_tk.ui.views.copies import _principal as principal

    return principal(app.session.acts.show(act_id))


def _copies_page(hands: Hands, app: Any) -> tuple[Any, dict[str, tuple[int, str]]]:
    acts = {"death": seed_validated(app, "death", valid_act("death")),
            "first_birth": seed_validated(app, "birth", valid_act("birth")),
            "second_birth": seed_validated(app, "birth", valid_act("birth"))}
    assert [acts[k][0] for k in ("death", "first_birth", "second_birth")] == [1, 2, 3]
    bench = log_in(hands, app, SECRETARY)
    hands.click(bench.nav_buttons["copies"])
    copies = bench.current
    assert copies.view_id == "copies"
    return copies, acts


def _find(hands: Hands, copies: Any, typed: str) -> None:
    hands.type_into(copies.act_entry, typed)
    hands.press(copies.act_entry, "Return")


def test_an_internal_id_typed_in_copies_issues_nothing_and_says_what_to_type(
        app: Any, hands: Hands) -> None:
    copies, acts = _copies_page(hands, app)
    year = dt.date.today().year
    hands.type_into(copies.requester, "Mariama Sow")
    hands.type_into(copies.act_entry, "2")  # the id of the first birth; the clerk means n° 2
    hands.click(copies.issue_button)
    assert copies.issued is None and copies.record is None
    assert app.session.copies.takings().count == 0
    refusal = str(copies.form.messages["act"].cget("text"))
    assert refusal == (f"« 2 » seul ne désigne aucun acte : tapez son NIU (19 chiffres) ou "
                       f"numéro/année, par exemple 2/{year}")
    # an act found before is not issued either once the field names something else
    _find(hands, copies, f"2/{year}")
    assert _principal(app, acts["second_birth"][0]) in str(copies.act_summary.cget("text"))
    hands.type_into(copies.act_entry, "2")
    hands.click(copies.issue_button)
    assert copies.issued is None and copies.record is None
    assert app.session.copies.takings().count == 0
    assert str(copies.act_summary.cget("text")) == ""
    labels = [str(w.cget("text")) for w in copies.form.grid_slaves(column=0)]
    assert "NIU ou numéro d'acte (n°/année) *" in labels


def test_the_register_number_and_the_niu_find_the_act_the_clerk_reads(
        app: Any, hands: Hands) -> None:
    copies, acts = _copies_page(hands, app)
    year = dt.date.today().year
    _find(hands, copies, f"2 / {year}")
    summary = str(copies.act_summary.cget("text"))
    assert summary.startswith(f"Naissance n° 2 / {year}")
    assert _principal(app, acts["second_birth"][0]) in summary
    assert str(copies.form.messages["act"].cget("text")) == ""
    hands.type_into(copies.requester, "Mariama Sow")
    hands.click(copies.issue_button)
    assert copies.issued is not None
    assert (copies.issued.act_id, copies.issued.niu) == acts["second_birth"]

    _find(hands, copies, niu_text(acts["first_birth"][1]))  # grouped, as it is printed
    summary = str(copies.act_summary.cget("text"))
    assert summary.startswith(f"Naissance n° 1 / {year}")
    assert _principal(app, acts["first_birth"][0]) in summary


def test_a_number_shared_by_a_birth_and_a_death_asks_for_the_type(
        app: Any, hands: Hands) -> None:
    copies, acts = _copies_page(hands, app)
    year = dt.date.today().year
    _find(hands, copies, f"1/{year}")
    assert copies.record is None
    assert str(copies.form.messages["type"].cget("text")) == (
        f"1/{year} désigne plusieurs actes : Naissance n° 1 / {year}, Décès n° 1 / {year}. "
        f"Choisissez le type d'acte")
    hands.type_into(copies.requester, "Mariama Sow")
    hands.click(copies.issue_button)
    assert copies.issued is None and app.session.copies.takings().count == 0
    hands.choose(copies.event_type, "Décès")
    hands.press(copies.act_entry, "Return")
    assert str(copies.act_summary.cget("text")).startswith(f"Décès n° 1 / {year}")
    hands.click(copies.issue_button)
    assert copies.issued is not None and copies.issued.act_id == acts["death"][0]


def test_issue_a_copy_from_an_act_fills_in_what_the_clerk_reads(app: Any, hands: Hands) -> None:
    _copies_page(hands, app)
    bench = app.stage
    bench.open("act.view", act_id=2)
    hands.pump(0.1)
    hands.click(bench.current.buttons["copy"])
    copies = bench.current
    niu = app.session.acts.show(2).niu
    assert copies.act_entry.get() == niu_text(niu)
    assert copies.event_type.get_key() == "birth"
    assert copies.record is not None and copies.record.id == 2


def test_a_second_click_on_issue_never_charges_a_second_fee_unasked(
        app: Any, hands: Hands) -> None:
    """Issue 13, bug 8: Délivrer stayed active; a second click issued a second paid receipt."""
    act_id, niu = seed_validated(app)
    bench = log_in(hands, app, SECRETARY)
    hands.click(bench.nav_buttons["copies"])
    copies = bench.current
    _find(hands, copies, niu_text(niu))
    hands.type_into(copies.requester, "Mariama Sow")
    hands.click(copies.issue_button)
    assert copies.issued is not None
    assert copies.issue_button.instate(["disabled"])
    copies.issue_button.invoke()  # a double click: the button does nothing now
    hands.pump(0.05)
    assert app.session.copies.takings().count == 1
    # looked up again, same document, same person: asked, and "Do not issue" issues nothing
    hands.press(copies.act_entry, "Return")
    hands.answer_dialog("cancel", lambda: hands.click(copies.issue_button))
    assert "Mariama Sow" in hands.last_dialog_text
    assert app.session.copies.takings().count == 1
    hands.answer_dialog("issue", lambda: hands.click(copies.issue_button))
    assert app.session.copies.takings().count == 2
    # another requester is another request: issued without a question
    hands.type_into(copies.requester, "Ousmane Ba")
    hands.click(copies.issue_button)
    assert app.session.copies.takings().count == 3
    assert act_id == copies.record.id
