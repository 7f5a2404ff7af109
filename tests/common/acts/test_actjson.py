"""The act JSON format: strict parsing of untrusted documents, exports, canonical bytes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from common.acts.actjson import (
    MAX_ACT_BYTES,
    ActRecord,
    canonical_json,
    parse_act_json,
    parse_act_record,
    parse_data_json,
)
from common.acts.errors import InvalidActJson, InvalidNiu, UnknownEventType
from common.acts.examples import EXAMPLES
from common.acts.niu import make_niu
from common.errors import UserError


@pytest.mark.parametrize(
    ("text", "rule", "field"),
    [
        ('{"type": "birth",\n "data": {,}}', "json_syntax", None),
        ("", "json_syntax", None),
        ('{"type": "birth", "data": {"x": NaN}}', "json_syntax", None),
        (b"\xff\xfe{}", "json_encoding", None),
        ("[1, 2]", "json_not_object", None),
        ('"birth"', "json_not_object", None),
        ('{"type": "birth", "data": []}', "json_not_object", "data"),
        ('{"type": "birth"}', "json_missing_key", "data"),
        ('{"data": {}}', "json_missing_key", "type"),
        ('{"type": "birth", "data": {}, "extra": 1}', "json_unknown_key", "extra"),
        ('{"type": "birth", "data": {"a": 1, "a": 2}}', "json_duplicate_key", "a"),
        ("[" * 100_000 + "]" * 100_000, "json_too_deep", None),
        ('{"format": "ecr-act/9", "type": "birth", "data": {}}', "json_format", "format"),
        ('{"format": "ecr-act/1", "type": "birth", "data": {}, "registered_on": "5 jan"}',
         "json_wrong_type", "registered_on"),
        ('{"format": "ecr-act/1", "type": "birth", "data": {}, "status": "Validé!"}',
         "json_wrong_type", "status"),
        ('{"format": "ecr-act/1", "type": "birth", "data": {}, "mentions": [1]}',
         "json_wrong_type", "mentions"),
        ('{"format": "ecr-act/1", "type": "birth", "data": {}, "register_number": 12}',
         "json_wrong_type", "register_number"),
    ],
)  # fmt: skip
def test_bad_documents_are_refused_with_a_clear_rule(
    text: str | bytes, rule: str, field: str | None
) -> None:
    with pytest.raises(InvalidActJson) as err:
        parse_act_json(text)
    assert (err.value.rule, err.value.field) == (rule, field)
    assert isinstance(err.value, UserError)


def test_a_syntax_error_names_its_line_and_column() -> None:
    with pytest.raises(InvalidActJson) as err:
        parse_act_json('{"type": "birth",\n "data": {,}}')
    assert "2" in err.value.message and "11" in err.value.message


def test_an_oversized_document_is_refused_before_parsing() -> None:
    big = '{"type": "birth", "data": {"x": "' + "a" * MAX_ACT_BYTES + '"}}'
    with pytest.raises(InvalidActJson) as err:
        parse_act_json(big)
    assert err.value.rule == "json_too_large"


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventType):
        parse_act_json('{"type": "baptism", "data": {}}')
    with pytest.raises(UnknownEventType):
        parse_act_json('{"type": ["birth"], "data": {}}')


def test_a_draft_document_gives_its_type_and_data() -> None:
    text = json.dumps({"type": "death", "data": EXAMPLES["death"]}, ensure_ascii=False)
    assert parse_act_json(text.encode("utf-8")) == ("death", EXAMPLES["death"])
    assert parse_act_json(b"\xef\xbb\xbf" + text.encode("utf-8"))[0] == "death"  # BOM
    assert parse_data_json(json.dumps(EXAMPLES["birth"]), "birth") == EXAMPLES["birth"]


def test_an_export_round_trips_through_its_canonical_bytes() -> None:
    niu = make_niu("000101", 2026, 42).value
    record = ActRecord(
        event_type="birth", data=EXAMPLES["birth"], status="validated", niu=niu,
        register_number="42 / 2026", centre_code="000101", registered_on=date(2026, 1, 5),
        timeliness="current", mentions=({"kind": "marriage", "on": "2050-01-01"},),
    )  # fmt: skip
    raw = record.to_json()
    assert parse_act_record(raw) == record
    assert parse_act_json(raw) == ("birth", EXAMPLES["birth"])
    assert raw == canonical_json(json.loads(raw))
    assert b" " not in raw.replace(b"\\u0020", b"").split(b'"data"')[0]


def test_an_export_with_a_mistyped_niu_is_refused() -> None:
    text = ('{"format": "ecr-act/1", "type": "birth", "data": {}, '
            '"niu": "1234562026000012391"}')  # fmt: skip
    with pytest.raises(InvalidNiu) as err:
        parse_act_record(text)
    assert err.value.rule == "niu_check_digits"


def test_canonical_json_is_independent_of_key_order_and_keeps_unicode() -> None:
    a = canonical_json({"b": 1, "a": {"z": "Ndèye", "y": [1, 2]}})
    b = canonical_json({"a": {"y": [1, 2], "z": "Ndèye"}, "b": 1})
    assert a == b == '{"a":{"y":[1,2],"z":"Ndèye"},"b":1}'.encode()


def test_canonical_json_refuses_floats() -> None:
    with pytest.raises(ValueError):
        canonical_json({"weight": 3.2})
