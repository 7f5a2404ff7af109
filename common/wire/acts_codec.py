"""Canonical compact binary encoding of a batch of acts, driven by the data dictionary.

No field is named here: the encoder walks ``common.acts``' dictionary (event
tags, groups and leaves in canonical tag order, code lists in declaration
order), so a field added to the dictionary is transmitted without touching this
file, and the append-only contract of ``common/acts/model.py`` keeps old
containers readable.

A batch body is *columnar*, because values of one field across acts resemble
each other (dates near dates, codes among codes) and compress far better side
by side::

    act count | structure length | structure | values              (dictionary 3)
    act count | structure length | structure | text length | text | values   (4 on)

*structure*: range-coded decisions (``range_coder``, contexts trained with the
dictionary version): the data dictionary version the batch is written in, then
per act: event tag, number of mentions, then every group's presence decisions
(first: all required children present; then the optional children, canonical
order; the required ones only when the first is no) with, for a repeated group,
its item count first.  *values*: one column
per leaf path (the registration envelope's leaves first, then status and
mentions, then every event's leaves grouped by kind and leaf name — every
surname side by side); within a column, values in act order.

Leaves: INT zig-zag varint; DATE the signed day offset from the previous date of
the same leaf name in the act (spouses' birth dates are close; a mother who
declares her child has the same), else from the act's registration date (the
registration date itself: from the previous act's, in its column), less the
column's typical offset (trained, in the vocabulary), as a ``dense_sint`` (two
bytes up to ±16,383 days: a birth date no longer needs three);
TIME minutes since midnight; BOOL one byte; CODE the code's index in its list;
NIU its serial as a delta from the previous NIU of the
column when centre and year are the act's own, else centre, year and serial
(check digits recomputed); TEXT, NAME, AREA, ICD10, COUNTRY as ``text_codec`` says: a
vocabulary index (frequent localities, names, occupations: shipped with the
compression dictionary, same version id), a value predicted by a sibling leaf,
a reference to a string already written for the same act (the declarant is
often the mother: her name travels once), a digit string or a delta, or a
literal.

From dictionary version 4 (its vocabulary carries character models) string
leaves are coded in a second range-coded stream, *text*: their code, case,
vocabulary indexes, batch references and the characters of unknown strings
(``text_codec`` v4, ``char_model``); only digits, deltas and the rare raw
literal stay in *values*.  Version 3 batches keep decoding as they were written.

Decoding untrusted bytes is strict: counts and lengths are bounded by the
dictionary, unknown event tags, code indexes, references or future dictionary
versions are refused, so are trailing bytes, and every act is re-validated with
``common.acts.validation.validate``.  Everything raises ``ContainerRefused``
with reason ``invalid_acts``.  A JSON ``null`` is the same as an absent key.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from common.acts.actjson import ActRecord, canonical_json
from common.acts.dictionary import CODE_LISTS, EVENT_BY_TAG, EVENTS, REGISTRATION_FIELDS
from common.acts.model import DICTIONARY_VERSION, Field, Group, Kind, Label
from common.acts.niu import check_digits
from common.wire.binary import Reader, Writer
from common.wire.char_model import CharModel, Choice
from common.wire.errors import ContainerRefused
from common.wire.range_coder import CountingEncoder, RangeDecoder, RangeEncoder
from common.wire.text_codec import ActStrings, TextCoder, TextColumn, decode_text, encode_text

EPOCH = dt.date(2000, 1, 1)
MAX_ACTS = 10_000
MAX_TEXT = 1000  # characters, for text leaves without their own max_length
MAX_MENTIONS = 1000
MAX_MENTION_BYTES = 64 * 1024
MAX_STRINGS_PER_ACT = 4096

_ENVELOPE = Group(0, "registration", Label("Inscription", "Registration"),
                  tuple(REGISTRATION_FIELDS))
_STATUS = Field(0, "status", Kind.TEXT, Label("Statut", "Status"), max_length=30)
_MENTION = Field(0, "mention", Kind.TEXT, Label("Mention", "Mention"),
                 max_length=MAX_MENTION_BYTES)
# Leaves written by ``text_codec`` (country codes too: "SN" is one small index).
_STRING_KINDS = (Kind.TEXT, Kind.NAME, Kind.AREA, Kind.ICD10, Kind.COUNTRY)


@functools.cache
def _columns() -> dict[str, int]:
    """Every column key → its position: envelope, status, mentions, then each event's leaves."""
    keys = [f"~{name}" for name, _ in _leaves(_ENVELOPE, "")] + ["~status", "~mentions"]
    leaves: list[tuple[tuple[int, str, int, int], str]] = []
    for tag in sorted(EVENT_BY_TAG):
        ev = EVENT_BY_TAG[tag]
        for position, (path, leaf) in enumerate(ev.leaves()):
            name = path.rsplit(".", 1)[-1]
            leaves.append(((_KIND_ORDER.index(leaf.kind), name, tag, position),
                           f"{ev.key}:{path}"))
    keys += [key for _, key in sorted(leaves)]
    return {key: i for i, key in enumerate(keys)}


