"""How one string value of an act is written: the cheapest of six codes.

A batch is columnar (``acts_codec``), so each string leaf has a column with a
little state: the column's vocabulary (frequent values, shipped with the
compression dictionary), an optional predictor (a sibling leaf that in practice
determines this one: a locality determines its area code), and the previous
value written in the column.  Each value is written as a varint code, then::

    0        literal: UTF-8 with its length
    1        as predicted from the sibling leaf (nothing follows)
    2        digits: ``2n`` then the shape as a literal ("# ### #####"), or ``2n+1``
             for the batch's previous shape of this leaf name (every identity
             number column shares it); then the digits as one integer, big-endian,
             in its ``n`` significant bytes (a random 10-digit identity number
             below 2^32 takes four, not the five 10 digits need)
    3        same shape as the previous value of the column: the digits' delta
             (registers count 12/2026, 13/2026…)
    4        words: their number, then each word's index in the column's word list
             (given names combine a few hundred words in thousands of ways)
    5        the same as the last value of this leaf name in the act (a child's
             surname is its father's, relatives share a residence)
    6…6+V-1  the (code-6)-th vocabulary entry
    6+V…     the (code-6-V)-th string already written literally in the same act

From dictionary version 4 (``TextCoder``, ``docs/container-format.md`` §4.1) the
code is range-coded per leaf name, the vocabulary and the batch's strings match
whatever the case (the case is coded apart), and a string nobody knows is
coded by its characters (``char_model``) instead of UTF-8.

Codes are tried in the order predicted, same as last (except for the column's
most frequent value, which keeps its vocabulary code), vocabulary, same-act,
delta, words, digits, literal.  Decoding is bounded: lengths, digit counts, deltas and indexes are
checked, and any violation raises ``ContainerRefused('invalid_acts')``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from common.wire.binary import Reader, Writer
from common.wire.char_model import (
    AS_IS,
    MASK,
    BatchStrings,
    CharModel,
    CharState,
    Choice,
    apply_case,
    case_of,
    decode_chars,
    encode_chars,
    is_cased,
)
from common.wire.range_coder import MAX_TOTAL, RangeDecoder, RangeEncoder

LITERAL, PREDICTED, DIGITS, DELTA, WORDS, LAST, FIRST_WORD = 0, 1, 2, 3, 4, 5, 6
#: Act encoding v4 (dictionary 4 on): two more codes, the vocabulary after them.
#: In v4 the code is range-coded (one adaptive choice per leaf name): ``VOCABULARY`` is
#: followed by the entry's index, ``ACT`` by the position of a string of the act.
CHARS, BATCH, VOCABULARY, ACT = 6, 7, 8, 9
CODES = 10
MAX_INDEX_BITS = 16
MAX_WORDS_PER_VALUE = 8
_SEPARATORS = frozenset(" /-.")
MIN_DIGITS = 4
MAX_DIGITS = 40
MAX_DELTA = 2**24


@dataclass
class ActStrings:
    """The strings written literally so far in one act, and the last value of each leaf name."""

    table: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    last: dict[str, str] = field(default_factory=dict)

    def add(self, value: str) -> None:
        if value not in self.positions:
            self.positions[value] = len(self.table)
            self.table.append(value)


class TextCoder:
    """Act encoding v4: the batch's range-coded stream of characters, cases and batch
    references, with the state every string column of the batch shares."""

    def __init__(self, stream: RangeEncoder | RangeDecoder,
                 models: Mapping[str, CharModel], model_of: Mapping[str, str]) -> None:
        self.stream = stream
        self._models = models
        self._model_of = model_of
        self._states: dict[str, CharState] = {}
        self._cases: dict[str, Choice] = {}
        self.mask = Choice.even(2)
        self._batch: dict[str, BatchStrings] = {}
        self._codes: dict[str, Choice] = {}
        self._lengths: dict[str, Choice] = {}

    def chars(self, leaf_name: str) -> CharState:
        """The character model of a leaf name (its trained one, else the default "*")."""
        name = self._model_of.get(leaf_name, "*")
        state = self._states.get(name)
        if state is None:
            model = self._models.get(name) or self._models.get("*") or CharModel({}, "")
            state = self._states[name] = CharState(model)
        return state

    def case(self, leaf_name: str) -> Choice:
        choice = self._cases.get(leaf_name)
        if choice is None:
            choice = self._cases[leaf_name] = Choice.even(MASK + 1)
        return choice

    def batch(self, leaf_name: str) -> BatchStrings:
        strings = self._batch.get(leaf_name)
        if strings is None:
            strings = self._batch[leaf_name] = BatchStrings()
        return strings

    def encode_code(self, leaf_name: str, code: int) -> None:
        enc = self.stream
        assert isinstance(enc, RangeEncoder)
        self._choice(self._codes, leaf_name, CODES).encode(enc, code)

    def decode_code(self, leaf_name: str) -> int:
        dec = self.stream
        assert isinstance(dec, RangeDecoder)
        return self._choice(self._codes, leaf_name, CODES).decode(dec)

    def encode_index(self, leaf_name: str, index: int) -> None:
        """A vocabulary index: its bit length under an adaptive choice, then its other bits."""
        enc = self.stream
        assert isinstance(enc, RangeEncoder)
        n = index + 1
        length = n.bit_length()
        self._choice(self._lengths, leaf_name, MAX_INDEX_BITS + 1).encode(enc, length)
        if length > 1:
            enc.symbol(n - (1 << (length - 1)), 1, 1 << (length - 1))

    def decode_index(self, leaf_name: str, size: int) -> int:
        dec = self.stream
        assert isinstance(dec, RangeDecoder)
        length = self._choice(self._lengths, leaf_name, MAX_INDEX_BITS + 1).decode(dec)
        if length == 0 or length > size.bit_length():
            raise dec.fail("a vocabulary index out of range")
        n = 1 << (length - 1)
        if length > 1:
            low = dec.target(n)
            dec.consume(low, 1, n)
            n += low
        if n - 1 >= size:
            raise dec.fail("a vocabulary index out of range")
        return n - 1

    def encode_position(self, position: int, size: int) -> None:
        enc = self.stream
        assert isinstance(enc, RangeEncoder)
        enc.symbol(position, 1, size)

    def decode_position(self, size: int) -> int:
        dec = self.stream
        assert isinstance(dec, RangeDecoder)
        if not 0 < size <= MAX_TOTAL:
            raise dec.fail("a reference to a string of the act before any")
        position = dec.target(size)
        dec.consume(position, 1, size)
        return position

    @staticmethod
    def _choice(choices: dict[str, Choice], leaf_name: str, n: int) -> Choice:
        choice = choices.get(leaf_name)
        if choice is None:
            choice = choices[leaf_name] = Choice.even(n)
        return choice

    def encode_case(self, leaf_name: str, case: tuple[int, list[bool]]) -> None:
        enc = self.stream
        assert isinstance(enc, RangeEncoder)
        self.case(leaf_name).encode(enc, case[0])
        for bit in case[1]:
            self.mask.encode(enc, int(bit))

    def decode_case(self, leaf_name: str, base: str) -> str:
        dec = self.stream
        assert isinstance(dec, RangeDecoder)
        case = self.case(leaf_name).decode(dec)
        mask: list[bool] = []
        if case == MASK:
            cased = sum(1 for ch in base.lower() if is_cased(ch))
            mask = [bool(self.mask.decode(dec)) for _ in range(cased)]
        return apply_case(base, case, mask)


@dataclass
class TextColumn:
    """The state of one string column while a batch is written or read."""

    words: tuple[str, ...] = ()
    index: Mapping[str, int] = field(default_factory=dict)
    name: str = ""  # the leaf name (``surname``), key of ``ActStrings.last``
    predictor: str | None = None  # the sibling leaf name that predicts this one
    predictions: Mapping[str, str] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()  # words that values of this column are made of
    token_index: Mapping[str, int] = field(default_factory=dict)
    previous: str | None = None
    #: the last digit shape written, per leaf name: shared by every column of a batch
    #: with that leaf name (all identity numbers have the same shape)
    shapes: dict[str, str] = field(default_factory=dict)
    #: v4 only: the batch's coder, and the vocabulary's and word list's lower-cased indexes
    coder: TextCoder | None = None
    lower_index: Mapping[str, int] = field(default_factory=dict)
    lower_tokens: Mapping[str, int] = field(default_factory=dict)
    #: v4: the column (``birth:father.surname``): string codes are learnt per column
    column_key: str = ""

    @property
    def previous_shape(self) -> str | None:
        return self.shapes.get(self.name)


def _shape(value: str) -> tuple[str, str] | None:
    """``"1 285 71235"`` → (``"# ### #####"``, ``"128571235"``), or None if not a digit string."""
    if len(value) > MAX_DIGITS + 20:
        return None
    digits = []
    shape = []
    for ch in value:
        if "0" <= ch <= "9":
            digits.append(ch)
            shape.append("#")
        elif ch in _SEPARATORS:
            shape.append(ch)
        else:
            return None
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return "".join(shape), "".join(digits)


def _width(ndigits: int) -> int:
    return int(((10**ndigits - 1).bit_length() + 7) // 8)


def _fill(shape: str, digits: str) -> str:
    it = iter(digits)
    return "".join(next(it) if ch == "#" else ch for ch in shape)


def encode_text(w: Writer, value: str, column: TextColumn, act: ActStrings,
                sibling: str | None) -> None:
    if column.coder is not None:
        _encode_text_v4(w, value, column, act, sibling, column.coder)
        return
    previous, column.previous = column.previous, value
    last = act.last.get(column.name)
    act.last[column.name] = value
    if (column.predictor is not None and sibling is not None
            and column.predictions.get(sibling) == value):
        w.uint(PREDICTED)
        return
    word = column.index.get(value)
    if last == value and word != 0:
        # the column's most frequent value keeps its own code: a column that is
        # mostly "SN" becomes a run of one byte, which zstd stores almost for free
        w.uint(LAST)
        return
    if word is not None:
        w.uint(FIRST_WORD + word)
        return
    position = act.positions.get(value)
    if position is not None:
        w.uint(FIRST_WORD + len(column.words) + position)
        return
    shaped = _shape(value)
    if shaped is not None and previous is not None:
        before = _shape(previous)
        if before is not None and before[0] == shaped[0]:
            delta = int(shaped[1]) - int(before[1])
            if -MAX_DELTA < delta < MAX_DELTA:
                w.uint(DELTA)
                w.sint(delta)
                return
    act.add(value)
    if column.token_index:
        parts = value.split(" ")
        indexes = [column.token_index.get(p) for p in parts]
        if len(parts) <= MAX_WORDS_PER_VALUE and None not in indexes:
            w.uint(WORDS)
            w.uint(len(parts))
            for index in indexes:
                w.uint(index)  # type: ignore[arg-type]
            return
    if shaped is not None:
        w.uint(DIGITS)
        _encode_digits(w, column, shaped)
        return
    w.uint(LITERAL)
    w.text(value)


def decode_text(r: Reader, column: TextColumn, act: ActStrings, sibling: str | None,
                max_length: int, predictable: bool) -> str:
    if column.coder is not None:
        return _decode_text_v4(r, column, act, sibling, max_length, predictable, column.coder)
    code = r.uint(FIRST_WORD + len(column.words) + len(act.table) - 1)
    previous = column.previous
    if code == LAST:
        last = act.last.get(column.name)
        if last is None:
            raise r.fail("no previous value of this leaf in the act")
        value = last
    elif code == PREDICTED:
        if not predictable or column.predictor is None or sibling is None:
            raise r.fail("a prediction without its predictor")
        predicted = column.predictions.get(sibling)
        if predicted is None:
            raise r.fail("no prediction for this value")
        value = predicted
    elif code >= FIRST_WORD:
        n = code - FIRST_WORD
        value = column.words[n] if n < len(column.words) else act.table[n - len(column.words)]
    elif code == DELTA:
        before = _shape(previous) if previous is not None else None
        if before is None:
            raise r.fail("a delta without a previous number")
        number = int(before[1]) + r.sint(MAX_DELTA)
        ndigits = len(before[1])
        if not 0 <= number < 10**ndigits:
            raise r.fail("a delta out of range")
        value = _fill(before[0], f"{number:0{ndigits}d}")
    elif code == WORDS:
        n = r.uint(MAX_WORDS_PER_VALUE)
        if not column.tokens or n == 0:
            raise r.fail("words without a word list")
        value = " ".join(column.tokens[r.uint(len(column.tokens) - 1)] for _ in range(n))
        act.add(value)
    elif code == DIGITS:
        value = _decode_digits(r, column)
        act.add(value)
    else:
        value = r.text(max_length)
        act.add(value)
    if len(value) > max_length:
        raise r.fail(f"text longer than {max_length}")
    column.previous = value
    act.last[column.name] = value
    return value


# ------------------------------------------------------------------ v4


def _encode_digits(w: Writer, column: TextColumn, shaped: tuple[str, str]) -> None:
    shape, digits = shaped
    number = int(digits)
    size = (number.bit_length() + 7) // 8
    if shape == column.previous_shape:
        w.uint(size << 1 | 1)
    else:
        w.uint(size << 1)
        w.text(shape)
        column.shapes[column.name] = shape
    w.raw(number.to_bytes(size, "big"))


def _encode_text_v4(w: Writer, value: str, column: TextColumn, act: ActStrings,
                    sibling: str | None, coder: TextCoder) -> None:
    """As v3, with the vocabulary and the batch's strings matched whatever the case, and
    characters coded by the leaf's character model instead of UTF-8."""
    previous, column.previous = column.previous, value
    last = act.last.get(column.name)
    act.last[column.name] = value
    if (column.predictor is not None and sibling is not None
            and column.predictions.get(sibling) == value):
        coder.encode_code(column.name, PREDICTED)
        return
    word = column.index.get(value)
    if last == value and word != 0:
        coder.encode_code(column.name, LAST)
        return
    position = act.positions.get(value)
    if position is not None and word is None:
        coder.encode_code(column.name, ACT)
        coder.encode_position(position, len(act.table))
        return
    low = value.lower()
    if word is None:
        folded = column.lower_index.get(low)
        if folded is not None:
            case = case_of(column.words[folded], value)
            if case is not None:
                word = folded
    if word is not None:
        coder.encode_code(column.name, VOCABULARY)
        coder.encode_index(column.name, word)
        coder.encode_case(column.name, case_of(column.words[word], value) or (AS_IS, []))
        return
    shaped = _shape(value)
    if shaped is not None and previous is not None:
        before = _shape(previous)
        if before is not None and before[0] == shaped[0]:
            delta = int(shaped[1]) - int(before[1])
            if -MAX_DELTA < delta < MAX_DELTA:
                coder.encode_code(column.name, DELTA)
                w.sint(delta)
                return
    act.add(value)
    lowered = case_of(low, value)
    batch = coder.batch(column.name)
    seen = batch.index.get(low)
    if seen is not None and lowered is not None:
        coder.encode_code(column.name, BATCH)
        assert isinstance(coder.stream, RangeEncoder)
        batch.encode(coder.stream, seen)
        coder.encode_case(column.name, lowered)
        return
    if column.lower_tokens and lowered is not None:
        parts = low.split(" ")
        indexes = [column.lower_tokens.get(p) for p in parts]
        if len(parts) <= MAX_WORDS_PER_VALUE and None not in indexes:
            base = " ".join(column.tokens[i] for i in indexes)  # type: ignore[index]
            case = case_of(base, value)
            if case is not None:
                coder.encode_code(column.name, WORDS)
                w.uint(len(parts))
                for index in indexes:
                    coder.encode_index(column.name + " ", index)  # type: ignore[arg-type]
                coder.encode_case(column.name, case)
                return
    if shaped is not None:
        coder.encode_code(column.name, DIGITS)
        _encode_digits(w, column, shaped)
        return
    if "\0" in value:
        coder.encode_code(column.name, LITERAL)
        w.text(value)
        return
    base, case = (low, lowered) if lowered is not None else (value, (AS_IS, []))
    coder.encode_code(column.name, CHARS)
    assert isinstance(coder.stream, RangeEncoder)
    encode_chars(coder.stream, coder.chars(column.name), base)
    coder.encode_case(column.name, case)
    if base == low:
        batch.add(low)


