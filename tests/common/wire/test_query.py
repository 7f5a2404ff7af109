"""The QUERY and QUERY_ANSWER bodies: round trips, and strict refusals of what no search means."""

from __future__ import annotations

import uuid

import pytest

from common.acts.actjson import ActRecord
from common.wire import compression
from common.wire.binary import Writer
from common.wire.errors import ContainerRefused
from common.wire.query import (
    MAX_ANSWER_ACTS,
    NATIONAL_QUERY_ROLES,
    Query,
    QueryAnswer,
    criteria_of,
    decode_answer,
    decode_query,
    encode_answer,
    encode_query,
)
from ecr_tk.services.permissions import PERMISSIONS


def test_a_query_round_trips() -> None:
    q = Query(2, "Moussa Fall", "secretary", {"surname": "DIOP", "event_type": "birth",
                                              "occurred_from": "2020-01-01"}, limit=5)
    assert decode_query(encode_query(q)) == q


@pytest.mark.parametrize("criteria, detail", [
    ({}, "at least one"),
    ({"niu": "123"}, "niu"),
    ({"surname": "Diop", "colour": "red"}, "unknown criterion"),
    ({"event_type": "birth"}, "NIU or a name"),
    ({"surname": "Diop", "event_type": "baptism"}, "event_type"),
    ({"surname": "Diop", "occurred_from": "01/02/2020"}, "occurred_from"),
    ({"surname": "x" * 201}, "surname"),
    ({"surname": "   "}, "surname"),
])
def test_criteria_that_no_search_means_are_refused_by_name(criteria, detail) -> None:
    with pytest.raises(ContainerRefused) as caught:
        Query(1, "A", "officer", criteria)
    assert detail in caught.value.detail


def test_typed_criteria_drop_blanks_and_spaces_in_a_niu() -> None:
    import datetime as dt

    assert criteria_of({"niu": "2240 0120 2600 0000 017", "surname": "  ", "given_names": None,
                        "occurred_from": dt.date(2020, 1, 2)}) == {
        "niu": "2240012026000000017", "occurred_from": "2020-01-02"}
    with pytest.raises(ContainerRefused):
        criteria_of({"surname": " "})


def test_a_decoded_query_is_checked_as_strictly_as_a_built_one() -> None:
    w = Writer()
    w.uint(1)
    w.text("A")
    w.text("officer")
    w.uint(5)
    w.uint(1)
    w.text("colour")
    w.text("red")
    with pytest.raises(ContainerRefused) as caught:
        decode_query(w.getvalue())
    assert caught.value.reason == "bad_payload" and "colour" in caught.value.detail
    good = encode_query(Query(1, "A", "officer", {"niu": "2240012026000000017"}))
    with pytest.raises(ContainerRefused):
        decode_query(good + b"\0")  # trailing bytes
    with pytest.raises(ContainerRefused):
        decode_query(good[:-3])  # truncated


def test_an_answer_round_trips_and_a_refusal_holds_no_act() -> None:
    from common.acts import examples

    act = ActRecord("birth", examples.BIRTH, status="validated", niu="2240012026000000017",
                    register_number="1/2026", centre_code="224001")
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    answer = QueryAnswer(uuid.uuid4(), 3, (act,), "", {"224001": "Dakar Plateau"})
    back = decode_answer(encode_answer(answer, vocabulary), vocabulary)
    assert back.answers == answer.answers and back.found == 3
    assert back.acts[0].to_dict() == act.to_dict() and back.centres == answer.centres
    forged = QueryAnswer(uuid.uuid4(), 1, (act,), "rate_limited")
    with pytest.raises(ContainerRefused):
        decode_answer(encode_answer(forged, vocabulary), vocabulary)
    assert MAX_ANSWER_ACTS == 20


def test_the_scec_and_the_centre_agree_on_who_may_ask() -> None:
    assert PERMISSIONS["act.search_national"] == NATIONAL_QUERY_ROLES