# Columns of one kind and leaf name sit side by side (every surname, then every
# given name…): neighbours share statistics, which is what zstd exploits.  Free
# text comes before area codes so that a locality can predict its area code.
_KIND_ORDER = (Kind.CODE, Kind.BOOL, Kind.INT, Kind.TIME, Kind.DATE, Kind.COUNTRY, Kind.NIU,
               Kind.NAME, Kind.TEXT, Kind.ICD10, Kind.AREA)


def _leaves(group: Group, prefix: str) -> list[tuple[str, Field]]:
    out: list[tuple[str, Field]] = []
    for child in group.ordered():
        if isinstance(child, Field):
            out.append((prefix + child.name, child))
        else:
            out += _leaves(child, prefix + child.name + ("[]." if child.repeated else "."))
    return out


_CHILDREN: dict[tuple[int, int], tuple[Group, list[Field | Group]]] = {}


def _children(group: Group, version: int) -> list[Field | Group]:
    """The children of ``group`` in canonical order that exist in ``version`` (cached:
    dictionary groups live as long as the program)."""
    key = (id(group), version)
    cached = _CHILDREN.get(key)
    if cached is None or cached[0] is not group:
        cached = _CHILDREN[key] = (group, [c for c in group.ordered() if c.since <= version])
    return cached[1]


@functools.cache
def _code_index(code_list: str) -> dict[str, int]:
    return {key: i for i, key in enumerate(CODE_LISTS[code_list].keys())}


@functools.cache
def _code_keys(code_list: str) -> tuple[str, ...]:
    return CODE_LISTS[code_list].keys()


_S = TypeVar("_S", RangeEncoder, RangeDecoder)


def _stream(state: _ColumnState, kind: type[_S]) -> _S:
    """The batch's text stream (a column has ``coded_kinds`` only when there is one)."""
    coder = state.text.coder
    assert coder is not None and isinstance(coder.stream, kind)
    return coder.stream


def _refuse(detail: str) -> ContainerRefused:
    return ContainerRefused("invalid_acts", detail)


@dataclass
class _ActContext:
    """Per act: the registration date and centre (bases of dates and NIUs), its strings."""

    registered_on: dt.date | None = None
    centre_code: str | None = None
    strings: ActStrings = field(default_factory=ActStrings)
    last_dates: dict[str, dt.date] = field(default_factory=dict)

    def date_base(self, leaf_name: str) -> dt.date:
        """The previous date of the same name in this act (a spouse's birth date is near the
        other's; a declaring mother's is the same), else the registration date."""
        return self.last_dates.get(leaf_name) or self.registered_on or EPOCH


@dataclass
class _ColumnState:
    previous_serial: int = 0
    previous_date: dt.date = EPOCH
    text: TextColumn = field(default_factory=TextColumn)
    typical_offset: int = 0  # of this date column from its base (trained), subtracted
    observed: list[int] | None = None  # day offsets seen, when training
    #: dictionary 5 on: the kinds (``code``, ``bool``) this column codes in the text stream,
    #: by an adaptive choice learnt over the batch, instead of a byte of the values
    coded_kinds: frozenset[str] = frozenset()
    choice: Choice | None = None

    def coded(self, kind: Kind, n: int) -> Choice | None:
        """The column's adaptive choice over ``n`` values, if its kind is coded so."""
        if kind.value not in self.coded_kinds:
            return None
        if self.choice is None:
            self.choice = Choice.even(n)
        return self.choice


