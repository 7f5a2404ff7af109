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

Codes are tried in the order predicted, same as last (except for the column's
most frequent value, which keeps its vocabulary code), vocabulary, same-act,
delta, words, digits, literal.  Decoding is bounded: lengths, digit counts, deltas and indexes are
checked, and any violation raises ``ContainerRefused('invalid_acts')``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from common.wire.binary import Reader, Writer

LITERAL, PREDICTED, DIGITS, DELTA, WORDS, LAST, FIRST_WORD = 0, 1, 2, 3, 4, 5, 6
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
        shape, digits = shaped
        number = int(digits)
        size = (number.bit_length() + 7) // 8
        w.uint(DIGITS)
        if shape == column.previous_shape:
            w.uint(size << 1 | 1)
        else:
            w.uint(size << 1)
            w.text(shape)
            column.shapes[column.name] = shape
        w.raw(number.to_bytes(size, "big"))
        return
    w.uint(LITERAL)
    w.text(value)


def decode_text(r: Reader, column: TextColumn, act: ActStrings, sibling: str | None,
                max_length: int, predictable: bool) -> str:
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
        value = _fill(shape, f"{number:0{ndigits}d}")
        act.add(value)
    else:
        value = r.text(max_length)
        act.add(value)
    if len(value) > max_length:
        raise r.fail(f"text longer than {max_length}")
    column.previous = value
    act.last[column.name] = value
    return value
