"""Search (names accent/case-insensitive, prefix, by sound; parents; numbers; dates; paging)
and the drafting rules (validation refusals, duplicate warnings, work queues)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest

from ecr_tk.services import InvalidAct, InvalidValue, SearchCriteria

from .conftest import Staff, birth, validated_birth


@pytest.fixture
def registry(staff: Staff) -> dict[str, Any]:
    ids = {}
    for surname, given, mother in (("N'Diaye", "Awa", "Sow"), ("Diallo", "Mamadou", "Bâ"),
                                   ("Diawara", "Fatoumata", "Touré"), ("Ndiaye", "Ousmane",
                                                                       "Cissé"),
                                   ("Mbaye", "Aïssatou", "Ndiaye")):
        ids[given] = staff.agent.acts.draft("birth", birth(surname, given, mother=mother),
                                            confirm_duplicates=True).id
    return ids


def _names(found: list[Any]) -> set[str]:
    return {f.principal for f in found}


@pytest.mark.parametrize(("criteria", "expected"), [
    (SearchCriteria(surname="ndiaye"), {"N'Diaye Awa", "Ndiaye Ousmane"}),
    (SearchCriteria(surname="NDIAYE"), {"N'Diaye Awa", "Ndiaye Ousmane"}),
    # N'Diaye is indexed both as ndiaye and as its word diaye
    (SearchCriteria(surname="dia"), {"Diallo Mamadou", "Diawara Fatoumata", "N'Diaye Awa"}),
    (SearchCriteria(surname="diaw"), {"Diawara Fatoumata"}),
    (SearchCriteria(given_names="aissatou"), {"Mbaye Aïssatou"}),
    (SearchCriteria(surname="Dialo"), set()),
    (SearchCriteria(surname="Dialo", fuzzy=True), {"Diallo Mamadou"}),
    # every father is Ousmane Ndiaye (the example's), and one mother is a Ndiaye
    (SearchCriteria(parent_name="ndiaye"), {"Mbaye Aïssatou", "N'Diaye Awa", "Ndiaye Ousmane",
                                            "Diallo Mamadou", "Diawara Fatoumata"}),
    (SearchCriteria(parent_name="cisse"), {"Ndiaye Ousmane"}),
    (SearchCriteria(parent_name="toure"), {"Diawara Fatoumata"}),
    (SearchCriteria(surname="ndiaye", given_names="ous"), {"Ndiaye Ousmane"}),
    (SearchCriteria(event_type="death"), set()),
    (SearchCriteria(status="draft", surname="mbaye"), {"Mbaye Aïssatou"}),
])
def test_name_search(staff: Staff, registry: dict[str, Any], criteria: SearchCriteria,
                     expected: set[str]) -> None:
    assert _names(staff.secretary.search(criteria)) == expected


def test_search_by_niu_register_number_and_dates(staff: Staff) -> None:
    act, niu = validated_birth(staff, occurred_on="2026-01-02")
    other = staff.agent.acts.draft("birth", birth("Fall", "Binta", occurred_on="2026-02-10"),
                                   confirm_duplicates=True)
    assert [f.id for f in staff.agent.search(SearchCriteria(niu=niu))] == [act]
    year = dt.date.today().year
    assert [f.id for f in staff.agent.search(SearchCriteria(register_number=f"n° 2 / {year}"))
            ] == [other.id]
    window = SearchCriteria(occurred_from=dt.date(2026, 1, 1), occurred_to=dt.date(2026, 1, 31))
    assert [f.id for f in staff.agent.search(window)] == [act]
    with pytest.raises(InvalidValue) as err:
        staff.agent.search(SearchCriteria(register_number="douze"))
    assert err.value.field == "register_number"


def test_results_are_paged_newest_first(staff: Staff, registry: dict[str, Any]) -> None:
    first = staff.officer.search(SearchCriteria(page_size=2))
    second = staff.officer.search(SearchCriteria(page_size=2, page=1))
    third = staff.officer.search(SearchCriteria(page_size=2, page=2))
    ids = [f.id for f in first + second + third]
    assert ids == sorted(registry.values(), reverse=True)


def test_search_results_are_logged(staff: Staff, registry: dict[str, Any], fresh_db: str) -> None:
    staff.secretary.search(SearchCriteria(surname="diallo"))
    with psycopg.connect(fresh_db) as owner:
        row = owner.execute("SELECT user_number, detail->'acts' FROM ecr.audit_log"
                            " WHERE action = 'act.search' ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == (2, [registry["Mamadou"]])


def test_invalid_data_is_refused_naming_the_field_and_nothing_is_saved(staff: Staff) -> None:
    data = birth()
    data["child"]["weight_g"] = 9000
    report = staff.agent.acts.check("birth", data)
    assert not report.ok and report.errors[0].field == "child.weight_g"
    with pytest.raises(InvalidAct) as err:
        staff.agent.acts.draft("birth", data)
    assert err.value.field == "child.weight_g"
    assert staff.agent.acts.queue("my_drafts") == []


def test_a_possible_duplicate_is_shown_before_saving(staff: Staff) -> None:
    first = staff.agent.acts.draft("birth", birth("Ndiaye", "Awa"))
    assert first.saved
    # same child (accents and case aside), date within 3 days, same mother
    data = birth("NDIAYE", "Awà", occurred_on="2025-12-30")
    warned = staff.agent.acts.draft("birth", data)
    assert (warned.saved, warned.id, [d.id for d in warned.duplicates]) == (False, None,
                                                                            [first.id])
    assert len(staff.agent.acts.queue("my_drafts")) == 1
    saved = staff.agent.acts.draft("birth", data, confirm_duplicates=True)
    assert saved.saved and saved.id is not None
    # another mother: not a duplicate
    assert staff.agent.acts.draft("birth", birth("Ndiaye", "Awa", mother="Faye")).saved
    # five days apart: not a duplicate
    assert staff.agent.acts.draft("birth", birth("Ndiaye", "Awa", occurred_on="2025-12-22")
                                  ).saved


def test_queue_counts_follow_the_role(staff: Staff) -> None:
    staff.agent.acts.draft("birth", birth())
    assert staff.agent.acts.queue_counts() == {"my_drafts": 1, "rejected": 0}
    assert staff.secretary.acts.queue_counts() == {"to_verify": 1}
    assert staff.officer.acts.queue_counts() == {"to_validate": 0}