@dataclass(frozen=True)
class Vocabulary:
    """What a dictionary version knows of string leaves, by leaf name.

    ``words``: frequent values, most frequent first; ``predictors``: leaf name →
    (sibling leaf name, {sibling value: predicted value}); ``tokens``: for name
    leaves, the frequent words values are made of.
    """

    words: Mapping[str, tuple[str, ...]]
    predictors: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)
    tokens: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: column key (``birth:mother.birth_date``) → its typical day offset from its base
    date_offsets: Mapping[str, int] = field(default_factory=dict)
    #: structure context name → trained probability of a 0 (``range_coder``)
    structure: Mapping[str, int] = field(default_factory=dict)
    #: v4 on (``char_model``): the character models by name, and the model of each leaf
    #: name (others use "*"); None for the v3 encoding, strings as UTF-8 under zstd
    chars: Mapping[str, CharModel] | None = None
    char_leaves: Mapping[str, str] = field(default_factory=dict)
    #: dictionary 5 on (``vN.chars.json`` → ``coded_kinds``): leaf kinds whose values go
    #: in the text stream under an adaptive choice per column (codes by their frequencies)
    coded_kinds: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: Mapping[str, Any],
                  chars: Mapping[str, Any] | None = None) -> Vocabulary:
        """From the parsed ``vN.vocab.json`` (as ``tools/train_wire_dictionary.py`` writes it)
        and, from version 4, the parsed ``vN.chars.json``."""
        return cls(
            {name: tuple(ws) for name, ws in data["words"].items()},
            {leaf: (str(p["from"]), dict(p["map"])) for leaf, p in data["predictors"].items()},
            {name: tuple(ws) for name, ws in data["tokens"].items()},
            {column: int(offset) for column, offset in data.get("date_offsets", {}).items()},
            {context: int(p) for context, p in data.get("structure", {}).items()},
            None if chars is None else {name: CharModel.from_json(m)
                                        for name, m in chars["models"].items()},
            {} if chars is None else {str(k): str(v) for k, v in chars["leaves"].items()},
            frozenset() if chars is None else frozenset(_coded_kinds(chars)),
        )

    @functools.cached_property
    def lower_indexes(self) -> dict[str, dict[str, int]]:
        """v4: each leaf's vocabulary by lower-cased entry (the first entry of a case wins)."""
        return _folded(self.words)

    @functools.cached_property
    def lower_token_indexes(self) -> dict[str, dict[str, int]]:
        return _folded(self.tokens)

    @functools.cached_property
    def indexes(self) -> dict[str, dict[str, int]]:
        return {name: {w: i for i, w in enumerate(ws)} for name, ws in self.words.items()}

    @functools.cached_property
    def token_indexes(self) -> dict[str, dict[str, int]]:
        return {name: {w: i for i, w in enumerate(ws)} for name, ws in self.tokens.items()}

    def state(self, leaf_name: str, column_key: str = "",
              coder: TextCoder | None = None) -> _ColumnState:
        predictor, predictions = self.predictors.get(leaf_name, (None, {}))
        text = TextColumn(
            self.words.get(leaf_name, ()), self.indexes.get(leaf_name, {}), leaf_name, predictor,
            predictions, self.tokens.get(leaf_name, ()), self.token_indexes.get(leaf_name, {}))
        if coder is not None:
            text.coder = coder
            text.column_key = column_key
            text.lower_index = self.lower_indexes.get(leaf_name, {})
            text.lower_tokens = self.lower_token_indexes.get(leaf_name, {})
        return _ColumnState(text=text, typical_offset=self.date_offsets.get(column_key, 0),
                            coded_kinds=self.coded_kinds if coder is not None else frozenset())

    def predictor_of(self, leaf_name: str) -> str | None:
        entry = self.predictors.get(leaf_name)
        return entry[0] if entry else None


def _coded_kinds(chars: Mapping[str, Any]) -> list[str]:
    kinds = [str(k) for k in chars.get("coded_kinds", [])]
    if not set(kinds) <= {Kind.CODE.value, Kind.BOOL.value}:
        raise ValueError(f"coded_kinds: only code and bool can be coded, not {kinds}")
    return kinds


def _folded(lists: Mapping[str, tuple[str, ...]]) -> dict[str, dict[str, int]]:
    """Per leaf name, each entry's lower-cased form → its first index."""
    out: dict[str, dict[str, int]] = {}
    for name, ws in lists.items():
        index: dict[str, int] = {}
        for i, w in enumerate(ws):
            index.setdefault(w.lower(), i)
        out[name] = index
    return out


EMPTY_VOCABULARY = Vocabulary({})


# ------------------------------------------------------------------ encoding


