"""The data dictionary declares every event of VITAL_EVENTS.md and is walkable generically."""

from __future__ import annotations

import pytest

from common.acts.dictionary import (
    CODE_LISTS,
    EVENTS,
    NOT_STATED,
    Group,
    Kind,
    UnknownEventType,
    code_label,
    event,
    get_value,
    urban_rural,
)

TEN_EVENTS = (
    "birth", "death", "foetal_death", "marriage", "divorce", "annulment",
    "judicial_separation", "adoption", "legitimation", "recognition",
)  # fmt: skip


def test_the_ten_events_of_vital_events_are_declared_with_distinct_tags() -> None:
    assert tuple(EVENTS) == TEN_EVENTS
    assert sorted(e.tag for e in EVENTS.values()) == list(range(1, 11))


def test_an_unknown_event_type_is_refused_with_its_rule() -> None:
    with pytest.raises(UnknownEventType) as err:
        event("baptism")
    assert err.value.rule == "unknown_event_type"
    assert "baptism" in err.value.message


@pytest.mark.parametrize("key", TEN_EVENTS)
def test_every_event_has_the_common_blocks(key: str) -> None:
    e = event(key)
    paths = {p for p, _ in e.leaves()}
    for common in (
        "occurred_on", "occurred_on_estimated", "place.locality", "place.area_code",
        "place.type", "declarant.surname", "declarant.relation",
        "registration_court_decision.decision_date", "registration_court_decision.reference",
    ):  # fmt: skip
        assert common in paths, (key, common)
    assert e.field("occurred_on").required


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("birth", "child.weight_g"), ("birth", "mother.children_still_living"),
        ("birth", "father.birth_date"), ("birth", "gestational_weeks"),
        ("birth", "rank_in_delivery"), ("birth", "attendant"),
        ("death", "cause.part1[].icd10"), ("death", "cause.underlying_icd10"),
        ("death", "cause.manner"), ("death", "pregnancy_related"),
        ("death", "infant.birth_registered"), ("death", "birth_act_niu"),
        ("foetal_death", "foetus.gestational_weeks"), ("foetal_death", "cause.part2"),
        ("marriage", "spouses[].previous_marital_status"), ("marriage", "witnesses[].surname"),
        ("marriage", "polygamy_option"), ("marriage", "matrimonial_regime"),
        ("divorce", "court.reference"), ("annulment", "marriage_act_niu"),
        ("judicial_separation", "children_of_marriage"),
        ("adoption", "child.birth_act_niu"), ("adoption", "parents[].role"),
        ("legitimation", "declaration.date"), ("recognition", "new_names.surname"),
    ],
)  # fmt: skip
def test_each_topic_of_vital_events_has_a_leaf(key: str, path: str) -> None:
    assert path in {p for p, _ in event(key).leaves()}


@pytest.mark.parametrize(
    ("key", "path", "low", "high"),
    [
        ("birth", "spouses", None, None), ("marriage", "spouses", 2, 2),
        ("marriage", "witnesses", 2, 4), ("death", "cause.part1", 1, 4),
        ("adoption", "parents", 1, 2), ("divorce", "spouses", 2, 2),
    ],
)  # fmt: skip
def test_repeated_groups_carry_their_bounds(key: str, path: str, low: int, high: int) -> None:
    e = event(key)
    if low is None:
        with pytest.raises(KeyError):
            e.node(path)
        return
    node = e.node(path)
    assert isinstance(node, Group)
    assert (node.repeat_min, node.repeat_max) == (low, high)


def test_every_code_list_ends_with_not_stated_and_has_both_languages() -> None:
    for cl in CODE_LISTS.values():
        assert cl.keys()[-1] == NOT_STATED, cl.key
        for c in cl.codes:
            assert c.label("fr") and c.label("en")


def test_every_leaf_is_labelled_in_french_and_english() -> None:
    for e in EVENTS.values():
        for path, f in e.leaves():
            assert f.label("fr") and f.label("en"), (e.key, path)
            if f.kind is Kind.CODE:
                assert f.code_list in CODE_LISTS


def test_leaves_are_in_tag_order_and_stable_between_calls() -> None:
    e = event("birth")
    first = list(e.leaves())
    assert first == list(e.leaves())
    assert [p for p, _ in first][:3] == ["occurred_on", "occurred_on_estimated", "occurred_time"]


def test_code_labels_follow_the_language() -> None:
    assert code_label("place_type", "hospital", "fr") == "Hôpital"
    assert code_label("place_type", "hospital", "en") == "Hospital"


def test_get_value_reads_nested_and_repeated_paths() -> None:
    data = {"mother": {"birth_date": "1990-01-02"},
            "witnesses": [{"surname": "Diop"}, {"surname": "Fall"}]}  # fmt: skip
    assert get_value(data, "mother.birth_date") == "1990-01-02"
    assert get_value(data, "witnesses[].surname") == ["Diop", "Fall"]
    assert get_value(data, "witnesses[1].surname") == "Fall"
    assert get_value(data, "witnesses[5].surname") is None
    assert get_value(data, "father.surname") is None


def test_path_labels_name_the_item_of_a_repeated_group() -> None:
    assert event("marriage").path_label("witnesses[2].surname", "fr") == "Témoin 3 › Nom"
    label = event("death").path_label("cause.part1[1].icd10", "en")
    assert label == "Cause of death › Part I, line (b) › ICD-10 code"


@pytest.mark.parametrize(
    ("area", "table", "expected"),
    [
        ("010203", {"0102": "urban"}, "urban"),
        ("010203", {"01": "rural", "0102": "urban"}, "urban"),
        ("0109", {"01": "rural", "0102": "urban"}, "rural"),
        ("99", {"01": "rural"}, "not_stated"),
        ("01", None, "not_stated"),
        (None, {"01": "rural"}, "not_stated"),
    ],
)
def test_urban_rural_is_derived_from_the_area_code_by_longest_prefix(
    area: str | None, table: dict[str, str] | None, expected: str
) -> None:
    assert urban_rural(area, table) == expected


def test_every_event_declares_the_registration_fields_the_system_sets() -> None:
    from common.acts.dictionary import REGISTRATION_FIELDS

    for e in EVENTS.values():
        assert e.registration_fields == REGISTRATION_FIELDS
    names = [f.name for f in REGISTRATION_FIELDS]
    assert names == ["registered_on", "centre_code", "register_number", "niu", "timeliness"]
    for e in EVENTS.values():  # never inside the act's data
        assert not set(names) & {c.name for c in e.root.children}
