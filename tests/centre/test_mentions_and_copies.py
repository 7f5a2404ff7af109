"""Marginal mentions on validated acts, the outbox, copies, fees, receipts and takings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from ecr_tk.services import InvalidAct, InvalidValue, PermissionRefused, WorkflowRefused

from .conftest import CENTRE_CODE, Staff, birth, example, validated_birth


def _outbox(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as owner:
        return owner.execute("SELECT kind, niu, target_centre, payload->>'kind'"
                             " FROM ecr.outbox ORDER BY id").fetchall()


def test_validation_writes_the_outbox_entry_in_the_same_transaction(staff: Staff,
                                                                    fresh_db: str) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    niu = staff.secretary.acts.verify(act)  # type: ignore[arg-type]
    assert _outbox(fresh_db) == []
    staff.officer.acts.validate(act)  # type: ignore[arg-type]
    assert _outbox(fresh_db) == [("act", niu, CENTRE_CODE, None)]


def test_a_court_rectification_is_appended_to_a_validated_act(staff: Staff,
                                                               fresh_db: str) -> None:
    act, niu = validated_birth(staff)
    with pytest.raises(InvalidValue) as err:
        staff.officer.acts.add_mention(act, "rectification", "Lire Awa")
    assert err.value.field == "court_decision_date"
    mention = staff.officer.acts.add_mention(
        niu, "rectification", "Lire « Awa Marie » au lieu de « Awa »",
        court_decision_date=dt.date(2026, 3, 2), court_reference="Jugement n° 45/2026")
    shown = staff.secretary.acts.show(act)
    assert [m.kind for m in shown.mentions] == ["rectification"]
    assert shown.mentions[0].court_reference == "Jugement n° 45/2026"
    assert mention.text.startswith("Lire")
    assert ("mention", niu, CENTRE_CODE, "rectification") in _outbox(fresh_db)


def test_only_the_officer_adds_mentions_and_only_to_validated_acts(staff: Staff) -> None:
    act, _ = validated_birth(staff)
    with pytest.raises(PermissionRefused):
        staff.secretary.acts.add_mention(act, "other", "Note")
    draft = staff.agent.acts.draft("birth", birth(given="Khady"), confirm_duplicates=True).id
    with pytest.raises(WorkflowRefused):
        staff.officer.acts.add_mention(draft, "other", "Note")  # type: ignore[arg-type]


def infant_death(birth_niu: str) -> dict[str, Any]:
    """The example death, of the girl born on 2025-12-28 (the child of ``birth()``)."""
    death = example("death")
    death["deceased"]["surname"], death["deceased"]["given_names"] = "Ndiaye", "Awa"
    death["deceased"]["birth_date"] = "2025-12-28"
    for key in ("age", "marital_status", "education", "occupation", "residence_years"):
        death["deceased"].pop(key)
    del death["pregnancy_related"]
    death["birth_act_niu"] = birth_niu
    return death


def test_a_death_linking_a_birth_held_here_puts_a_death_mention_on_it(staff: Staff) -> None:
    birth_id, birth_niu = validated_birth(staff)
    death = infant_death(birth_niu)
    act = staff.agent.acts.draft("death", death).id
    staff.secretary.acts.verify(act)  # type: ignore[arg-type]
    result = staff.officer.acts.validate(act)  # type: ignore[arg-type]
    assert (result.mentions_added, result.mentions_queued) == (1, 0)
    mentions = staff.officer.acts.show(birth_id).mentions
    assert [(m.kind, m.source_niu, m.event_date) for m in mentions] == [
        ("death", result.niu, dt.date.fromisoformat(death["occurred_on"]))]
    assert result.niu in mentions[0].text
    history = [e.action for e in staff.officer.acts.history(birth_id)]
    assert "act.mention" in history


def test_a_link_to_a_birth_act_that_disagrees_is_refused(staff: Staff) -> None:
    _, birth_niu = validated_birth(staff)
    death = infant_death(birth_niu)
    death["deceased"]["sex"] = "M"
    with pytest.raises(InvalidAct) as err:
        staff.agent.acts.draft("death", death)
    assert (err.value.field, err.value.rule) == ("deceased.sex", "link_sex_mismatch")
    death = example("death")  # born in 1991: not the child of that birth act
    death["birth_act_niu"] = birth_niu
    with pytest.raises(InvalidAct) as err:
        staff.agent.acts.draft("death", death)
    assert err.value.rule == "link_birth_date_mismatch"


def test_a_mention_for_an_act_held_elsewhere_is_queued_for_routing(staff: Staff,
                                                                   fresh_db: str) -> None:
    from common.acts.niu import make_niu

    elsewhere = str(make_niu("330007", 1990, 42))
    death = example("death")
    death["birth_act_niu"] = elsewhere
    act = staff.agent.acts.draft("death", death).id
    staff.secretary.acts.verify(act)  # type: ignore[arg-type]
    result = staff.officer.acts.validate(act)  # type: ignore[arg-type]
    assert (result.mentions_added, result.mentions_queued) == (0, 1)
    assert ("mention", elsewhere, "330007", "death") in _outbox(fresh_db)


def test_copies_are_billed_numbered_and_counted(staff: Staff) -> None:
    act, niu = validated_birth(staff)
    staff.officer.settings.set_fee("extract_with_filiation", 750)
    first = staff.secretary.copies.issue(niu, "full", "Ousmane Ndiaye")
    second = staff.secretary.copies.issue(act, "full", "Ousmane Ndiaye")
    extract = staff.officer.copies.issue(act, "extract_with_filiation", "Mariama Sow")
    assert (first.copy_number, second.copy_number, extract.copy_number) == (1, 2, 1)
    assert (first.is_duplicate, second.is_duplicate) == (False, True)
    assert [c.fee for c in (first, second, extract)] == [Decimal(1000), Decimal(1000),
                                                         Decimal(750)]
    year = dt.date.today().year
    assert [c.receipt_number for c in (first, second, extract)] == [
        f"R 00000{n} / {year}" for n in (1, 2, 3)]
    takings = staff.officer.copies.takings(dt.date.today())
    assert (takings.count, takings.total) == (3, Decimal(2750))
    assert takings.by_kind == {"full": Decimal(2000), "extract_with_filiation": Decimal(750)}
    assert staff.officer.copies.takings(dt.date.today() - dt.timedelta(days=1)).count == 0
    assert [e.action for e in staff.officer.acts.history(act)].count("copy.issue") == 3


def test_no_copy_of_an_act_not_yet_validated_nor_by_an_agent(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    staff.secretary.acts.verify(act)  # type: ignore[arg-type]
    with pytest.raises(WorkflowRefused):
        staff.secretary.copies.issue(act, "full", "X")  # type: ignore[arg-type]
    with pytest.raises(PermissionRefused):
        staff.agent.copies.issue(act, "full", "X")  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        staff.secretary.copies.issue(act, "photocopy", "X")  # type: ignore[arg-type]


def test_a_fee_cannot_be_negative(staff: Staff) -> None:
    with pytest.raises(InvalidValue) as err:
        staff.officer.settings.set_fee("full", -5)
    assert err.value.rule == "bad_fee"
    with pytest.raises(PermissionRefused):
        staff.secretary.settings.set_fee("full", 5)