def _encode_niu(w: Writer, value: Any, ctx: _ActContext, state: _ColumnState) -> None:
    if not (isinstance(value, str) and len(value) == 19 and value.isdigit()):
        raise ValueError
    if check_digits(value[:17]) != value[17:]:  # not a NIU as make_niu writes it
        w.uint(2)
        w.raw(int(value).to_bytes(8, "big"))
        return
    centre, year, serial = value[:6], int(value[6:10]), int(value[10:17])
    if centre == ctx.centre_code and ctx.registered_on and year == ctx.registered_on.year:
        w.uint(0)
        w.sint(serial - state.previous_serial)
    else:
        w.uint(1)
        w.uint(int(centre))
        w.uint(year)
        w.uint(serial)
    state.previous_serial = serial


def _encode_leaf(w: Writer, f: Field, value: Any, ctx: _ActContext, state: _ColumnState,
                 envelope: bool, where: str, sibling: str | None = None) -> None:
    kind = f.kind
    try:
        if kind is Kind.INT:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            w.sint(value)
        elif kind is Kind.BOOL:
            if not isinstance(value, bool):
                raise TypeError
            choice = state.coded(kind, 2)
            if choice is None:
                w.byte(1 if value else 0)
            else:
                choice.encode(_stream(state, RangeEncoder), 1 if value else 0)
        elif kind is Kind.DATE:
            day = dt.date.fromisoformat(value)
            if envelope:
                offset = (day - state.previous_date).days
                state.previous_date = day
            else:
                offset = (day - ctx.date_base(f.name)).days
                ctx.last_dates[f.name] = day
            if state.observed is not None:
                state.observed.append(offset)
            w.dense_sint(offset - state.typical_offset)
        elif kind is Kind.TIME:
            t = dt.time.fromisoformat(value)
            if t.second or t.microsecond:
                raise ValueError
            w.uint(t.hour * 60 + t.minute)
        elif kind is Kind.CODE:
            assert f.code_list is not None
            index = _code_index(f.code_list)[value]
            choice = state.coded(kind, len(_code_keys(f.code_list)))
            if choice is None:
                w.uint(index)
            else:
                choice.encode(_stream(state, RangeEncoder), index)
        elif kind is Kind.NIU:
            _encode_niu(w, value, ctx, state)
        else:
            if not isinstance(value, str):
                raise TypeError
            encode_text(w, value, state.text, ctx.strings, sibling)
    except (TypeError, ValueError, KeyError, AttributeError, UnicodeEncodeError) as exc:
        raise _refuse(f"{where}: value {value!r} is not a valid {kind.value}") from exc


# column → [(act index, leaf, value, where, the group object holding the leaf)]
Slots = dict[int, list[tuple[int, Field, Any, str, Mapping[str, Any]]]]


def _walk(struct: RangeEncoder, group: Group, obj: Any, path: str, column_prefix: str,
          act_index: int, slots: Slots) -> None:
    """Write ``obj``'s structure (bitmap, repeat counts) and queue its leaves by column."""
    if not isinstance(obj, Mapping):
        raise _refuse(f"{path or 'data'}: an object is expected")
    children = _children(group, DICTIONARY_VERSION)
    known = {c.name for c in children}
    unknown = [k for k, v in obj.items() if k not in known and v is not None]
    if unknown:
        raise _refuse(f"{path or 'data'}: unknown field {unknown[0]!r}")
    _write_presence(struct, children, obj, column_prefix)
    columns = _columns()
    for child in children:
        value = obj.get(child.name)
        if value is None:
            continue
        where = f"{path}.{child.name}" if path else child.name
        column = column_prefix + child.name
        if isinstance(child, Field):
            slots.setdefault(columns[column], []).append((act_index, child, value, where, obj))
        elif child.repeated:
            if not isinstance(value, list) or len(value) > (child.repeat_max or 0):
                raise _refuse(f"{where}: a list of at most {child.repeat_max} is expected")
            struct.uint(column + "[]", len(value))
            for index, item in enumerate(value):
                _walk(struct, child, item, f"{where}[{index}]", column + "[].", act_index, slots)
        else:
            _walk(struct, child, value, where, column + ".", act_index, slots)


def _presence_order(children: list[Field | Group]) -> tuple[list[Field | Group],
                                                            list[Field | Group]]:
    return [c for c in children if not c.required], [c for c in children if c.required]


