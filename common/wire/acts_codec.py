"""Canonical compact binary encoding of acts, driven by the data dictionary.

No field is named here: the encoder walks ``common.acts``' dictionary (event
tags, groups and leaves in canonical tag order, code lists in declaration
order), so a field added to the dictionary is transmitted without touching this
file, and the append-only contract of ``common/acts/model.py`` keeps old
containers readable.

One act (an ``ActRecord``)::

    event tag (varint) | dictionary version (varint) | status (text)
    | registration envelope: a group over REGISTRATION_FIELDS
    | data: the event's root group
    | mentions: count, then each mention's canonical JSON (length-prefixed)

A group is a presence bitmap (one bit per child that exists in the act's
dictionary version, canonical order, LSB first), then each present child: a
leaf's value, a nested group, or for a repeated group a count then its items.
Leaves: INT zig-zag varint; DATE signed day offset from the registration date
(or 2000-01-01 when there is none); TIME minutes since midnight; BOOL one byte;
CODE the code's index in its list; NIU 8 bytes (the 19 digits as an integer);
COUNTRY 2 ASCII bytes; TEXT, NAME, AREA, ICD10 UTF-8 with a length.

Decoding untrusted bytes is strict: every count and length is bounded by the
dictionary, unknown event tags, code indexes or future dictionary versions are
refused, trailing bytes are refused, and the result is re-validated with
``common.acts.validation.validate``.  Everything raises ``ContainerRefused``
with reason ``invalid_acts``.  A JSON ``null`` is the same as an absent key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from common.acts.actjson import ActRecord, canonical_json
from common.acts.dictionary import CODE_LISTS, EVENT_BY_TAG, EVENTS, REGISTRATION_FIELDS
from common.acts.model import DICTIONARY_VERSION, Field, Group, Kind
from common.wire.binary import Reader, Writer
from common.wire.errors import ContainerRefused

EPOCH = dt.date(2000, 1, 1)
MAX_ACTS = 10_000
MAX_TEXT = 1000  # characters, for text leaves without their own max_length
MAX_MENTIONS = 1000
MAX_MENTION_BYTES = 64 * 1024
_ENVELOPE = Group(0, "registration", REGISTRATION_FIELDS[0].label, tuple(REGISTRATION_FIELDS))


def _refuse(detail: str) -> ContainerRefused:
    return ContainerRefused("invalid_acts", detail)


def _children(group: Group, version: int) -> list[Field | Group]:
    return [c for c in group.ordered() if c.since <= version]


# ------------------------------------------------------------------ encoding


def _encode_leaf(w: Writer, f: Field, value: Any, base: dt.date, path: str) -> None:
    kind = f.kind
    try:
        if kind is Kind.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            w.sint(value)
        elif kind is Kind.BOOL:
            if not isinstance(value, bool):
                raise TypeError
            w.byte(1 if value else 0)
        elif kind is Kind.DATE:
            w.sint((dt.date.fromisoformat(value) - base).days)
        elif kind is Kind.TIME:
            t = dt.time.fromisoformat(value)
            w.uint(t.hour * 60 + t.minute)
        elif kind is Kind.CODE:
            assert f.code_list is not None
            w.uint(CODE_LISTS[f.code_list].index(value))
        elif kind is Kind.NIU:
            if not (isinstance(value, str) and len(value) == 19 and value.isdigit()):
                raise ValueError
            w.raw(int(value).to_bytes(8, "big"))
        elif kind is Kind.COUNTRY:
            raw = value.encode("ascii")
            if len(raw) != 2:
                raise ValueError
            w.raw(raw)
        else:
            if not isinstance(value, str):
                raise TypeError
            w.text(value)
    except (TypeError, ValueError, AttributeError, UnicodeEncodeError) as exc:
        raise _refuse(f"{path}: value {value!r} is not a valid {kind.value}") from exc


def _encode_group(w: Writer, group: Group, obj: Any, base: dt.date, path: str,
                  version: int) -> None:
    if not isinstance(obj, Mapping):
        raise _refuse(f"{path or 'data'}: an object is expected")
    children = _children(group, version)
    known = {c.name for c in children}
    unknown = [k for k, v in obj.items() if k not in known and v is not None]
    if unknown:
        raise _refuse(f"{path or 'data'}: unknown field {unknown[0]!r}")
    bits = 0
    for i, child in enumerate(children):
        if obj.get(child.name) is not None:
            bits |= 1 << i
    w.raw(bits.to_bytes((len(children) + 7) // 8, "little"))
    for child in children:
        value = obj.get(child.name)
        if value is None:
            continue
        child_path = f"{path}.{child.name}" if path else child.name
        if isinstance(child, Field):
            _encode_leaf(w, child, value, base, child_path)
        elif child.repeated:
            if not isinstance(value, list):
                raise _refuse(f"{child_path}: a list is expected")
            w.uint(len(value))
            for index, item in enumerate(value):
                _encode_group(w, child, item, base, f"{child_path}[{index}]", version)
        else:
            _encode_group(w, child, value, base, child_path, version)


def _base(registered_on: dt.date | None) -> dt.date:
    return registered_on or EPOCH


def encode_act(w: Writer, act: ActRecord) -> None:
    ev = EVENTS.get(act.event_type)
    if ev is None:
        raise _refuse(f"unknown event type {act.event_type!r}")
    w.uint(ev.tag)
    w.uint(DICTIONARY_VERSION)
    w.text(act.status)
    envelope = {
        "registered_on": act.registered_on.isoformat() if act.registered_on else None,
        "centre_code": act.centre_code, "register_number": act.register_number,
        "niu": act.niu, "timeliness": act.timeliness,
    }
    _encode_group(w, _ENVELOPE, envelope, EPOCH, "", DICTIONARY_VERSION)
    _encode_group(w, ev.root, act.data, _base(act.registered_on), "", DICTIONARY_VERSION)
    w.uint(len(act.mentions))
    for mention in act.mentions:
        w.blob(canonical_json(dict(mention)))


def encode_acts(acts: Sequence[ActRecord]) -> bytes:
    """The body of an ACT_BATCH (or QUERY_ANSWER / MENTION) container."""
    w = Writer()
    w.uint(len(acts))
    for act in acts:
        item = Writer()
        encode_act(item, act)
        w.blob(item.getvalue())
    return w.getvalue()


# ------------------------------------------------------------------ decoding


def _decode_leaf(r: Reader, f: Field, base: dt.date) -> Any:
    kind = f.kind
    if kind is Kind.INT:
        return r.sint(2**62)
    if kind is Kind.BOOL:
        b = r.byte()
        if b > 1:
            raise r.fail("boolean out of range")
        return b == 1
    if kind is Kind.DATE:
        offset = r.sint(4_000_000)
        try:
            return (base + dt.timedelta(days=offset)).isoformat()
        except OverflowError:
            raise r.fail("date out of range") from None
    if kind is Kind.TIME:
        minutes = r.uint(24 * 60 - 1)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if kind is Kind.CODE:
        assert f.code_list is not None
        keys = CODE_LISTS[f.code_list].keys()
        return keys[r.uint(len(keys) - 1)]
    if kind is Kind.NIU:
        value = int.from_bytes(r.raw(8), "big")
        if value >= 10**19:
            raise r.fail("NIU out of range")
        return f"{value:019d}"
    if kind is Kind.COUNTRY:
        raw = r.raw(2)
        if not raw.isascii():
            raise r.fail("country code not ASCII")
        return raw.decode("ascii")
    return r.text(f.max_length or MAX_TEXT)


def _decode_group(r: Reader, group: Group, base: dt.date, version: int) -> dict[str, Any]:
    children = _children(group, version)
    nbytes = (len(children) + 7) // 8
    bits = int.from_bytes(r.raw(nbytes), "little")
    if bits >> len(children):
        raise r.fail("presence bit set for a field that does not exist")
    out: dict[str, Any] = {}
    for i, child in enumerate(children):
        if not bits >> i & 1:
            continue
        if isinstance(child, Field):
            out[child.name] = _decode_leaf(r, child, base)
        elif child.repeated:
            count = r.uint(child.repeat_max or 0)
            out[child.name] = [_decode_group(r, child, base, version) for _ in range(count)]
        else:
            out[child.name] = _decode_group(r, child, base, version)
    return out


def decode_act(data: bytes) -> ActRecord:
    r = Reader(data, "invalid_acts")
    tag = r.uint(2**16)
    ev = EVENT_BY_TAG.get(tag)
    if ev is None:
        raise r.fail(f"unknown event tag {tag}")
    version = r.uint(2**16)
    if not 1 <= version <= DICTIONARY_VERSION:
        raise r.fail(f"dictionary version {version} unknown to this program")
    status = r.text(30)
    env = _decode_group(r, _ENVELOPE, EPOCH, version)
    registered_on = dt.date.fromisoformat(env["registered_on"]) if "registered_on" in env else None
    data_obj = _decode_group(r, ev.root, _base(registered_on), version)
    mentions = []
    for _ in range(r.uint(MAX_MENTIONS)):
        raw = r.blob(MAX_MENTION_BYTES)
        try:
            mention = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise r.fail("mention is not JSON") from None
        if not isinstance(mention, dict):
            raise r.fail("mention is not an object")
        mentions.append(mention)
    r.end()
    return ActRecord(
        event_type=ev.key, data=data_obj, status=status, niu=env.get("niu"),
        register_number=env.get("register_number"), centre_code=env.get("centre_code"),
        registered_on=registered_on, timeliness=env.get("timeliness"), mentions=tuple(mentions),
    )


def decode_acts(body: bytes, *, today: dt.date | None = None,
                validate: bool = True) -> list[ActRecord]:
    """Decode a batch body; with ``validate``, every act must pass the dictionary's validation.

    ``today`` is the date plausibility rules compare against (default: tomorrow
    in UTC, so that a centre a few time zones ahead is not refused for "future").
    """
    r = Reader(body, "invalid_acts")
    count = r.uint(MAX_ACTS)
    acts = [decode_act(r.blob(len(body))) for _ in range(count)]
    r.end()
    if validate:
        from common.acts.validation import validate as validate_act

        today = today or (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1))
        for index, act in enumerate(acts):
            report = validate_act(act.event_type, act.data, today=today,
                                  registered_on=act.registered_on)
            if report.errors:
                problem = report.errors[0]
                raise _refuse(f"act {index + 1} ({act.niu or act.event_type}): "
                              f"{problem.path}: {problem.rule}")
    return acts
