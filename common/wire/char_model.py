"""Strings no vocabulary knows, coded by their characters (act encoding v4).

A name or a place that is not in the shipped vocabulary used to travel as UTF-8
under zstd, which on names it has never seen costs some 5 to 6 bits a character.
Here its characters are coded one by one under the batch's range coder
(``range_coder``) with the probabilities of a *context model*: the chance of
each character given the two before it, learnt from broad name and place
material (``tools/train_wire_dictionary.py``; not the benchmark's, not the
generator's lists), and adapted to the batch as it is coded (a batch of Polish
names quickly makes "sz" cheap).

The model is PPM (Cleary & Witten, 1984) with method C escapes and no
exclusions, which is simple enough to re-implement from
``docs/container-format.md`` alone:

* A value is coded lower-cased (its case separately, see ``case_of``), as its
  characters then ``END`` (U+0000).  The context of a character is the two
  characters before it, the value padded in front with two ``END``.
* For each context ``c2 c1``, three tables are tried in turn: order 2 (key
  ``c2 c1``), order 1 (key ``c1``), order 0 (key ""), then the model's
  alphabet.  A table lists symbols with counts plus an *escape* count; a table
  that lists no symbol is skipped without coding anything.  The symbol is coded
  as its interval of the table's total (counts in the table's order, escape
  last) if the table lists it; otherwise the escape is coded and the next table
  is tried.  After the alphabet's escape, the code point is coded as
  ``cp >> 11`` of 544 then ``cp & 2047`` of 2048.
* After coding a symbol, its count grows by ``INC`` in the table that listed it,
  and it is appended with count ``INC`` to every table that escaped (the escape
  count grows by ``ESCAPE_INC``); a table whose total passes ``RESCALE`` has
  every count halved (rounded up).  Tables start from the trained counts, and a
  context never trained on starts empty.  Every batch starts again from the
  trained tables.

Everything is integer arithmetic, so encoder and decoder agree on every
platform.  Decoding is bounded: a value longer than its leaf allows, a code
point outside Unicode or a surrogate is refused (``ContainerRefused``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from common.wire.range_coder import MAX_TOTAL, RangeDecoder, RangeEncoder

END = "\0"
INC = 32
ESCAPE_INC = 16
RESCALE = 1 << 15
CODE_POINT_HIGH = 0x110000 >> 11  # 544
#: the most strings a batch keeps for references (``BatchStrings``)
MAX_BATCH_STRINGS = 4096
assert RESCALE + 4 * INC < MAX_TOTAL


class Table:
    """Symbols (one-character strings), their counts and the escape count."""

    __slots__ = ("_index", "counts", "escape", "sum", "symbols")

    def __init__(self, symbols: list[str], counts: list[int], escape: int) -> None:
        self.symbols = symbols
        self.counts = counts
        self._index: dict[str, int] | None = None  # built when first asked: decoding rarely is
        self.escape = escape
        self.sum = sum(counts)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {s: i for i, s in enumerate(self.symbols)}
        return self._index

    def bump(self, i: int) -> None:
        self.counts[i] += INC
        self.sum += INC
        self._rescale()

    def add(self, symbol: str) -> None:
        if self._index is not None:
            self._index[symbol] = len(self.symbols)
        self.symbols.append(symbol)
        self.counts.append(INC)
        self.sum += INC
        self.escape += ESCAPE_INC
        self._rescale()

    def _rescale(self) -> None:
        if self.sum + self.escape > RESCALE:
            self.counts = [(c + 1) >> 1 for c in self.counts]
            self.sum = sum(self.counts)
            self.escape = (self.escape + 1) >> 1


@dataclass(frozen=True)
class CharModel:
    """A trained model: tables by context key, and the alphabet (order −1)."""

    tables: Mapping[str, tuple[str, tuple[int, ...], int]]
    alphabet: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CharModel:
        tables = {key: (str(t[0]), tuple(int(c) for c in t[1]), int(t[2]))
                  for key, t in data["contexts"].items()}
        for key, (symbols, counts, escape) in tables.items():
            if (len(key) > 2 or len(symbols) != len(counts) or len(set(symbols)) != len(symbols)
                    or min(counts, default=1) < 1 or escape < 1
                    or sum(counts) + escape > RESCALE):
                raise ValueError(f"character model: bad table {key!r}")
        return cls(tables, str(data["alphabet"]))


class CharState:
    """One model's tables while one batch is coded: copied from the trained ones on first use."""

    def __init__(self, model: CharModel) -> None:
        self.model = model
        self.tables: dict[str | None, Table] = {}

    def table(self, key: str | None) -> Table:
        t = self.tables.get(key)
        if t is None:
            if key is None:
                alphabet = list(dict.fromkeys(END + self.model.alphabet))
                t = Table(alphabet, [1] * len(alphabet), 1)
            else:
                trained = self.model.tables.get(key)
                t = (Table(list(trained[0]), list(trained[1]), trained[2]) if trained
                     else Table([], [], 1))
            self.tables[key] = t
        return t