def _write_presence(struct: RangeEncoder, children: list[Field | Group],
                    obj: Mapping[str, Any], prefix: str) -> None:
    """Bit 0: every required child is present (always, in a valid act); then one bit per
    optional child; then, only when bit 0 is clear, one bit per required child.  Each
    bit is coded under the context ``<group><position>|<previous bit>``: whether the
    father's occupation is filled depends on whether his birth date is."""
    optional, required = _presence_order(children)
    complete = all(obj.get(c.name) is not None for c in required)
    struct.bit(f"{prefix}0|2", int(complete))
    previous = int(complete)
    for n, child in enumerate(optional + ([] if complete else required), 1):
        bit = int(obj.get(child.name) is not None)
        struct.bit(f"{prefix}{n}|{previous}", bit)
        previous = bit


def _read_presence(r: RangeDecoder, children: list[Field | Group], prefix: str) -> set[str]:
    optional, required = _presence_order(children)
    complete = r.bit(f"{prefix}0|2")
    present = {c.name for c in required} if complete else set()
    previous = complete
    for n, child in enumerate(optional + ([] if complete else required), 1):
        previous = r.bit(f"{prefix}{n}|{previous}")
        if previous:
            present.add(child.name)
    return present


def _leaf_name(column: str) -> str:
    return column.rsplit(".", 1)[-1].rsplit(":", 1)[-1].lstrip("~")


@functools.cache
def _column_names() -> tuple[str, ...]:
    return tuple(_leaf_name(key) for key in _columns())


def encode_acts(acts: Sequence[ActRecord], vocabulary: Vocabulary = EMPTY_VOCABULARY,
                observe_dates: dict[str, list[int]] | None = None,
                observe_structure: dict[str, list[int]] | None = None) -> bytes:
    """The body of an ACT_BATCH (or QUERY_ANSWER / MENTION) container.

    Training only: ``observe_dates`` collects every date column's day offsets,
    ``observe_structure`` every structure context's zeros and ones."""
    struct = (RangeEncoder(vocabulary.structure) if observe_structure is None
              else CountingEncoder(observe_structure))
    struct.uint("version", DICTIONARY_VERSION)  # every act of a batch is in this version
    slots: Slots = {}
    columns = _columns()
    for i, act in enumerate(acts):
        ev = EVENTS.get(act.event_type)
        if ev is None:
            raise _refuse(f"unknown event type {act.event_type!r}")
        struct.uint("event", ev.tag)
        struct.uint("mentions", len(act.mentions))
        envelope = {
            "registered_on": act.registered_on.isoformat() if act.registered_on else None,
            "centre_code": act.centre_code, "register_number": act.register_number,
            "niu": act.niu, "timeliness": act.timeliness,
        }
        _walk(struct, _ENVELOPE, envelope, "", "~", i, slots)
        slots.setdefault(columns["~status"], []).append((i, _STATUS, act.status, "status", {}))
        _walk(struct, ev.root, act.data, "", f"{ev.key}:", i, slots)
        for mention in act.mentions:
            text = canonical_json(dict(mention)).decode("utf-8")
            slots.setdefault(columns["~mentions"], []).append((i, _MENTION, text, "mentions", {}))
    contexts = [_ActContext(a.registered_on, a.centre_code) for a in acts]
    shapes: dict[str, str] = {}  # digit shapes by leaf name, shared by the batch's columns
    values = Writer()
    names = _column_names()
    keys = list(columns)
    text_stream = None if vocabulary.chars is None else RangeEncoder()
    coder = (None if text_stream is None or vocabulary.chars is None
             else TextCoder(text_stream, vocabulary.chars, vocabulary.char_leaves))
    for column in sorted(slots):
        state = vocabulary.state(names[column], keys[column], coder)
        state.text.shapes = shapes
        if observe_dates is not None:
            state.observed = observe_dates.setdefault(keys[column], [])
        in_envelope = column < columns["~status"]
        usable = _predictor_precedes(keys, column, state.text.predictor)
        for act_index, leaf, value, where, obj in slots[column]:
            sibling = obj.get(state.text.predictor) if usable and state.text.predictor else None
            _encode_leaf(values, leaf, value, contexts[act_index], state, in_envelope, where,
                         sibling if isinstance(sibling, str) else None)
    body = Writer()
    body.uint(len(acts))
    body.blob(struct.finish())
    if text_stream is not None:
        body.blob(text_stream.finish())
    body.raw(values.getvalue())
    return body.getvalue()


