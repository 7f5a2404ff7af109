"""One pass over an act gives what the separate functions give, from one walk."""

from __future__ import annotations

from datetime import date

import pytest

from common.acts import structure
from common.acts.derived import derive
from common.acts.examples import EXAMPLES, EXAMPLES_TODAY
from common.acts.generator import generate_acts
from common.acts.names import phonetic_key
from common.acts.niu import make_niu
from common.acts.summary import duplicate_key, search_entries, summarize
from common.acts.timeliness import categorize
from common.acts.validation import validate

from .helpers import mutate

TODAY = date(2026, 11, 28)


def test_derive_gives_what_the_separate_functions_give_on_a_corpus() -> None:
    for act in generate_acts(600, seed=77, today=TODAY):
        d = derive(act.event_type, act.data, today=TODAY, registered_on=act.registered_on)
        report = validate(act.event_type, act.data, today=TODAY, registered_on=act.registered_on)
        assert d.report == report and d.ok
        assert d.summary == summarize(act.event_type, act.data)
        assert d.duplicate == duplicate_key(act.event_type, act.data)
        occurred = date.fromisoformat(act.data["occurred_on"])
        assert d.timeliness == categorize(act.event_type, occurred, act.registered_on)
        words = {(e.role == "principal", t) for e in search_entries(act.event_type, act.data)
                 for t in e.tokens}
        assert {(k.role == "principal", k.key) for k in d.person_keys} == words
        assert all(k.phonetic == phonetic_key(k.key) for k in d.person_keys)


def test_the_data_is_walked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    walks = []
    real = structure.walk

    def counted(*args: object) -> structure.Walk:
        walks.append(args[0])
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("common.acts.validation.walk", counted)
    d = derive("marriage", EXAMPLES["marriage"], today=EXAMPLES_TODAY)
    assert d.ok and d.summary is not None and d.person_keys and walks == ["marriage"]


def test_links_are_found_with_the_type_of_act_they_name() -> None:
    d = derive("marriage", EXAMPLES["marriage"], today=EXAMPLES_TODAY)
    assert [(x.path, x.target) for x in d.links] == [("spouses[0].birth_act_niu", "birth")]


def test_an_invalid_act_derives_nothing_to_store() -> None:
    bad = mutate(EXAMPLES["birth"], ("child.surname", "X" * 101))
    d = derive("birth", bad, today=EXAMPLES_TODAY)
    assert not d.ok and d.summary is None and d.person_keys == ()
    assert d.stored()["summary"] == {} and d.stored()["principal_key"] is None


def test_a_link_to_the_birth_act_of_someone_else_is_refused() -> None:
    niu = str(make_niu("000101", 1991, 4578))
    death = mutate(EXAMPLES["death"], ("birth_act_niu", niu))
    same = {"occurred_on": "1991-05-20", "child": {"sex": "F", "given_names": "Aminata"}}
    renamed = {**same, "child": {"sex": "F", "given_names": "Aminatou Binta"}}
    other = {**same, "child": {"sex": "F", "given_names": "Fatou"}}
    man = {**same, "child": {"sex": "M", "given_names": "Aminata"}}

    def rules(linked: dict[str, object]) -> set[tuple[str, str]]:
        d = derive("death", death, today=EXAMPLES_TODAY, linked={niu: ("birth", linked)})
        return d.report.rules()

    assert rules(same) == set() and rules(renamed) == set()  # by sound: Aminata, Aminatou
    assert rules(other) == {("deceased.given_names", "link_names_mismatch")}
    assert rules(man) == {("deceased.sex", "link_sex_mismatch")}
