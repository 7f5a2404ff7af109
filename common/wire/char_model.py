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

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

    __slots__ = ("counts", "escape", "sum", "symbols")

    def __init__(self, symbols: list[str], counts: list[int], escape: int) -> None:
        self.symbols = symbols
        self.counts = counts
        self.escape = escape
        self.sum = sum(counts)

    def bump(self, i: int) -> None:
        self.counts[i] += INC
        self.sum += INC
        self._rescale()

    def add(self, symbol: str) -> None:
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
    tables = state.tables
    symbol = enc.symbol
    c2 = c1 = END
    for ch in itertools.chain(text, END):
        missed = []
        for key in (c2 + c1, c1, "", None):
            t = tables.get(key) or state.table(key)
            symbols = t.symbols
            if not symbols:
                missed.append(t)
                continue
            head = t.sum
            total = head + t.escape
            if ch in symbols:
                counts = t.counts
                i = symbols.index(ch)
                symbol(sum(counts[:i]), counts[i], total)
                t.bump(i)
                break
            symbol(head, t.escape, total)
            missed.append(t)
        else:
            cp = ord(ch)
            symbol(cp >> 11, 1, CODE_POINT_HIGH)
            symbol(cp & 2047, 1, 2048)
        for t in missed:
            t.add(ch)
        c2, c1 = c1, ch


def decode_chars(dec: RangeDecoder, state: CharState, max_length: int) -> str:
    """The characters ``encode_chars`` wrote, up to their END.

    One loop with the tables in local variables: this is the SCEC's hottest path (every
    name no vocabulary holds, of every act of every centre).
    """
    tables = state.tables
    pick = dec.pick
    out: list[str] = []
    c2 = c1 = END
    while True:
        missed = []
        for key in (c2 + c1, c1, "", None):
            t = tables.get(key) or state.table(key)
            symbols = t.symbols
            if not symbols:
                missed.append(t)
                continue
            head = t.sum
            i = pick(t.counts, head, head + t.escape)
            if i < len(symbols):
                ch = symbols[i]
                t.bump(i)
                break
            missed.append(t)
        else:
            ch = _decode_code_point(dec, state)
        for t in missed:
            t.add(ch)
        if ch == END:
            return "".join(out)
        if len(out) >= max_length:
            raise dec.fail(f"text longer than {max_length}")
        out.append(ch)
        c2, c1 = c1, ch


def _decode_code_point(dec: RangeDecoder, state: CharState) -> str:
    """A character after the alphabet's escape: ``cp >> 11`` of 544, then ``cp & 2047``."""
    high = dec.target(CODE_POINT_HIGH)
    dec.consume(high, 1, CODE_POINT_HIGH)
    low = dec.target(2048)
    dec.consume(low, 1, 2048)
    cp = high << 11 | low
    if cp == 0 or 0xD800 <= cp <= 0xDFFF:
        raise dec.fail("a character that is not text")
    ch = chr(cp)
    if ch in state.table(None).symbols:  # an encoder codes a known symbol as itself
        raise dec.fail("a character escaped that the model knows")
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

class Choice:
    """A small adaptive distribution (string codes, cases, mask bits, batch references): each
    use adds ``step`` to the chosen count; past ``RESCALE`` every count is halved."""

    __slots__ = ("counts", "step", "total")

    def __init__(self, counts: list[int], step: int = INC) -> None:
        self.counts = counts
        self.step = step
        self.total = sum(counts)

    @classmethod
    def even(cls, n: int) -> Choice:
        return cls([1] * n)

    def append(self) -> None:
        """One more choice, of count 1 (a new batch string)."""
        self.counts.append(1)
        self.total += 1

    def encode(self, enc: RangeEncoder, i: int) -> None:
        counts = self.counts
        enc.symbol(sum(counts[:i]), counts[i], self.total)
        self._bump(i)

    def decode(self, dec: RangeDecoder) -> int:
        total = self.total
        i = dec.pick(self.counts, total, total)  # nothing beyond the counts: no escape
        self._bump(i)
        return i

    def _bump(self, i: int) -> None:
        self.counts[i] += self.step
        self.total += self.step
        if self.total > RESCALE:
            self.counts = [(c + 1) >> 1 for c in self.counts]
            self.total = sum(self.counts)


class BatchStrings:
    """The strings of one leaf name already written character by character in this batch,
    lower-cased: a reference to one costs a few bits (more used, cheaper)."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.index: dict[str, int] = {}
        self._choice = Choice([], step=2)

    def add(self, value: str) -> None:
        if value not in self.index and len(self.strings) < MAX_BATCH_STRINGS:
            self.index[value] = len(self.strings)
            self.strings.append(value)
            self._choice.append()

    def encode(self, enc: RangeEncoder, i: int) -> None:
        self._choice.encode(enc, i)

    def decode(self, dec: RangeDecoder) -> str:
        if not self.strings:
            raise dec.fail("a reference to a batch string before any")
        return self.strings[self._choice.decode(dec)]