def _predictor_precedes(keys: list[str], column: int, predictor: str | None) -> bool:
    """A prediction is usable only if the sibling's column is written (and read) first."""
    if predictor is None:
        return False
    own = keys[column]
    sibling = own[: len(own) - len(_leaf_name(own))] + predictor
    position = _columns().get(sibling)
    return position is not None and position < column


# ------------------------------------------------------------------ decoding


@dataclass
class _Skeleton:
    event_tag: int
    version: int
    envelope: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    status: list[str] = field(default_factory=list)
    mentions: list[Any] = field(default_factory=list)


# column → [(act index, container, key, field)], containers filled in place
Targets = dict[int, list[tuple[int, Any, Any, Field]]]


def _read_group(r: RangeDecoder, group: Group, out: dict[str, Any], column_prefix: str,
                version: int, act_index: int, targets: Targets) -> None:
    children = _children(group, version)
    present = _read_presence(r, children, column_prefix)
    columns = _columns()
    for child in children:
        if child.name not in present:
            continue
        column = column_prefix + child.name
        if isinstance(child, Field):
            out[child.name] = None
            targets.setdefault(columns[column], []).append((act_index, out, child.name, child))
        elif child.repeated:
            items: list[dict[str, Any]] = []
            for _ in range(r.uint(column + "[]", child.repeat_max or 0)):
                item: dict[str, Any] = {}
                _read_group(r, child, item, column + "[].", version, act_index, targets)
                items.append(item)
            out[child.name] = items
        else:
            sub: dict[str, Any] = {}
            _read_group(r, child, sub, column + ".", version, act_index, targets)
            out[child.name] = sub


def _read_structure(r: RangeDecoder, count: int, targets: Targets) -> list[_Skeleton]:
    columns = _columns()
    skeletons: list[_Skeleton] = []
    version = r.uint("version", 2**16)
    if not 1 <= version <= DICTIONARY_VERSION:
        raise r.fail(f"dictionary version {version} unknown to this program")
    for i in range(count):
        tag = r.uint("event", 2**16)
        if tag not in EVENT_BY_TAG:
            raise r.fail(f"unknown event tag {tag}")
        s = _Skeleton(tag, version)
        for m in range(r.uint("mentions", MAX_MENTIONS)):
            s.mentions.append(None)
            targets.setdefault(columns["~mentions"], []).append((i, s.mentions, m, _MENTION))
        _read_group(r, _ENVELOPE, s.envelope, "~", version, i, targets)
        s.status.append("")
        targets.setdefault(columns["~status"], []).append((i, s.status, 0, _STATUS))
        ev = EVENT_BY_TAG[tag]
        _read_group(r, ev.root, s.data, f"{ev.key}:", version, i, targets)
        skeletons.append(s)
    return skeletons


def _decode_niu(r: Reader, ctx: _ActContext, state: _ColumnState) -> str:
    form = r.uint(2)
    if form == 2:
        value = int.from_bytes(r.raw(8), "big")
        if value >= 10**19:
            raise r.fail("NIU out of range")
        return f"{value:019d}"
    if form == 0:
        if ctx.centre_code is None or ctx.registered_on is None:
            raise r.fail("NIU relative to an act without centre or registration date")
        centre, year = ctx.centre_code, ctx.registered_on.year
        serial = state.previous_serial + r.sint(10**7)
    else:
        centre, year, serial = f"{r.uint(999_999):06d}", r.uint(9999), r.uint(9_999_999)
    if not (len(centre) == 6 and centre.isdigit() and 0 <= serial <= 9_999_999):
        raise r.fail("NIU out of range")
    state.previous_serial = serial
    digits17 = f"{centre}{year:04d}{serial:07d}"
    return digits17 + check_digits(digits17)