def encode_chars(enc: RangeEncoder, state: CharState, text: str) -> None:
    """``text`` (lower-cased by the caller, without U+0000) then END."""
    ctx = END + END
    for ch in itertools.chain(text, END):
        _encode_symbol(enc, state, ctx, ch)
        ctx = ctx[1] + ch


def _encode_symbol(enc: RangeEncoder, state: CharState, ctx: str, ch: str) -> None:
    missed = []
    for key in (ctx, ctx[1], "", None):
        t = state.table(key)
        if not t.symbols:
            missed.append(t)
            continue
        i = t.index.get(ch)
        total = t.sum + t.escape
        if i is not None:
            enc.symbol(sum(t.counts[:i]), t.counts[i], total)
            t.bump(i)
            break
        enc.symbol(t.sum, t.escape, total)
        missed.append(t)
    else:
        cp = ord(ch)
        enc.symbol(cp >> 11, 1, CODE_POINT_HIGH)
        enc.symbol(cp & 2047, 1, 2048)
    for t in missed:
        t.add(ch)


def decode_chars(dec: RangeDecoder, state: CharState, max_length: int) -> str:
    out: list[str] = []
    ctx = END + END
    while True:
        ch = _decode_symbol(dec, state, ctx)
        if ch == END:
            return "".join(out)
        if len(out) >= max_length:
            raise dec.fail(f"text longer than {max_length}")
        out.append(ch)
        ctx = ctx[1] + ch


def _find(dec: RangeDecoder, counts: Sequence[int], total: int) -> tuple[int, int]:
    """(index, cumulative count) of the symbol the decoder points at; index == len(counts)
    for the escape."""
    value = dec.target(total)
    cumulative = list(itertools.accumulate(counts))
    i = bisect.bisect_right(cumulative, value)
    return i, (cumulative[i - 1] if i else 0)


def _decode_symbol(dec: RangeDecoder, state: CharState, ctx: str) -> str:
    missed = []
    ch = None
    for key in (ctx, ctx[1], "", None):
        t = state.table(key)
        if not t.symbols:
            missed.append(t)
            continue
        total = t.sum + t.escape
        i, cum = _find(dec, t.counts, total)
        if i < len(t.symbols):
            dec.consume(cum, t.counts[i], total)
            ch = t.symbols[i]
            t.bump(i)
            break
        dec.consume(t.sum, t.escape, total)
        missed.append(t)
    if ch is None:
        high = dec.target(CODE_POINT_HIGH)
        dec.consume(high, 1, CODE_POINT_HIGH)
        low = dec.target(2048)
        dec.consume(low, 1, 2048)
        cp = high << 11 | low
        if cp == 0 or 0xD800 <= cp <= 0xDFFF:
            raise dec.fail("a character that is not text")
        ch = chr(cp)
        if ch in state.table(None).index:  # an encoder codes a known symbol as itself
            raise dec.fail("a character escaped that the model knows")
    for t in missed:
        t.add(ch)
    return ch


