"""The compact encodings of dictionary version 2: dense day offsets, minimal digit bytes."""

from __future__ import annotations

import pytest

from common.wire import compression
from common.wire.binary import Reader, Writer
from common.wire.errors import ContainerRefused
from common.wire.text_codec import ActStrings, TextColumn, decode_text, encode_text


@pytest.mark.parametrize(("value", "size"), [
    (0, 1), (-1, 1), (63, 1), (-64, 1),           # zig-zag below 128: one byte
    (64, 2), (-13_605, 2), (16_383, 2), (-16_383, 2),  # up to 15 bits: two (LEB128: three)
    (16_384, 3), (-400_000, 5), (2**40, 8),        # beyond: FF FF then a varint
])
def test_dense_numbers_round_trip_in_the_announced_size(value, size):
    w = Writer()
    w.dense_sint(value)
    assert len(w.getvalue()) == size
    r = Reader(w.getvalue())
    assert r.dense_sint() == value
    r.end()


@pytest.mark.parametrize("data", [b"\x80\x05", b"\x80\x7f"])
def test_a_small_number_written_long_is_refused(data):
    with pytest.raises(ContainerRefused):
        Reader(data).dense_sint()


def test_a_dense_number_over_its_bound_is_refused():
    w = Writer()
    w.dense_sint(5_000_000)
    with pytest.raises(ContainerRefused):
        Reader(w.getvalue()).dense_sint(4_000_000)


def _written(value: str, column: TextColumn) -> bytes:
    w = Writer()
    encode_text(w, value, column, ActStrings(), None)
    return w.getvalue()


def test_a_ten_digit_identity_number_takes_its_four_significant_bytes():
    column = TextColumn(name="number")
    _written("1234567890", column)  # the first one carries its shape
    data = _written("2987654321", column)
    assert len(data) == 2 + 4  # code, flags (4 bytes, same shape), the number
    assert decode_text(Reader(data, "invalid_acts"), TextColumn(
        name="number", shapes={"number": "##########"}), ActStrings(), None, 20, False) \
        == "2987654321"


@pytest.mark.parametrize("data", [
    bytes([2, 4 << 1 | 1, 0, 0, 0, 5]),        # a leading zero byte: not minimal
    bytes([2, 6 << 1 | 1, 1, 2, 3, 4, 5, 6]),  # more bytes than ten digits can need
    bytes([2, 5 << 1 | 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),  # over 10^10
])
def test_malformed_digit_strings_are_refused(data):
    with pytest.raises(ContainerRefused):
        decode_text(Reader(data, "invalid_acts"), TextColumn(
            name="number", shapes={"number": "##########"}), ActStrings(), None, 20, False)


def test_the_vocabulary_knows_typical_birth_date_offsets():
    offsets = compression.vocabulary(compression.CURRENT_DICTIONARY).date_offsets
    # a birth's declarant is an adult: born decades before the registration
    assert -25_000 < offsets["birth:declarant.birth_date"] < -6_500


@pytest.mark.parametrize("withdrawn", [1, 2])
def test_withdrawn_dictionaries_are_refused_not_misread(withdrawn):
    # never released: 1 went with the first act encoding, 2 with plain presence bitmaps
    assert not compression.available(withdrawn)
    with pytest.raises(ContainerRefused) as refused:
        compression.decompress(b"\x00", withdrawn, 10)
    assert refused.value.reason == "unknown_dictionary"
