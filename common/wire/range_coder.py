"""Adaptive binary range coding (LZMA's range coder) with named, trained contexts.

The *structure* of a batch of acts (event types, which optional fields are
filled, how many items a repeated group has) is a few hundred yes/no decisions
that are very predictable: a birth act almost always has the mother's
occupation, rarely the father's level of education.  Written as bitmaps these
decisions cost about a byte each after zstd; coded with their probabilities they
cost a fraction of a bit each.  This module is that coder.

The coder is exactly the range coder of LZMA (Igor Pavlov's LZMA SDK,
``LzmaEnc.c``/``LzmaDec.c``, also described in the xz "LZMA specification"):
11-bit probabilities, 32-bit range, byte-wise renormalisation below 2**24, a
carry-propagating output cache; the first byte of a stream is always 0.  Each
probability moves by 1/32 of the distance to the coded bit after every use
(``MOVE_BITS`` = 5), so the coder adapts to the batch at hand.  Integer
arithmetic only: encoder and decoder agree bit for bit on every platform.

Contexts are named by strings (``birth:mother.4|1`` is "bit 4 of a birth
mother's presence bitmap, after a 1").  A context starts at the probability
trained for its name (``vN.vocab.json`` → ``structure``), or at one half if the
dictionary version does not know it; that is why adding a field to the data
dictionary needs no change here.

Why by hand rather than a library: the coder *is* the wire format, which must be
decodable for decades by anyone holding the format document; it is 80 lines of
integer arithmetic specified elsewhere (LZMA), and no maintained pure-Python
package offers it with named adaptive contexts.

Decoding untrusted bytes is bounded: every integer has a caller-given maximum,
reading past the end or leaving bytes unread is refused, and a stream must end
with the decoder's code at zero, as the encoder's flush leaves it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate

from common.wire.errors import ContainerRefused

PROB_BITS = 11
PROB_ONE = 1 << PROB_BITS  # probabilities are of a 0 bit, in 1/2048
HALF = PROB_ONE // 2
MOVE_BITS = 5
TOP = 1 << 24
MASK32 = 0xFFFFFFFF
MIN_PROB, MAX_PROB = 31, PROB_ONE - 31  # trained probabilities are kept in this range
MAX_UINT_BITS = 64
#: Largest total of a multi-symbol distribution: the range is at least 2**24 before a
#: symbol, so every symbol of a distribution of at most 2**16 keeps at least 2**8.
MAX_TOTAL = 1 << 16


def trained_probability(zeros: int, ones: int) -> int:
    """The starting probability of a 0 for a context seen ``zeros`` and ``ones`` times."""
    p = round((zeros + 0.4) / (zeros + ones + 0.8) * PROB_ONE)
    return max(MIN_PROB, min(MAX_PROB, p))


class _Contexts:
    def __init__(self, trained: Mapping[str, int]) -> None:
        self._trained = trained
        self._probs: dict[str, int] = {}

    def get(self, name: str) -> int:
        p = self._probs.get(name)
        if p is None:
            p = self._trained.get(name, HALF)
        return p

    def update(self, name: str, p: int, bit: int) -> None:
        self._probs[name] = p + ((PROB_ONE - p) >> MOVE_BITS) if bit == 0 else p - (p >> MOVE_BITS)


class RangeEncoder:
    """Codes bits and bounded integers under named contexts; ``finish()`` gives the bytes."""

    def __init__(self, trained: Mapping[str, int] | None = None) -> None:
        self._contexts = _Contexts(trained or {})
        self._low = 0
        self._range = MASK32
        self._cache = 0
        self._cache_size = 1
        self._out = bytearray()

    def _shift_low(self) -> None:
        low = self._low
        if (low & MASK32) < 0xFF000000 or low >> 32:
            carry = low >> 32
            temp = self._cache
            while True:
                self._out.append((temp + carry) & 0xFF)
                temp = 0xFF
                self._cache_size -= 1
                if not self._cache_size:
                    break
            self._cache = (low >> 24) & 0xFF
        self._cache_size += 1
        self._low = (low & 0x00FFFFFF) << 8

    def bit(self, context: str, bit: int) -> None:
        p = self._contexts.get(context)
        bound = (self._range >> PROB_BITS) * p
        if bit:
            self._low += bound
            self._range -= bound
        else:
            self._range = bound
        self._contexts.update(context, p, 1 if bit else 0)
        while self._range < TOP:
            self._range = (self._range << 8) & MASK32
            self._shift_low()

    def uint(self, context: str, value: int) -> None:
        """Elias-gamma shaped: the bit length of ``value + 1`` in unary, then its other bits,
        each under its own context, so that any small distribution is learnt exactly."""
        if value < 0:
            raise ValueError("uint cannot be negative")
        n = value + 1
        length = n.bit_length()
        if length > MAX_UINT_BITS:
            raise ValueError("uint too large")
        for i in range(1, length):
            self.bit(f"{context}#{i}", 1)
        if length < MAX_UINT_BITS:
            self.bit(f"{context}#{length}", 0)
        prefix = 1
        for i in range(length - 2, -1, -1):
            b = n >> i & 1
            self.bit(f"{context}#{length}/{prefix}", b)
            prefix = prefix << 1 | b

    def symbol(self, cum: int, freq: int, total: int) -> None:
        """Code the symbol whose frequencies are ``[cum, cum + freq)`` of ``total``
        (``total`` at most ``MAX_TOTAL``): the multi-symbol coding of ``char_model``."""
        r = self._range // total
        self._low += r * cum
        self._range = r * freq
        while self._range < TOP:
            self._range = (self._range << 8) & MASK32
            self._shift_low()

    def finish(self) -> bytes:
        for _ in range(5):
            self._shift_low()
        return bytes(self._out)


class RangeDecoder:
    def __init__(self, data: bytes, trained: Mapping[str, int] | None = None,
                 reason: str = "invalid_acts") -> None:
        self._data = data
        self._reason = reason
        self._contexts = _Contexts(trained or {})
        if len(data) < 5 or data[0] != 0:
            raise self.fail("range-coded stream too short or not starting with 0")
        self._code = int.from_bytes(data[1:5], "big")
        self._range = MASK32
        self._pos = 5

    def fail(self, detail: str) -> ContainerRefused:
        return ContainerRefused(self._reason, f"structure: {detail}")

    def bit(self, context: str) -> int:
        p = self._contexts.get(context)
        bound = (self._range >> PROB_BITS) * p
        if self._code < bound:
            self._range = bound
            bit = 0
        else:
            self._code -= bound
            self._range -= bound
            bit = 1
        self._contexts.update(context, p, bit)
        while self._range < TOP:
            if self._pos >= len(self._data):
                raise self.fail("truncated")
            self._range = (self._range << 8) & MASK32
            self._code = (self._code << 8 | self._data[self._pos]) & MASK32
            self._pos += 1
        return bit

    def uint(self, context: str, maximum: int) -> int:
        length = 1
        while length < MAX_UINT_BITS and self.bit(f"{context}#{length}"):
            length += 1
            if length > (maximum + 1).bit_length():
                raise self.fail(f"{context}: number over {maximum}")
        n = 1
        for _ in range(length - 1):
            n = n << 1 | self.bit(f"{context}#{length}/{n}")
        if n - 1 > maximum:
            raise self.fail(f"{context}: number over {maximum}")
        return n - 1

    def target(self, total: int) -> int:
        """The frequency position ``[0, total)`` the next symbol's interval holds; the caller
        finds that symbol, then calls ``consume`` with its interval."""
        r = self._range // total
        value = self._code // r
        if value >= total:  # no encoder writes this
            raise self.fail("a symbol outside its distribution")
        return value

    def consume(self, cum: int, freq: int, total: int) -> None:
        r = self._range // total
        self._code -= r * cum
        self._range = r * freq
        while self._range < TOP:
            if self._pos >= len(self._data):
                raise self.fail("truncated")
            self._range = (self._range << 8) & MASK32
            self._code = (self._code << 8 | self._data[self._pos]) & MASK32
            self._pos += 1

    def pick(self, counts: Sequence[int], head: int, total: int) -> int:
        """Decode a symbol of the distribution ``counts`` followed by one more symbol (an
        escape) of ``total - head``, where ``head == sum(counts)``: its index, ``len(counts)``
        for the escape.  The same bytes as ``target`` + ``consume``, in one step: this is the
        inner loop of every adaptive model of ``char_model``."""
        r = self._range // total
        code = self._code
        value = code // r
        if value >= total:  # no encoder writes this
            raise self.fail("a symbol outside its distribution")
        if value >= head:
            i = len(counts)
            code -= r * head
            rng = r * (total - head)
        else:
            cumulative = list(accumulate(counts))
            i = bisect_right(cumulative, value)
            freq = counts[i]
            code -= r * (cumulative[i] - freq)
            rng = r * freq
        if rng < TOP:
            data = self._data
            pos = self._pos
            while rng < TOP:
                if pos >= len(data):
                    raise self.fail("truncated")
                rng = (rng << 8) & MASK32
                code = (code << 8 | data[pos]) & MASK32
                pos += 1
            self._pos = pos
        self._code = code
        self._range = rng
        return i

    def end(self) -> None:
        if self._pos != len(self._data) or self._code != 0:
            raise self.fail("bytes left over after the last decision")


class CountingEncoder(RangeEncoder):
    """Training: counts each context's zeros and ones instead of coding them."""

    def __init__(self, counts: dict[str, list[int]]) -> None:
        super().__init__()
        self.counts = counts

    def bit(self, context: str, bit: int) -> None:
        self.counts.setdefault(context, [0, 0])[1 if bit else 0] += 1

    def finish(self) -> bytes:
        return b"\0" * 5