def _decode_leaf(r: Reader, f: Field, ctx: _ActContext, state: _ColumnState,
                 envelope: bool, sibling: Any = None, predictable: bool = False) -> Any:
    kind = f.kind
    if kind is Kind.INT:
        return r.sint(2**62)
    if kind is Kind.BOOL:
        choice = state.coded(kind, 2)
        if choice is not None:
            return choice.decode(_stream(state, RangeDecoder)) == 1
        b = r.byte()
        if b > 1:
            raise r.fail("boolean out of range")
        return b == 1
    if kind is Kind.DATE:
        offset = r.dense_sint(4_000_000) + state.typical_offset
        base = state.previous_date if envelope else ctx.date_base(f.name)
        try:
            day = base + dt.timedelta(days=offset)
        except OverflowError:
            raise r.fail("date out of range") from None
        if envelope:
            state.previous_date = day
        else:
            ctx.last_dates[f.name] = day
        return day.isoformat()
    if kind is Kind.TIME:
        minutes = r.uint(24 * 60 - 1)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if kind is Kind.CODE:
        assert f.code_list is not None
        keys = _code_keys(f.code_list)
        choice = state.coded(kind, len(keys))
        if choice is not None:
            return keys[choice.decode(_stream(state, RangeDecoder))]
        return keys[r.uint(len(keys) - 1)]
    if kind is Kind.NIU:
        return _decode_niu(r, ctx, state)
    if len(ctx.strings.table) >= MAX_STRINGS_PER_ACT:
        raise r.fail("too many strings in one act")
    return decode_text(r, state.text, ctx.strings, sibling if isinstance(sibling, str) else None,
                       f.max_length or MAX_TEXT, predictable)


def _record(s: _Skeleton) -> ActRecord:
    env = s.envelope
    registered = env.get("registered_on")
    return ActRecord(
        event_type=EVENT_BY_TAG[s.event_tag].key, data=s.data, status=s.status[0],
        niu=env.get("niu"), register_number=env.get("register_number"),
        centre_code=env.get("centre_code"),
        registered_on=dt.date.fromisoformat(registered) if registered else None,
        timeliness=env.get("timeliness"), mentions=tuple(s.mentions),
    )


def decode_acts(body: bytes, *, today: dt.date | None = None, validate: bool = True,
                vocabulary: Vocabulary = EMPTY_VOCABULARY) -> list[ActRecord]:
    """Decode a batch body; with ``validate``, every act must pass the dictionary's validation.

    ``today`` is the date plausibility rules compare against (default: tomorrow
    in UTC, so that a centre a few time zones ahead is not refused for "future").
    """
    r = Reader(body, "invalid_acts")
    count = r.uint(min(MAX_ACTS, len(body)))  # every act takes at least a byte of values
    structure = RangeDecoder(r.blob(len(body)), vocabulary.structure)
    columns = _columns()
    targets: Targets = {}
    skeletons = _read_structure(structure, count, targets)
    structure.end()
    text_stream = (None if vocabulary.chars is None
                   else RangeDecoder(r.blob(len(body)), None, "invalid_acts"))
    coder = (None if text_stream is None or vocabulary.chars is None
             else TextCoder(text_stream, vocabulary.chars, vocabulary.char_leaves))
    contexts = [_ActContext() for _ in skeletons]
    shapes: dict[str, str] = {}
    names = _column_names()
    keys = list(columns)
    for column in sorted(targets):
        state = vocabulary.state(names[column], keys[column], coder)
        state.text.shapes = shapes
        envelope = column < columns["~status"]
        predictor = state.text.predictor
        usable = _predictor_precedes(keys, column, predictor)
        for act_index, container, key, leaf in targets[column]:
            ctx = contexts[act_index]
            sibling = container.get(predictor) if usable and predictor else None
            value = _decode_leaf(r, leaf, ctx, state, envelope, sibling, usable)
            container[key] = value
            if envelope and key == "registered_on":
                ctx.registered_on = dt.date.fromisoformat(value)
            elif envelope and key == "centre_code":
                ctx.centre_code = value
    r.end()
    if text_stream is not None:
        text_stream.end()
    for s in skeletons:
        for m, text in enumerate(s.mentions):
            try:
                mention = json.loads(text)
            except (ValueError, RecursionError):
                raise _refuse("a mention is not JSON") from None
            if not isinstance(mention, dict):
                raise _refuse("a mention is not an object")
            s.mentions[m] = mention
    acts = [_record(s) for s in skeletons]
    if validate:
        _validate(acts, today or (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)))
    return acts


def _validate(acts: list[ActRecord], today: dt.date) -> None:
    from common.acts.validation import validate as validate_act

    for index, act in enumerate(acts):
        report = validate_act(act.event_type, act.data, today=today,
                              registered_on=act.registered_on)
        if report.errors:
            problem = report.errors[0]
            raise _refuse(f"act {index + 1} ({act.niu or act.event_type}): "
                          f"{problem.path}: {problem.rule}")
