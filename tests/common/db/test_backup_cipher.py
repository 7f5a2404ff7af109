"""The sealed file of a backup: round trips, and every change, cut or wrong passphrase refused."""

from __future__ import annotations

import io
import os
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.db.backup_cipher import (
    HEADER_SIZE,
    TAG_SIZE,
    DamagedFile,
    SealedFileError,
    SealedReader,
    SealedWriter,
    WrongPassphrase,
)

PASSPHRASE = "le manguier derrière la mairie"
CHUNK_LOG2 = 12  # small chunks, so that a few KiB span several of them
CHUNK = 1 << CHUNK_LOG2
FAST = {"log2_n": 15, "chunk_log2": CHUNK_LOG2}  # the lowest cost a reader accepts


def seal(data: bytes, passphrase: str = PASSPHRASE, write_size: int = 1000) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(out, passphrase, **FAST)
    for start in range(0, len(data), write_size):
        writer.write(data[start:start + write_size])
    writer.finish()
    return out.getvalue()


def unseal(sealed: bytes, passphrase: str = PASSPHRASE, read_size: int = 777) -> bytes:
    reader = SealedReader(io.BytesIO(sealed), passphrase)
    parts = []
    while part := reader.read(read_size):
        parts.append(part)
    reader.finish()
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_what_is_sealed_comes_back_whatever_its_size(size: int) -> None:
    data = os.urandom(size)
    sealed = seal(data)
    assert unseal(sealed) == data
    chunks = size // CHUNK + 1  # the last chunk is always shorter than a chunk
    assert len(sealed) == HEADER_SIZE + size + chunks * TAG_SIZE


def test_the_sealed_bytes_show_nothing_of_the_plaintext() -> None:
    data = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" * 500
    sealed = seal(data)
    assert b"BEGIN" not in sealed and b"PRIVATE" not in sealed
    assert seal(data) != sealed  # a fresh salt and nonce each time


def test_the_same_passphrase_typed_in_another_normal_form_opens_the_file() -> None:
    composed, decomposed = "caf\u00e9 des trois palmiers", "cafe\u0301 des trois palmiers"
    assert unseal(seal(b"data", composed), decomposed) == b"data"


def test_a_wrong_passphrase_is_told_apart_from_damage() -> None:
    sealed = seal(b"secret rows" * 1000)
    with pytest.raises(WrongPassphrase):
        SealedReader(io.BytesIO(sealed), "another passphrase entirely")


def _chunk_offset(index: int) -> int:
    return HEADER_SIZE + index * (CHUNK + TAG_SIZE)


def _swap_chunks(sealed: bytes) -> bytes:
    a, b, c = _chunk_offset(0), _chunk_offset(1), _chunk_offset(2)
    return sealed[:a] + sealed[b:c] + sealed[a:b] + sealed[c:]


def _flip(offset: int) -> object:
    def change(sealed: bytes) -> bytes:
        out = bytearray(sealed)
        out[offset if offset >= 0 else len(out) + offset] ^= 0x01
        return bytes(out)
    return change


DAMAGES = [
    ("empty file", lambda s: b""),
    ("not a sealed file", lambda s: b"a letter, not a backup\n" * 100),
    ("header only", lambda s: s[:HEADER_SIZE]),
    ("cut at a chunk boundary", lambda s: s[:_chunk_offset(2)]),
    ("cut inside the last chunk", lambda s: s[:-5]),
    ("cut inside a middle chunk", lambda s: s[:_chunk_offset(1) + 100]),
    ("a byte appended", lambda s: s + b"\0"),
    ("a chunk repeated", lambda s: s[:_chunk_offset(2)] + s[_chunk_offset(1):]),
    ("a chunk dropped", lambda s: s[:_chunk_offset(1)] + s[_chunk_offset(2):]),
    ("two chunks swapped", _swap_chunks),
    ("a bit flipped in a chunk", _flip(_chunk_offset(1) + 10)),
    ("a bit flipped in a tag", _flip(-1)),
    ("a bit flipped in the salt", _flip(20)),
    ("the cost changed in the header", lambda s: s[:10] + bytes([9]) + s[11:]),
]


@pytest.mark.parametrize(("case", "damage"), DAMAGES, ids=[d[0] for d in DAMAGES])
def test_a_changed_cut_or_lengthened_file_is_refused(case: str, damage: object) -> None:
    data = os.urandom(4 * CHUNK + 100)
    sealed = seal(data)
    changed = damage(sealed)  # type: ignore[operator]
    assert changed != sealed
    with pytest.raises(SealedFileError):
        unseal(changed)


@pytest.mark.parametrize(("log2_n", "r", "p", "chunk_log2"), [
    (40, 8, 1, 20),   # 2^40 rounds: would never end
    (22, 32, 1, 20),  # 16 GiB of memory
    (14, 8, 1, 20),   # weaker than anything ECR writes
    (17, 8, 1, 40),   # a 1 TiB chunk
])
def test_a_hostile_header_is_refused_before_any_key_is_derived(
        log2_n: int, r: int, p: int, chunk_log2: int) -> None:
    header = struct.pack(">8sBBBBB16s7s", b"ECRBKUP2", 1, log2_n, r, p, chunk_log2,
                         bytes(16), bytes(7)) + bytes(32)
    with pytest.raises(DamagedFile, match="out of bounds"):
        SealedReader(io.BytesIO(header + bytes(100)), PASSPHRASE)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_mutation_is_refused_with_our_own_error_only(data: st.DataObject) -> None:
    sealed = SEALED_FOR_MUTATION
    offset = data.draw(st.integers(0, len(sealed) - 1))
    value = data.draw(st.integers(1, 255))
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(sealed) - 1)))
    changed = bytearray(sealed)
    changed[offset] ^= value
    mutated = bytes(changed[:cut] if cut is not None else changed)
    with pytest.raises(SealedFileError):
        unseal(mutated)


SEALED_FOR_MUTATION = seal(os.urandom(2 * CHUNK + 10))