# ------------------------------------------------------------------ case

AS_IS, LOWER, UPPER, TITLE, FIRST, MASK = range(6)
CASES = 6
_WORD_STARTS = frozenset(" -'\u2019")


def _title(s: str) -> str:
    out = []
    for i, ch in enumerate(s):
        out.append(ch.upper() if i == 0 or s[i - 1] in _WORD_STARTS else ch)
    return "".join(out)


def apply_case(base: str, case: int, mask: Sequence[bool] = ()) -> str:
    """``base`` (a vocabulary entry, or a lower-cased value) written in ``case``."""
    if case == AS_IS:
        return base
    low = base.lower()
    if case == LOWER:
        return low
    if case == UPPER:
        return base.upper()
    if case == TITLE:
        return _title(low)
    if case == FIRST:
        return low[:1].upper() + low[1:]
    bits = iter(mask)
    return "".join(ch.upper() if is_cased(ch) and next(bits, False) else ch for ch in low)


def is_cased(ch: str) -> bool:
    up = ch.upper()
    return up != ch and len(up) == 1 and up.lower() == ch


def case_of(base: str, value: str) -> tuple[int, list[bool]] | None:
    """How ``value`` is ``base`` written in some case (the case code and, for MASK, one bit per
    cased letter), or None if no case of ``base`` gives ``value`` exactly."""
    for case in (AS_IS, UPPER, TITLE, LOWER, FIRST):
        if apply_case(base, case) == value:
            return case, []
    low = base.lower()
    if len(low) != len(value):
        return None
    mask = [value[i] != ch for i, ch in enumerate(low) if is_cased(ch)]
    if apply_case(base, MASK, mask) != value:
        return None
    return MASK, mask


# ------------------------------------------------------------------ adaptive choices

@dataclass
class Choice:
    """A small adaptive distribution over ``n`` choices (cases, mask bits), starting even."""

    counts: list[int]

    @classmethod
    def even(cls, n: int) -> Choice:
        return cls([1] * n)

    def encode(self, enc: RangeEncoder, i: int) -> None:
        enc.symbol(sum(self.counts[:i]), self.counts[i], sum(self.counts))
        self._bump(i)

    def decode(self, dec: RangeDecoder) -> int:
        total = sum(self.counts)
        i, cum = _find(dec, self.counts, total)
        if i >= len(self.counts):
            raise dec.fail("a choice out of range")
        dec.consume(cum, self.counts[i], total)
        self._bump(i)
        return i

    def _bump(self, i: int) -> None:
        self.counts[i] += INC
        if sum(self.counts) > RESCALE:
            self.counts = [(c + 1) >> 1 for c in self.counts]


@dataclass
class BatchStrings:
    """The strings of one leaf name already written character by character in this batch,
    lower-cased: a reference to one costs a few bits (more used, cheaper)."""

    strings: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)

    def add(self, value: str) -> None:
        if value not in self.index and len(self.strings) < MAX_BATCH_STRINGS:
            self.index[value] = len(self.strings)
            self.strings.append(value)
            self.counts.append(1)

    def encode(self, enc: RangeEncoder, i: int) -> None:
        counts = self.counts
        enc.symbol(sum(counts[:i]), counts[i], sum(counts))
        self._bump(i)

    def decode(self, dec: RangeDecoder) -> str:
        if not self.strings:
            raise dec.fail("a reference to a batch string before any")
        total = sum(self.counts)
        i, cum = _find(dec, self.counts, total)
        if i >= len(self.counts):
            raise dec.fail("a batch reference out of range")
        dec.consume(cum, self.counts[i], total)
        self._bump(i)
        return self.strings[i]

    def _bump(self, i: int) -> None:
        self.counts[i] += 2
        if sum(self.counts) > RESCALE:
            self.counts = [(c + 1) >> 1 for c in self.counts]
