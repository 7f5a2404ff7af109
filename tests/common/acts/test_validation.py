"""Validation: a valid act of each type passes; each rule refuses with its field and key."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from common.acts.dictionary import EVENTS, UnknownEventType, event
from common.acts.errors import ActInvalid
from common.acts.examples import EXAMPLES, EXAMPLES_TODAY, REGISTERED_ON
from common.acts.messages import RULES
from common.acts.niu import make_niu
from common.acts.validation import DEFAULT_RULES, RegistrationRules, Report, validate

from .helpers import DELETE, mutate

TODAY = EXAMPLES_TODAY
GOOD_NIU = make_niu("000101", 2020, 7).value
BAD_NIU = GOOD_NIU[:-1] + str((int(GOOD_NIU[-1]) + 1) % 10)


def check(
    key: str,
    data: Any,
    rules: RegistrationRules = DEFAULT_RULES,
    registered_on: date | str | None = "example",
) -> Report:
    reg = REGISTERED_ON[key] if registered_on == "example" else registered_on
    assert not isinstance(reg, str)
    return validate(key, data, today=TODAY, rules=rules, registered_on=reg)


@pytest.mark.parametrize("key", list(EVENTS))
def test_the_complete_example_of_each_event_is_valid_without_warning(key: str) -> None:
    report = check(key, EXAMPLES[key])
    assert report.ok, [p.message("en") for p in report.errors]
    assert report.warnings == ()


# (event, changes, expected error path, expected rule)
REFUSALS: list[tuple[str, tuple[tuple[str, Any], ...], str, str]] = [
    # --- structure and types
    ("birth", (("occurred_on", DELETE),), "occurred_on", "required"),
    ("birth", (("place", DELETE),), "place", "required"),
    ("birth", (("mother.surname", DELETE),), "mother.surname", "required"),
    ("birth", (("declarant.relation", DELETE),), "declarant.relation", "required"),
    ("birth", (("declarant.relation", None),), "declarant.relation", "required"),
    ("birth", (("mother.birth_date", DELETE),), "mother.birth_date", "one_of_required"),
    ("birth", (("nickname", "Bébé"),), "nickname", "unknown_field"),
    ("birth", (("child.nickname", "Bébé"),), "child.nickname", "unknown_field"),
    ("birth", (("child", "Awa"),), "child", "wrong_type"),
    ("birth", (("child.weight_g", "3000"),), "child.weight_g", "wrong_type"),
    ("birth", (("child.weight_g", True),), "child.weight_g", "wrong_type"),
    ("birth", (("child.weight_g", 3000.0),), "child.weight_g", "wrong_type"),
    ("birth", (("occurred_on_estimated", "no"),), "occurred_on_estimated", "wrong_type"),
    ("birth", (("place.type", "palace"),), "place.type", "not_in_code_list"),
    ("birth", (("child.sex", "f"),), "child.sex", "not_in_code_list"),
    ("birth", (("occurred_on", "2025-02-30"),), "occurred_on", "invalid_date"),
    ("birth", (("occurred_on", "28/12/2025"),), "occurred_on", "invalid_date"),
    ("birth", (("occurred_on", "2025-1-05"),), "occurred_on", "invalid_date"),
    ("birth", (("mother.birth_date", "1994-07-02T00:00"),), "mother.birth_date", "invalid_date"),
    ("birth", (("occurred_time", "25:00"),), "occurred_time", "invalid_time"),
    ("birth", (("occurred_time", "6:45"),), "occurred_time", "invalid_time"),
    ("birth", (("mother.nationality", "XX"),), "mother.nationality", "invalid_country"),
    ("birth", (("mother.nationality", "sn"),), "mother.nationality", "invalid_country"),
    ("birth", (("place.area_code", "07-02"),), "place.area_code", "invalid_format"),
    ("birth", (("mother.occupation_isco", "75311"),), "mother.occupation_isco", "invalid_format"),
    ("birth", (("child.surname", "   "),), "child.surname", "empty"),
    ("birth", (("child.surname", "Nd\x07iaye"),), "child.surname", "control_characters"),
    ("birth", (("child.given_names", "Awa\nNdèye"),), "child.given_names", "control_characters"),
    ("birth", (("child.surname", "Ndiaye3"),), "child.surname", "name_characters"),
    ("birth", (("child.surname", "Ndiaye\u202e"),), "child.surname", "name_characters"),
    ("birth", (("child.surname", "N" * 101),), "child.surname", "too_long"),
    ("birth", (("place.locality", "L" * 201),), "place.locality", "too_long"),
    # --- bounds
    ("birth", (("child.weight_g", 199),), "child.weight_g", "below_minimum"),
    ("birth", (("child.weight_g", 7001),), "child.weight_g", "above_maximum"),
    ("birth", (("gestational_weeks", 15),), "gestational_weeks", "below_minimum"),
    ("birth", (("gestational_weeks", 47),), "gestational_weeks", "above_maximum"),
    ("foetal_death", (("foetus.weight_g", 7500),), "foetus.weight_g", "above_maximum"),
    ("foetal_death", (("foetus.gestational_weeks", 12),), "foetus.gestational_weeks",
     "below_minimum"),
    # --- dates
    ("birth", (("mother.birth_date", "2026-01-16"),), "mother.birth_date", "date_in_future"),
    ("marriage", (("witnesses[1].birth_date", "2027-06-06"),), "witnesses[1].birth_date",
     "date_in_future"),
    ("birth", (("mother.birth_date", "1849-12-31"),), "mother.birth_date", "date_too_old"),
    ("birth", (("mother.last_live_birth_on", "2026-01-01"),), "mother.last_live_birth_on",
     "after_occurrence"),
    ("birth", (("father.birth_date", "2025-12-29"), ("father.age", DELETE)),
     "father.birth_date", "born_after_event"),
    # --- mother
    ("birth", (("mother.birth_date", "2016-01-01"),), "mother.birth_date",
     "mother_age_implausible"),
    ("birth", (("mother.birth_date", "1964-12-27"),), "mother.birth_date",
     "mother_age_implausible"),
    ("birth", (("mother.birth_date", DELETE), ("mother.age", 9)), "mother.age",
     "mother_age_implausible"),
    ("foetal_death", (("mother.birth_date", DELETE), ("mother.age", 61)), "mother.age",
     "mother_age_implausible"),
    ("birth", (("mother.age", 30),), "mother.age", "age_inconsistent"),
    ("birth", (("mother.children_still_living", 4),), "mother.children_still_living",
     "more_living_than_born"),
    ("birth", (("mother.children_born_alive", 0), ("mother.children_still_living", 0)),
     "mother.children_born_alive", "children_born_alive_excludes_this_child"),
    # --- delivery
    ("birth", (("birth_type", "single"), ("rank_in_delivery", 2)), "rank_in_delivery",
     "rank_exceeds_birth_type"),
    ("birth", (("rank_in_delivery", 3),), "rank_in_delivery", "rank_exceeds_birth_type"),
    ("birth", (("rank_in_delivery", DELETE),), "rank_in_delivery", "rank_required"),
    ("foetal_death", (("birth_type", "triplet"), ("rank_in_delivery", 4)), "rank_in_delivery",
     "rank_exceeds_birth_type"),
    # --- registration
    ("birth", (("occurred_on", "2023-01-10"), ("mother.last_live_birth_on", DELETE)),
     "registration_court_decision", "court_decision_required"),
    ("death", (("occurred_on", "2024-12-01"), ("deceased.age", 33)),
     "registration_court_decision", "court_decision_required"),
    ("birth", (("registration_court_decision", {"decision_date": "2025-12-01",
                                                "reference": "J 1/2025"}),),
     "registration_court_decision.decision_date", "decision_before_occurrence"),
    ("birth", (("registration_court_decision", {"decision_date": "2025-12-30"}),),
     "registration_court_decision.reference", "required"),
    # --- death
    ("death", (("deceased.birth_date", "2026-01-04"), ("deceased.age", DELETE)),
     "deceased.birth_date", "death_before_birth"),
    ("death", (("deceased.sex", "M"),), "pregnancy_related", "pregnancy_related_not_applicable"),
    ("death", (("deceased.birth_date", "1975-01-01"), ("deceased.age", 51)),
     "pregnancy_related", "pregnancy_related_not_applicable"),
    ("death", (("infant", {"mother_residence": {"locality": "Mbour"}}),), "infant",
     "infant_not_applicable"),
    ("death", (("cause.part1", []),), "cause.part1", "too_few"),
    ("death", (("cause.part1", [{"text": "x"}] * 5),), "cause.part1", "too_many"),
    ("death", (("cause.part1", "Choc"),), "cause.part1", "wrong_type"),
    ("death", (("cause.part1[1]", "Choc"),), "cause.part1[1]", "wrong_type"),
    ("death", (("cause.part1[0].text", DELETE),), "cause.part1[0].text", "required"),
    ("death", (("cause.part1[0].icd10", "r57.1"),), "cause.part1[0].icd10", "invalid_icd10"),
    ("death", (("cause.underlying_icd10", "O72-1"),), "cause.underlying_icd10",
     "invalid_icd10"),
    ("death", (("cause.manner", "murder"),), "cause.manner", "not_in_code_list"),
    ("death", (("birth_act_niu", BAD_NIU),), "birth_act_niu", "niu_check_digits"),
    ("death", (("birth_act_niu", "000101 2020 0000007"),), "birth_act_niu", "niu_format"),
    # --- marriage
    ("marriage", (("witnesses", [{"surname": "Gueye", "given_names": "Modou"}]),),
     "witnesses", "too_few"),
    ("marriage", (("witnesses", [{"surname": "Gueye", "given_names": "Modou"}] * 5),),
     "witnesses", "too_many"),
    ("marriage", (("spouses[1]", DELETE),), "spouses", "too_few"),
    ("marriage", (("witnesses[0].surname", DELETE),), "witnesses[0].surname", "required"),
    ("marriage", (("spouses[1].birth_date", "2008-12-21"),), "spouses[1].birth_date",
     "below_marriage_age"),
    ("marriage", (("spouses[0].birth_date", DELETE), ("spouses[0].age", 17)), "spouses[0].age",
     "below_marriage_age"),
    ("marriage", (("polygamy_option", "polygamy"),), "polygamy_option", "not_applicable_by_law"),
    ("marriage", (("spouses[0].previous_marital_status", "married"),),
     "spouses[0].previous_marital_status", "polygamy_not_allowed"),
    # --- dissolutions
    ("divorce", (("marriage_date", "2025-12-16"),), "marriage_date",
     "marriage_after_dissolution"),
    ("annulment", (("court", DELETE),), "court", "required"),
    ("judicial_separation", (("court.decision_date", "2009-01-01"),), "court.decision_date",
     "decision_before_marriage"),
    ("divorce", (("marriage_act_niu", "12345"),), "marriage_act_niu", "niu_format"),
    ("divorce", (("spouses[0].age", 30),), "spouses[0].age", "age_inconsistent"),
    # --- filiation
    ("adoption", (("court", DELETE),), "court", "required"),
    ("adoption", (("parents", []),), "parents", "too_few"),
    ("adoption", (("parents[0].sex", "F"),), "parents[0].role", "role_sex_mismatch"),
    ("adoption", (("parents[1].birth_date", "2019-04-03"),), "parents[1].birth_date",
     "parent_born_after_child"),
    ("legitimation", (("declaration", DELETE),), "court", "one_of_required"),
    ("recognition", (("parents", [{"surname": "A", "given_names": "B", "sex": "M",
                                    "age": 40, "role": "father"}] * 2),),
     "parents[1].role", "duplicate_parent_role"),
    ("recognition", (("new_names", {}),), "new_names.surname", "one_of_required"),
    ("adoption", (("child.birth_act_niu", BAD_NIU),), "child.birth_act_niu",
     "niu_check_digits"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "changes", "path", "rule"), REFUSALS)
def test_each_rule_refuses_with_the_right_field_and_rule_key(
    key: str, changes: tuple[tuple[str, Any], ...], path: str, rule: str
) -> None:
    report = check(key, mutate(EXAMPLES[key], *changes))
    assert (path, rule) in report.rules(), [(p.path, p.rule) for p in report.errors]
    assert rule in RULES


@pytest.mark.parametrize(("key", "changes", "path", "rule"), REFUSALS)
def test_each_refusal_message_names_the_field_in_french_and_english(
    key: str, changes: tuple[tuple[str, Any], ...], path: str, rule: str
) -> None:
    report = check(key, mutate(EXAMPLES[key], *changes))
    problem = next(p for p in report.errors if (p.path, p.rule) == (path, rule))
    ev = event(key)
    for lang in ("fr", "en"):
        message = problem.message(lang)
        if rule != "unknown_field":
            label = ev.path_label(path, lang)
            assert message.startswith(label + (" : " if lang == "fr" else ": ")), message
        assert "rule " not in message and "règle " not in message, message
    assert problem.message("fr") != problem.message("en")


# (event, changes, expected warning path, rule)
WARNINGS = [
    ("birth", (("mother.birth_date", "2015-12-27"),), "mother.birth_date", "mother_age_unusual"),
    ("birth", (("mother.birth_date", "2014-06-01"),), "mother.birth_date", "mother_age_unusual"),
    ("birth", (("mother.birth_date", "2012-06-01"),), "mother.birth_date", "mother_age_unusual"),
    ("birth", (("mother.birth_date", "1972-06-01"),), "mother.birth_date", "mother_age_unusual"),
    ("birth", (("mother.birth_date", "1965-12-28"),), "mother.birth_date", "mother_age_unusual"),
    ("birth", (("registration_court_decision", {"decision_date": "2026-01-02",
                                                "reference": "J 1/2026"}),),
     "registration_court_decision", "court_decision_not_needed"),
]  # fmt: skip


BORN_AFTER_THE_EVENT = [
    ("birth", (("mother.birth_date", "2026-01-04"),), "mother.birth_date", "born_after_event"),
    ("birth", (("mother.birth_date", "2025-12-29"), ("mother.age", DELETE)),
     "mother.birth_date", "born_after_event"),
    ("foetal_death", (("mother.birth_date", "2025-12-01"),), "mother.birth_date",
     "born_after_event"),
    ("birth", (("father.birth_date", "2025-12-29"), ("father.age", DELETE)),
     "father.birth_date", "born_after_event"),
    ("marriage", (("spouses[1].birth_date", "2025-12-21"),), "spouses[1].birth_date",
     "born_after_event"),
    ("marriage", (("spouses[0].birth_date", "2025-12-21"), ("spouses[0].age", 30)),
     "spouses[0].birth_date", "born_after_event"),
    ("death", (("deceased.birth_date", "2026-01-04"), ("deceased.age", DELETE)),
     "deceased.birth_date", "death_before_birth"),
    ("death", (("deceased.birth_date", "2026-01-04"), ("deceased.age", DELETE),
               ("infant", {"mother_residence": {"locality": "Mbour"}})),
     "deceased.birth_date", "death_before_birth"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "changes", "path", "rule"), BORN_AFTER_THE_EVENT)
def test_a_person_born_after_the_event_is_refused_for_the_date_order_alone(
    key: str, changes: tuple[tuple[str, Any], ...], path: str, rule: str
) -> None:
    """Issue 13, bug 5: no age rule on the negative age ("the mother would be -1 years old")."""
    report = check(key, mutate(EXAMPLES[key], *changes))
    assert report.rules() == {(path, rule)}
    assert not report.warnings


@pytest.mark.parametrize(("key", "changes", "path", "rule"), WARNINGS)
def test_unusual_values_are_warned_not_refused(
    key: str, changes: tuple[tuple[str, Any], ...], path: str, rule: str
) -> None:
    report = check(key, mutate(EXAMPLES[key], *changes))
    assert report.ok, [(p.path, p.rule) for p in report.errors]
    assert [(p.path, p.rule) for p in report.warnings] == [(path, rule)]
    assert report.warnings[0].message("fr").startswith("Mère") or path.startswith("regist")


# Changes that must stay valid: boundaries and the freedom names have.
ACCEPTED = [
    ("birth", (("child.weight_g", 200),)),
    ("birth", (("child.weight_g", 7000),)),
    ("birth", (("gestational_weeks", 16),)),
    ("birth", (("gestational_weeks", 46),)),
    ("birth", (("father", DELETE),)),
    ("birth", (("father", None),)),
    ("birth", (("mother.birth_date", "1985-12-28"),)),  # 40 exactly
    ("birth", (("mother.birth_date", DELETE), ("mother.age", 31))),
    ("birth", (("birth_type", "single"), ("rank_in_delivery", 1))),
    ("birth", (("birth_type", "single"), ("rank_in_delivery", DELETE))),
    ("birth", (("birth_type", "higher"), ("rank_in_delivery", 6))),
    ("birth", (("child.surname", "N'Diaye-Sow"), ("child.given_names", "Jean-Baptiste Ndèye"))),
    ("birth", (("child.surname", "D’Almeida"),)),
    ("birth", (("child.surname", "محمد"), ("child.given_names", "فاطمة الزهراء"))),
    ("birth", (("child.surname", "Иванова"), ("child.given_names", "Анна"))),
    ("birth", (("child.surname", "王"), ("child.given_names", "小明"))),
    ("birth", (("child.surname", "Ǹgúɛ̀ St. Kɔ́"),)),
    ("birth", (("occurred_on", "2024-02-29"), ("mother.last_live_birth_on", DELETE),
               ("registration_court_decision",
               {"decision_date": "2025-01-10", "reference": "J 3/2025"}))),
    ("death", (("cause.part1", [{"text": "Paludisme grave"}]),)),
    ("death", (("cause", DELETE),)),
    ("death", (("pregnancy_related", DELETE), ("deceased.sex", "M"))),
    ("death", (("birth_act_niu", GOOD_NIU),)),
    ("marriage", (("spouses[1].birth_date", "2007-12-20"),)),  # 18 on the day
    ("marriage", (("witnesses", [{"surname": f"T{i}", "given_names": "X"} for i in "ABCD"]),)),
    ("adoption", (("parents[1].sex", "M"), ("parents[1].role", "father"))),  # law decides
    ("recognition", (("declaration", DELETE), ("court", {"name": "TGI", "reference": "R 1",
                                                         "decision_date": "2025-12-01"}))),
]  # fmt: skip


@pytest.mark.parametrize(("key", "changes"), ACCEPTED)
def test_plausible_variations_are_accepted(key: str, changes: tuple[tuple[str, Any], ...]) -> None:
    report = check(key, mutate(EXAMPLES[key], *changes))
    assert report.ok, [(p.path, p.rule, p.message("en")) for p in report.errors]


def test_settings_change_what_is_refused() -> None:
    young = mutate(EXAMPLES["marriage"], ("spouses[1].birth_date", "2008-12-21"))
    assert not check("marriage", young).ok
    assert check("marriage", young, RegistrationRules(marriage_min_age=16)).ok
    poly = mutate(EXAMPLES["marriage"], ("polygamy_option", "polygamy"),
                  ("spouses[0].previous_marital_status", "married"))  # fmt: skip
    assert check("marriage", poly, RegistrationRules(polygamy_allowed=True)).ok
    no_regime = RegistrationRules(matrimonial_regime_applies=False)
    assert ("matrimonial_regime", "not_applicable_by_law") in check(
        "marriage", EXAMPLES["marriage"], no_regime
    ).rules()


def test_a_registration_before_the_event_is_refused_at_the_occurrence_date() -> None:
    report = check("birth", EXAMPLES["birth"], registered_on=date(2025, 12, 27))
    assert ("occurred_on", "registered_before_occurrence") in report.rules()


def test_without_a_registration_date_today_decides_timeliness() -> None:
    old = mutate(EXAMPLES["birth"], ("occurred_on", "2024-12-01"),
                 ("mother.last_live_birth_on", DELETE))  # fmt: skip
    report = validate("birth", old, today=TODAY)
    assert ("registration_court_decision", "court_decision_required") in report.rules()
    assert "400" in report.errors[0].message("en") or "410" in report.errors[0].message("en")


def test_data_that_is_not_an_object_is_refused_not_raised() -> None:
    for data in (None, [], "birth", 3):
        report = validate("birth", data, today=TODAY)
        assert report.rules() == {("", "wrong_type")}


def test_an_unknown_event_type_raises_the_user_error() -> None:
    with pytest.raises(UnknownEventType):
        validate("baptism", {}, today=TODAY)


def test_raise_if_errors_gives_a_user_error_naming_the_first_field() -> None:
    report = check("birth", mutate(EXAMPLES["birth"], ("child.weight_g", 50)))
    with pytest.raises(ActInvalid) as err:
        report.raise_if_errors()
    assert err.value.field == "child.weight_g"
    assert err.value.rule == "below_minimum"
    assert "Poids" in err.value.message


def test_an_empty_birth_reports_every_missing_required_block() -> None:
    report = validate("birth", {}, today=TODAY)
    assert {p for p, r in report.rules() if r == "required"} == {
        "occurred_on", "place", "declarant", "birth_type", "child", "mother",
    }  # fmt: skip


def test_a_report_serialises_to_json_friendly_dicts() -> None:
    report = check("birth", mutate(EXAMPLES["birth"], ("child.weight_g", 50)))
    d = report.as_dict("en")
    message = "Child › Birth weight (g): must be at least 200"
    assert d["errors"] == [
        {"field": "child.weight_g", "rule": "below_minimum",
         "params": {"minimum": 200, "value": 50}, "message": message}
    ]  # fmt: skip


def test_problems_compare_by_path_rule_and_params() -> None:
    a = check("birth", mutate(EXAMPLES["birth"], ("child.weight_g", 50))).errors[0]
    assert a == dataclasses.replace(a, event_key=None)


def test_warning_rules_are_exactly_those_the_validator_warns_with() -> None:
    from common.acts.messages import WARNING_RULES

    assert {rule for _k, _c, _p, rule in WARNINGS} == WARNING_RULES
    assert not WARNING_RULES & {rule for _k, _c, _p, rule in REFUSALS}


# (event, changes, path, rule, what the message must show instead of the hidden character)
HIDDEN = [
    ("birth", (("child.surname", "Ndiaye\u202e"),), "child.surname", "name_characters",
     "U+202E"),
    ("birth", (("child.given_names", "Awa\u200bNdèye"),), "child.given_names",
     "name_characters", "U+200B"),
    ("birth", (("occurred_on", "2025-12-28\u202e"),), "occurred_on", "invalid_date",
     "2025-12-28U+202E"),
    ("birth", (("occurred_time", "06:45\u2066"),), "occurred_time", "invalid_time",
     "06:45U+2066"),
    ("birth", (("child.sex", "F\u200b"),), "child.sex", "not_in_code_list", "FU+200B"),
    ("birth", (("mother.nationality", "S\u202eN"),), "mother.nationality", "invalid_country",
     "SU+202EN"),
    ("birth", (("place.area_code", "07\ufeff02"),), "place.area_code", "invalid_format",
     "07U+FEFF02"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "changes", "path", "rule", "shown"), HIDDEN)
def test_a_refusal_message_shows_a_hidden_character_it_quotes_as_its_code_point(
    key: str, changes: tuple[tuple[str, Any], ...], path: str, rule: str, shown: str
) -> None:
    import unicodedata

    report = check(key, mutate(EXAMPLES[key], *changes))
    problem = next(p for p in report.errors if (p.path, p.rule) == (path, rule))
    for lang in ("fr", "en"):
        message = problem.message(lang)
        assert shown in message, message
        assert not [ch for ch in message if unicodedata.category(ch) in ("Cc", "Cf")], message


def test_sentences_show_dates_as_people_read_them_and_values_as_typed() -> None:
    """Issue 13, bug 5: "postérieure à la date de l'événement (2026-11-20)"."""
    from common.acts.messages import rule_text, with_field
    from common.i18n import using_language

    with using_language("fr"):
        assert rule_text("born_after_event", {"occurred": "2026-11-20"}) == (
            "est postérieure à la date de l'événement (20/11/2026)")
        # what the clerk typed is repeated exactly, even when it looks like a date
        assert rule_text("invalid_date", {"value": "2026-02-30"}).endswith("2026-02-30")
        assert with_field("Date de l'événement", rule_text("required", {})) == (
            "Date de l'événement : obligatoire")