def _decode_text_v4(r: Reader, column: TextColumn, act: ActStrings, sibling: str | None,
                    max_length: int, predictable: bool, coder: TextCoder) -> str:
    previous = column.previous
    dec = coder.stream
    assert isinstance(dec, RangeDecoder)
    code = coder.decode_code(column.name)
    if code == LAST:
        last = act.last.get(column.name)
        if last is None:
            raise r.fail("no previous value of this leaf in the act")
        value = last
    elif code == PREDICTED:
        if not predictable or column.predictor is None or sibling is None:
            raise r.fail("a prediction without its predictor")
        predicted = column.predictions.get(sibling)
        if predicted is None:
            raise r.fail("no prediction for this value")
        value = predicted
    elif code == VOCABULARY:
        if not column.words:
            raise r.fail("a vocabulary entry without a vocabulary")
        n = coder.decode_index(column.name, len(column.words))
        value = coder.decode_case(column.name, column.words[n])
    elif code == ACT:
        value = act.table[coder.decode_position(len(act.table))]
    elif code == DELTA:
        before = _shape(previous) if previous is not None else None
        if before is None:
            raise r.fail("a delta without a previous number")
        number = int(before[1]) + r.sint(MAX_DELTA)
        ndigits = len(before[1])
        if not 0 <= number < 10**ndigits:
            raise r.fail("a delta out of range")
        value = _fill(before[0], f"{number:0{ndigits}d}")
    elif code == BATCH:
        value = coder.decode_case(column.name, coder.batch(column.name).decode(dec))
        act.add(value)
    elif code == WORDS:
        n = r.uint(MAX_WORDS_PER_VALUE)
        if not column.tokens or n == 0:
            raise r.fail("words without a word list")
        base = " ".join(column.tokens[coder.decode_index(column.name + " ", len(column.tokens))]
                        for _ in range(n))
        value = coder.decode_case(column.name, base)
        act.add(value)
    elif code == DIGITS:
        value = _decode_digits(r, column)
        act.add(value)
    elif code == CHARS:
        base = decode_chars(dec, coder.chars(column.name), max_length)
        value = coder.decode_case(column.name, base)
        act.add(value)
        if base == value.lower():
            coder.batch(column.name).add(base)
    elif code == LITERAL:
        value = r.text(max_length)
        act.add(value)
    else:
        raise r.fail("an unknown string code")
    if len(value) > max_length:
        raise r.fail(f"text longer than {max_length}")
    column.previous = value
    act.last[column.name] = value
    return value


def _decode_digits(r: Reader, column: TextColumn) -> str:
    flags = r.uint(2 * _width(MAX_DIGITS) + 1)
    if flags & 1:
        if column.previous_shape is None:
            raise r.fail("no previous digit shape")
        shape = column.previous_shape
    else:
        shape = column.shapes[column.name] = r.text(MAX_DIGITS + 20)
    ndigits = shape.count("#")
    if not MIN_DIGITS <= ndigits <= MAX_DIGITS or set(shape) - _SEPARATORS - {"#"}:
        raise r.fail("an invalid digit shape")
    size = flags >> 1
    if size > _width(ndigits):
        raise r.fail("too many bytes for the digits")
    number = int.from_bytes(r.raw(size), "big")
    if number >= 10**ndigits or (size and number >> (8 * size - 8) == 0):
        raise r.fail("digits out of range")
    return _fill(shape, f"{number:0{ndigits}d}")
