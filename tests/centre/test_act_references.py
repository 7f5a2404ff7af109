"""A person names an act by its NIU or its register number "n/yyyy", never by its internal id.

Issue 13, bug 2: "108" typed in Copies was taken as the database's id 108 and a
copy of another person's act was issued and charged.  The acts below are made
so that the id of one act is the register number of another: the death is id
1 (n° 1), the first birth id 2 (n° 1 of the births), the second birth id 3
(n° 2); so "2" could mean the first birth (id 2) or the second (n° 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from common.acts.errors import InvalidActReference, InvalidNiu
from common.acts.niu import Niu
from common.acts.reference import RegisterNumber, parse_act_reference
from common.i18n import using_language
from ecr_tk.services import ActNotFound, AmbiguousActReference, InvalidValue

from .conftest import Staff, birth, example


@dataclass
class Acts:
    year: int
    death: tuple[int, str]
    first_birth: tuple[int, str]
    second_birth: tuple[int, str]


def _validated(staff: Staff, event_type: str, data: dict[str, Any]) -> tuple[int, str]:
    act_id = staff.agent.acts.draft(event_type, data, confirm_duplicates=True).id
    assert act_id is not None
    niu = staff.secretary.acts.verify(act_id)
    staff.officer.acts.validate(act_id)
    return act_id, niu


@pytest.fixture
def acts(staff: Staff) -> Acts:
    made = Acts(year=dt.date.today().year,
                death=_validated(staff, "death", example("death")),
                first_birth=_validated(staff, "birth", birth(given="Awa")),
                second_birth=_validated(staff, "birth", birth(given="Khady", mother="Fall")))
    assert [made.death[0], made.first_birth[0], made.second_birth[0]] == [1, 2, 3]
    return made


@pytest.mark.parametrize(("typed", "expected"), [
    ("61/2026", RegisterNumber(61, 2026)),
    (" 61 / 2026 ", RegisterNumber(61, 2026)),
    ("n° 61 / 2026", RegisterNumber(61, 2026)),  # as the windows print it
    ("No 61/2026", RegisterNumber(61, 2026)),
])
def test_a_register_number_is_read_as_people_write_it(typed: str,
                                                      expected: RegisterNumber) -> None:
    assert parse_act_reference(typed) == expected


@pytest.mark.parametrize("typed", ["108", "2", "0", "", "abc", "61/26", "0/2026", "١٢٣",
                                   "61/2026/1", "99999999999999999999",
                                   "2210 0120 2600 0000 16"])  # 18 digits
def test_what_names_no_act_a_person_sees_is_refused(typed: str) -> None:
    with pytest.raises(InvalidActReference) as err:
        parse_act_reference(typed)
    assert err.value.rule == "bad_act_reference"


def test_a_bare_number_is_refused_in_french_saying_what_to_type() -> None:
    with pytest.raises(InvalidActReference) as err:
        parse_act_reference("108")
    year = dt.date.today().year
    assert str(err.value) == (f"« 108 » seul ne désigne aucun acte : tapez son NIU "
                              f"(19 chiffres) ou numéro/année, par exemple 108/{year}")
    with using_language("en"), pytest.raises(InvalidActReference) as err:
        parse_act_reference("108")
    assert "NIU" in str(err.value) and f"108/{year}" in str(err.value)


def test_a_niu_with_a_mistyped_digit_is_refused_by_its_check_digits() -> None:
    with pytest.raises(InvalidNiu) as err:
        parse_act_reference("2210 0120 2600 0000 199")
    assert err.value.rule == "niu_check_digits"


def test_a_niu_is_found_as_typed_grouped_with_spaces(staff: Staff, acts: Acts) -> None:
    act_id, niu = acts.second_birth
    grouped = " ".join(niu[i:i + 4] for i in range(0, 19, 4))
    assert staff.secretary.acts.show(grouped).id == act_id
    assert parse_act_reference(grouped) == Niu(niu)


def test_a_register_number_finds_its_act_not_the_act_whose_id_it_is(
        staff: Staff, acts: Acts) -> None:
    shown = staff.secretary.acts.show(f"2/{acts.year}")
    assert shown.id == acts.second_birth[0]
    assert shown.register_number == f"n° 2 / {acts.year}"
    assert staff.secretary.acts.show(f"n° 1 / {acts.year}", "birth").id == acts.first_birth[0]
    assert staff.secretary.acts.show(f"1/{acts.year}", "death").id == acts.death[0]


def test_a_bare_number_never_reaches_the_database(staff: Staff, acts: Acts) -> None:
    for service_call in (lambda: staff.secretary.acts.show("2"),
                         lambda: staff.secretary.acts.history("2"),
                         lambda: staff.officer.acts.add_mention("2", "other", "Note"),
                         lambda: staff.secretary.copies.issue("2", "full", "Mariama Sow"),
                         # these take the internal id only, as an int: text is never cast
                         lambda: staff.secretary.acts.verify("2"),  # type: ignore[arg-type]
                         lambda: staff.officer.acts.validate("2"),  # type: ignore[arg-type]
                         lambda: staff.officer.acts.reject("2", "x"),  # type: ignore[arg-type]
                         lambda: staff.agent.acts.update_draft(  # type: ignore[arg-type]
                             f"2/{acts.year}", birth())):
        with pytest.raises(InvalidActReference):
            service_call()
    assert staff.secretary.copies.takings().count == 0


def test_a_register_number_shared_by_two_types_asks_for_the_type(
        staff: Staff, acts: Acts) -> None:
    with pytest.raises(AmbiguousActReference) as err:
        staff.secretary.acts.show(f"1/{acts.year}")
    assert err.value.rule == "act_reference_ambiguous"
    assert err.value.field == "type"
    assert err.value.event_types == ("birth", "death")
    assert str(err.value) == (f"1/{acts.year} désigne plusieurs actes : Naissance n° 1 / "
                              f"{acts.year}, Décès n° 1 / {acts.year}. Choisissez le type "
                              f"d'acte")
    with pytest.raises(AmbiguousActReference):
        staff.secretary.copies.issue(f"1/{acts.year}", "full", "Mariama Sow")
    assert staff.secretary.copies.takings().count == 0


def test_an_unknown_register_number_is_no_such_act(staff: Staff, acts: Acts) -> None:
    with pytest.raises(ActNotFound) as err:
        staff.secretary.acts.show(f"9/{acts.year}")
    assert err.value.rule == "act_not_found"
    assert f"9/{acts.year}" in str(err.value)
    with pytest.raises(ActNotFound):
        staff.secretary.acts.show(f"2/{acts.year}", "death")  # a birth n° 2, no death n° 2
    with pytest.raises(ActNotFound):
        staff.secretary.acts.show(f"2/{acts.year - 1}")
    with pytest.raises(InvalidValue) as bad:
        staff.secretary.acts.show(f"2/{acts.year}", "baptism")
    assert bad.value.rule == "bad_event_type"


def test_copies_history_and_mentions_take_the_register_number(staff: Staff,
                                                              acts: Acts) -> None:
    issued = staff.secretary.copies.issue(f"2/{acts.year}", "full", "Mariama Sow")
    assert (issued.act_id, issued.niu) == acts.second_birth
    mention = staff.officer.acts.add_mention(f"1/{acts.year}", "other", "Note",
                                             event_type="death")
    assert staff.officer.acts.show(acts.death[0]).mentions[0].id == mention.id
    actions = [e.action for e in staff.officer.acts.history(f"2/{acts.year}", "birth")]
    assert "copy.issue" in actions


def test_the_read_by_register_number_is_logged_like_any_show(staff: Staff, acts: Acts,
                                                             fresh_db: str) -> None:
    staff.secretary.acts.show(f"2/{acts.year}")
    with psycopg.connect(fresh_db) as owner:
        last = owner.execute("SELECT action, act_id, user_number FROM ecr.audit_log "
                             "ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == ("act.show", acts.second_birth[0], 2)


def test_a_program_still_names_an_act_by_its_internal_id_as_an_int(staff: Staff,
                                                                   acts: Acts) -> None:
    assert staff.secretary.acts.show(2).id == 2
    with pytest.raises(InvalidActReference):
        staff.secretary.acts.show(0)
