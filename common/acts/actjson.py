"""The act JSON format: reading untrusted act documents, writing exports, canonical bytes.

Three shapes (``docs/act-format.md`` documents them):

* the *data* of an act: a JSON object of the event's fields, described by the
  data dictionary (``parse_data_json`` reads one for a known event type);
* a *draft document* ``{"type": "birth", "data": {...}}`` (``parse_act_json``);
* the *full act export* ``{"format": "ecr-act/1", "type", "niu", "register_number",
  "status", "centre_code", "registered_on", "timeliness", "data", "mentions"}``
  (``ActRecord``, ``parse_act_record``, ``ActRecord.to_json``).

Reading untrusted input raises only ``InvalidActJson`` (rules ``json_*``) or
``UnknownEventType``, with the line and column of a syntax error; any other
exception is a bug.  Parsing checks the *shape* of the document; the act's data
is checked by ``validation.validate``.

``canonical_json`` is the one serialisation used for hashing and signing: keys
sorted, no insignificant whitespace, UTF-8 (not ASCII-escaped), no floats.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.acts.dictionary import event
from common.acts.errors import InvalidActJson
from common.acts.niu import parse_niu
from common.acts.structure import parse_date
from common.i18n import translator

tr = translator("acts")

FORMAT = "ecr-act/1"
MAX_ACT_BYTES = 256 * 1024  # an act is a few kB; a megabyte is an attack or a mistake
_STATUS = re.compile(r"[a-z_]{1,30}")
_DRAFT_KEYS = frozenset({"type", "data"})
_RECORD_KEYS = frozenset({
    "format", "type", "niu", "register_number", "status", "centre_code", "registered_on",
    "timeliness", "data", "mentions",
})  # fmt: skip


def _refuse(message: str, rule: str, field: str | None = None) -> InvalidActJson:
    return InvalidActJson(message, field=field, rule=rule)


def _no_constant(name: str) -> Any:
    raise _refuse(tr("JSON value {value} is not allowed in an act", value=name), "json_syntax")


#: No field holds a number of more digits (a NIU is text): a longer one is refused
#: before Python converts it (beyond 4,300 digits that conversion itself fails).
MAX_NUMBER_DIGITS = 30


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _refuse(tr("A number in the act document has more than {limit} digits",
                         limit=MAX_NUMBER_DIGITS), "json_number_too_long")
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _refuse(tr("The key {key} appears twice in the same object", key=repr(key)),
                          "json_duplicate_key", key)  # fmt: skip
        out[key] = value
    return out


def loads(text: str | bytes, *, max_bytes: int = MAX_ACT_BYTES) -> Any:
    """Parse untrusted JSON strictly: size-limited, UTF-8, no duplicate keys, no NaN."""
    if isinstance(text, str):
        size = len(text.encode("utf-8", "surrogatepass"))
    elif isinstance(text, bytes | bytearray):
        size = len(text)
    else:
        raise _refuse(tr("An act document must be JSON text"), "json_syntax")
    if size > max_bytes:
        raise _refuse(tr("The act document is too large ({size} bytes, at most {limit})",
                         size=size, limit=max_bytes), "json_too_large")  # fmt: skip
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise _refuse(tr("The act document is not UTF-8 text (byte {position})",
                             position=err.start), "json_encoding") from None  # fmt: skip
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant,
                          parse_int=_int)
    except json.JSONDecodeError as err:
        raise _refuse(
            tr("Invalid JSON at line {line}, column {column}: {reason}",
               line=err.lineno, column=err.colno, reason=err.msg),
            "json_syntax",
        ) from None  # fmt: skip
    except RecursionError:
        raise _refuse(tr("The act document is nested too deeply"), "json_too_deep") from None


def _object(value: Any, key: str | None) -> dict[str, Any]:
    """``value`` if it is a JSON object; ``key`` names it (``None``: the whole document)."""
    if key is not None and value is None:
        raise _refuse(tr("The act document has no {key}", key=key), "json_missing_key", key)
    if not isinstance(value, dict):
        where = key if key is not None else tr("The act document")
        raise _refuse(tr("{where} must be a JSON object", where=where), "json_not_object", key)
    return value


def _unknown_keys(doc: Mapping[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(doc) - allowed)
    if extra:
        raise _refuse(tr("Unknown key {key} in the act document; expected: {keys}",
                         key=repr(extra[0]), keys=", ".join(sorted(allowed))),
                      "json_unknown_key", extra[0])  # fmt: skip


def parse_data_json(text: str | bytes, event_type: str) -> dict[str, Any]:
    """The data object of an act of a known type (checks JSON and shape only)."""
    event(event_type)
    return _object(loads(text), "data")


def parse_act_json(text: str | bytes) -> tuple[str, dict[str, Any]]:
    """``{"type": ..., "data": {...}}`` → ``(event_type, data)``.

    A full export (``"format": "ecr-act/1"``) is accepted too: its data is taken.
    """
    doc = _object(loads(text), None)
    if "format" in doc:
        record = _record(doc)
        return record.event_type, dict(record.data)
    _unknown_keys(doc, _DRAFT_KEYS)
    return _type(doc), _object(doc.get("data"), "data")


def _type(doc: Mapping[str, Any]) -> str:
    if "type" not in doc:
        raise _refuse(tr("The act document has no {key}", key="type"), "json_missing_key", "type")
    return event(doc["type"]).key


@dataclass(frozen=True)
class ActRecord:
    """An act as exported: the user's data plus what the system recorded."""

    event_type: str
    data: Mapping[str, Any]
    status: str = "draft"
    niu: str | None = None
    register_number: str | None = None
    centre_code: str | None = None
    registered_on: date | None = None
    timeliness: str | None = None
    #: Marginal mentions, oldest first, as the mention module writes them.
    mentions: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "type": self.event_type, "niu": self.niu,
            "register_number": self.register_number, "status": self.status,
            "centre_code": self.centre_code,
            "registered_on": self.registered_on.isoformat() if self.registered_on else None,
            "timeliness": self.timeliness, "data": dict(self.data),
            "mentions": [dict(m) for m in self.mentions],
        }  # fmt: skip

    def to_json(self) -> bytes:
        """The canonical bytes of the export (what is hashed, signed, transmitted)."""
        return canonical_json(self.to_dict())


