"""Summaries, search entries and duplicate keys follow the dictionary's person declarations;
``check_link`` refuses a link to an act that disagrees."""

from __future__ import annotations

from datetime import date

import pytest

from common.acts.examples import EXAMPLES
from common.acts.summary import duplicate_key, may_be_duplicates, search_entries, summarize
from common.acts.validation import check_link

from .helpers import DELETE, mutate


def test_a_birth_summary_names_the_child_and_both_parents() -> None:
    s = summarize("birth", EXAMPLES["birth"])
    assert s.occurred_on == date(2025, 12, 28)
    assert [(p.path, p.surname, p.given_names, p.sex) for p in s.principal] == [
        ("child", "Ndiaye", "Awa Ndèye", "F")
    ]
    assert s.mother is not None and s.mother.full_name == "Sow Mariama"
    assert s.mother.birth_date == date(1994, 7, 2)
    assert s.father is not None and s.father.surname == "Ndiaye"
    assert s.as_dict()["principal"] == [{
        "role": "principal", "path": "child", "surname": "Ndiaye", "given_names": "Awa Ndèye",
        "sex": "F", "age": None, "birth_date": None,
    }]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "principal_paths"),
    [("death", ["deceased"]), ("marriage", ["spouses[0]", "spouses[1]"]),
     ("divorce", ["spouses[0]", "spouses[1]"]), ("adoption", ["child"]),
     ("foetal_death", ["mother"])],
)  # fmt: skip
def test_the_principal_person_comes_from_the_dictionary(
    key: str, principal_paths: list[str]
) -> None:
    s = summarize(key, EXAMPLES[key])
    assert [p.path for p in s.principal] == principal_paths
    assert all(p.surname for p in s.principal)


def test_filiation_summaries_list_the_parents() -> None:
    s = summarize("adoption", EXAMPLES["adoption"])
    assert [p.path for p in s.parents] == ["parents[0]", "parents[1]"]
    assert [p.role for p in s.persons()] == ["principal", "parent", "parent"]


def test_search_entries_carry_the_name_keys() -> None:
    entries = search_entries("marriage", EXAMPLES["marriage"])
    first = entries[0]
    assert (first.surname_key, first.surname_compact) == ("d almeida", "dalmeida")
    assert "almeida" in first.tokens and "jean" in first.tokens
    assert first.surname_phonetic == "TLNT"
    assert first.as_dict()["birth_date"] == "1992-09-15"


def test_odd_data_never_breaks_a_summary() -> None:
    s = summarize("birth", {"child": "x", "mother": {"surname": 3, "birth_date": "soon"}})
    assert s.principal == ()
    assert s.mother is not None and s.mother.surname is None and s.mother.birth_date is None
    assert search_entries("birth", {}) == ()


def test_duplicates_match_names_without_accents_within_three_days() -> None:
    base = EXAMPLES["birth"]
    same = mutate(base, ("child.surname", "NDIAYE"), ("child.given_names", "Awa Ndeye"),
                  ("occurred_on", "2025-12-31"), ("mother.given_names", "Mariama"))  # fmt: skip
    assert may_be_duplicates(duplicate_key("birth", base), duplicate_key("birth", same))
    later = mutate(same, ("occurred_on", "2026-01-01"))
    assert not may_be_duplicates(duplicate_key("birth", base), duplicate_key("birth", later))
    other_mother = mutate(same, ("mother.surname", "Diop"))
    assert not may_be_duplicates(duplicate_key("birth", base),
                                 duplicate_key("birth", other_mother))  # fmt: skip


def test_a_marriage_duplicate_ignores_the_order_of_the_spouses() -> None:
    m = EXAMPLES["marriage"]
    swapped = mutate(m, ("spouses", [m["spouses"][1], m["spouses"][0]]))
    assert may_be_duplicates(duplicate_key("marriage", m), duplicate_key("marriage", swapped))
    assert duplicate_key("marriage", m).mother_key is None
    assert not may_be_duplicates(duplicate_key("marriage", m),
                                 duplicate_key("divorce", EXAMPLES["divorce"]))  # fmt: skip


BIRTH_ACT = {"occurred_on": "1991-05-20", "child": {"surname": "N'Diaye", "sex": "F"}}


def test_a_death_linked_to_the_matching_birth_act_passes() -> None:
    assert check_link("death", EXAMPLES["death"], "birth_act_niu", "birth", BIRTH_ACT).ok


@pytest.mark.parametrize(
    ("key", "data", "link", "linked_type", "linked", "expected"),
    [
        ("death", EXAMPLES["death"], "birth_act_niu", "birth",
         {**BIRTH_ACT, "child": {"sex": "M"}}, ("deceased.sex", "link_sex_mismatch")),
        ("death", EXAMPLES["death"], "birth_act_niu", "birth",
         {**BIRTH_ACT, "occurred_on": "1991-05-21"},
         ("deceased.birth_date", "link_birth_date_mismatch")),
        ("death", EXAMPLES["death"], "birth_act_niu", "marriage", BIRTH_ACT,
         ("birth_act_niu", "link_wrong_event_type")),
        ("marriage", EXAMPLES["marriage"], "spouses[0].birth_act_niu", "birth",
         {"occurred_on": "1992-09-15", "child": {"sex": "F"}},
         ("spouses[0].sex", "link_sex_mismatch")),
        ("adoption", EXAMPLES["adoption"], "child.birth_act_niu", "birth",
         {"occurred_on": "2019-04-04", "child": {"sex": "F"}},
         ("child.birth_date", "link_birth_date_mismatch")),
        ("divorce", EXAMPLES["divorce"], "marriage_act_niu", "marriage",
         {"occurred_on": "2010-06-13"}, ("marriage_date", "link_marriage_date_mismatch")),
    ],
)  # fmt: skip
def test_a_link_to_a_disagreeing_act_is_refused(
    key: str,
    data: dict[str, object],
    link: str,
    linked_type: str,
    linked: dict[str, object],
    expected: tuple[str, str],
) -> None:
    report = check_link(key, data, link, linked_type, linked)
    assert report.rules() == {expected}
    assert report.errors[0].message("fr") != report.errors[0].message("en")


def test_a_link_check_tolerates_unknown_values_on_either_side() -> None:
    no_date = mutate(EXAMPLES["death"], ("deceased.birth_date", DELETE))
    assert check_link("death", no_date, "birth_act_niu", "birth", BIRTH_ACT).ok
    assert check_link("death", EXAMPLES["death"], "birth_act_niu", "birth", {}).ok
