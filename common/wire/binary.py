"""Bounded binary reading and writing: varints, lengths, UTF-8 — for untrusted bytes.

Every read checks that the bytes are there and that lengths and counts stay
under the caller's limits, and raises ``ContainerRefused`` with the reason the
caller chose (``bad_payload`` for headers, ``invalid_acts`` for act bodies).
"""

from __future__ import annotations

from common.wire.errors import ContainerRefused

MAX_VARINT_BYTES = 10


#: The two-byte value of ``dense_sint`` that announces a longer number.
DENSE_ESCAPE = 0x7FFF


class Writer:
    def __init__(self) -> None:
        self._parts = bytearray()

    def byte(self, value: int) -> None:
        self._parts.append(value)

    def raw(self, data: bytes) -> None:
        self._parts += data

    def uint(self, value: int) -> None:
        """LEB128 unsigned varint: 0–127 in one byte."""
        if value < 0:
            raise ValueError("uint cannot be negative")
        while True:
            low = value & 0x7F
            value >>= 7
            if value:
                self._parts.append(low | 0x80)
            else:
                self._parts.append(low)
                return

    def sint(self, value: int) -> None:
        """Zig-zag signed varint: small magnitudes of either sign stay short."""
        self.uint(value * 2 if value >= 0 else -value * 2 - 1)

    def dense_sint(self, value: int) -> None:
        """Zig-zag, then one byte below 128, two bytes (15 bits) below 32767, else an escape.

        LEB128 spends three bytes from 16384 on; day offsets of birth dates sit
        just there (a 30-year range is about 11,000 days)."""
        z = value * 2 if value >= 0 else -value * 2 - 1
        if z < 0x80:
            self._parts.append(z)
        elif z < DENSE_ESCAPE:
            self._parts += (0x8000 | z).to_bytes(2, "big")
        else:
            self._parts += b"\xff\xff"
            self.uint(z - DENSE_ESCAPE)

    def blob(self, data: bytes) -> None:
        self.uint(len(data))
        self._parts += data

    def text(self, value: str) -> None:
        self.blob(value.encode("utf-8"))

    def getvalue(self) -> bytes:
        return bytes(self._parts)


class Reader:
    def __init__(self, data: bytes, reason: str = "bad_payload") -> None:
        self._data = memoryview(data)
        self._pos = 0
        self.reason = reason

    def fail(self, detail: str) -> ContainerRefused:
        return ContainerRefused(self.reason, f"{detail} at byte {self._pos}")

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def byte(self) -> int:
        if self._pos >= len(self._data):
            raise self.fail("truncated")
        value = self._data[self._pos]
        self._pos += 1
        return value

    def raw(self, n: int) -> bytes:
        if n < 0 or self._pos + n > len(self._data):
            raise self.fail("truncated")
        value = bytes(self._data[self._pos:self._pos + n])
        self._pos += n
        return value

    def uint(self, maximum: int = 2**63) -> int:
        value = shift = 0
        for _ in range(MAX_VARINT_BYTES):
            b = self.byte()
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                if b == 0 and shift:
                    raise self.fail("non-canonical varint")
                if value > maximum:
                    raise self.fail(f"number {value} above {maximum}")
                return value
            shift += 7
        raise self.fail("varint too long")

    def sint(self, bound: int = 2**62) -> int:
        raw = self.uint(2 * bound)
        return raw // 2 if raw % 2 == 0 else -(raw // 2) - 1

    def dense_sint(self, bound: int = 2**62) -> int:
        """Read what ``Writer.dense_sint`` wrote (canonical forms only)."""
        first = self.byte()
        if first < 0x80:
            z = first
        else:
            z = (first & 0x7F) << 8 | self.byte()
            if z == DENSE_ESCAPE:
                z += self.uint(2 * bound)
            elif z < 0x80:
                raise self.fail("non-canonical number")
        if z > 2 * bound:
            raise self.fail(f"number above {bound}")
        return z // 2 if z % 2 == 0 else -(z // 2) - 1

    def blob(self, max_length: int) -> bytes:
        return self.raw(self.uint(max_length))

    def text(self, max_length: int) -> str:
        data = self.blob(max_length * 4)
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail("invalid UTF-8") from None
        if len(value) > max_length:
            raise self.fail(f"text longer than {max_length}")
        return value

    def end(self) -> None:
        if self.remaining:
            raise self.fail(f"{self.remaining} unexpected trailing bytes")