def parse_act_record(text: str | bytes) -> ActRecord:
    """Read a full act export, checking every envelope field's shape."""
    return _record(_object(loads(text), None))


def _record(doc: Mapping[str, Any]) -> ActRecord:
    if doc.get("format") != FORMAT:
        raise _refuse(tr("Unsupported act format {value}; expected {expected}",
                         value=repr(doc.get("format")), expected=FORMAT),
                      "json_format", "format")  # fmt: skip
    _unknown_keys(doc, _RECORD_KEYS)
    event_type = _type(doc)
    niu = doc.get("niu")
    if niu is not None:
        niu = parse_niu(niu).value
    registered = doc.get("registered_on")
    registered_on = None
    if registered is not None:
        registered_on = parse_date(registered) if isinstance(registered, str) else None
        if registered_on is None:
            raise _refuse(tr("registered_on must be a date (yyyy-mm-dd)"), "json_wrong_type",
                          "registered_on")  # fmt: skip
    status = doc.get("status", "draft")
    if not isinstance(status, str) or not _STATUS.fullmatch(status):
        raise _refuse(tr("status must be a status key"), "json_wrong_type", "status")
    strings = {}
    for key in ("register_number", "centre_code", "timeliness"):
        value = doc.get(key)
        if value is not None and not isinstance(value, str):
            raise _refuse(tr("{key} must be text", key=key), "json_wrong_type", key)
        strings[key] = value
    mentions = doc.get("mentions") or []
    if not isinstance(mentions, list) or not all(isinstance(m, dict) for m in mentions):
        raise _refuse(tr("mentions must be a list of objects"), "json_wrong_type", "mentions")
    return ActRecord(
        event_type=event_type, data=_object(doc.get("data"), "data"), status=status, niu=niu,
        registered_on=registered_on, mentions=tuple(mentions), **strings,
    )  # fmt: skip


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no floats: equal data gives equal bytes."""
    _no_floats(value)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("canonical act JSON has no floating-point numbers")
    if isinstance(value, dict):
        for v in value.values():
            _no_floats(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _no_floats(v)
