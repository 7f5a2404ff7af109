"""The outer layer of a backup file: encrypted and authenticated with a passphrase.

A backup holds the whole centre database and the centre's keys, so the file is
sealed with a key derived from a passphrase that the officer holds (typed at
backup and at restore, kept on paper, never stored by ECR): a stolen file
reveals nothing, and a file changed anywhere, cut short, lengthened or made
with another passphrase is refused.  Why a passphrase and not the SCEC's key:
a village centre whose PC died must be able to restore on a new PC without
reaching anyone (docs/administration.md, "Backups").

Format (integers big-endian)::

    header (68 bytes, authenticated as the associated data of every chunk)
      magic         8   b"ECRBKUP2"
      kdf           1   1 = scrypt
      log2_n        1   scrypt cost N = 2**log2_n          (15..22)
      r             1   scrypt block size                    (8..32)
      p             1   scrypt parallelism                   (1..16)
      chunk_log2    1   plaintext chunk size = 2**chunk_log2 (12..24)
      salt         16   random
      nonce_prefix  7   random
      check        32   HMAC-SHA256(check_key, the 36 bytes above)
    chunks
      AES-256-GCM(data_key, nonce = nonce_prefix || counter (4) || last (1),
                  associated data = header) of each plaintext chunk: 16 more
      bytes than the plaintext.  Every chunk holds exactly chunk size bytes
      except the last, which holds fewer (possibly none) and is the only one
      sealed with last = 1 (the STREAM construction: chunks cannot be
      reordered, dropped, repeated or cut off without being noticed).

    data_key || check_key = scrypt(NFC(passphrase) in UTF-8, salt, N, r, p, 64 bytes)

The check value lets a wrong passphrase be told from a damaged file.  The cost
parameters read from a file are bounded (at most 1 GiB of memory) before
anything is derived, so a hostile header cannot exhaust the machine.

Streaming both ways: :class:`SealedWriter` and :class:`SealedReader` are file
objects over a binary file, holding one chunk in memory.  A reader returns
only bytes that were authenticated; :meth:`SealedReader.finish` checks that
the file ended where its writer ended it.  Errors are only
:class:`WrongPassphrase` and :class:`DamagedFile` (any other exception is a
bug).  This module never writes a passphrase or a key anywhere.
"""

from __future__ import annotations

import hmac
import os
import struct
import unicodedata
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ECRBKUP2"
KDF_SCRYPT = 1
DEFAULT_LOG2_N = 17  # 128 MiB and about 0.35 s per derivation on a 2020 laptop core
DEFAULT_R = 8
DEFAULT_P = 1
DEFAULT_CHUNK_LOG2 = 20  # 1 MiB
TAG_SIZE = 16
_PREFIX = struct.Struct(">8sBBBBB16s7s")
HEADER_SIZE = _PREFIX.size + 32
_MAX_KDF_MEMORY = 1 << 30
_MAX_CHUNKS = 1 << 32


class SealedFileError(Exception):
    """A sealed file that cannot be opened; ``reason`` says why (English, for logs)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WrongPassphrase(SealedFileError):
    """The passphrase does not open this file (or the file was sealed with another)."""


class DamagedFile(SealedFileError):
    """Not a sealed file, or one changed, cut short or lengthened since it was written."""


def passphrase_bytes(passphrase: str) -> bytes:
    """The bytes a passphrase stands for: the same text typed anywhere gives the same bytes."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


class _Header:
    def __init__(self, log2_n: int, r: int, p: int, chunk_log2: int, salt: bytes,
                 nonce_prefix: bytes) -> None:
        self.log2_n, self.r, self.p, self.chunk_log2 = log2_n, r, p, chunk_log2
        self.salt, self.nonce_prefix = salt, nonce_prefix

    @property
    def chunk_size(self) -> int:
        return 1 << self.chunk_log2

    def prefix(self) -> bytes:
        return _PREFIX.pack(MAGIC, KDF_SCRYPT, self.log2_n, self.r, self.p, self.chunk_log2,
                            self.salt, self.nonce_prefix)

    def keys(self, passphrase: str) -> tuple[AESGCM, bytes]:
        derived = Scrypt(salt=self.salt, length=64, n=1 << self.log2_n, r=self.r,
                         p=self.p).derive(passphrase_bytes(passphrase))
        return AESGCM(derived[:32]), derived[32:]

    @classmethod
    def parse(cls, data: bytes) -> _Header:
        if len(data) < HEADER_SIZE:
            raise DamagedFile("too short to be a sealed backup")
        magic, kdf, log2_n, r, p, chunk_log2, salt, nonce_prefix = _PREFIX.unpack(
            data[:_PREFIX.size])
        if magic != MAGIC:
            raise DamagedFile("not a sealed ECR backup")
        if kdf != KDF_SCRYPT:
            raise DamagedFile(f"unknown key derivation {kdf}")
        if not (15 <= log2_n <= 22 and 8 <= r <= 32 and 1 <= p <= 16
                and 128 * r * (1 << log2_n) <= _MAX_KDF_MEMORY and 12 <= chunk_log2 <= 24):
            raise DamagedFile(f"key derivation or chunk parameters out of bounds "
                              f"(N=2^{log2_n}, r={r}, p={p}, chunk=2^{chunk_log2})")
        return cls(log2_n, r, p, chunk_log2, salt, nonce_prefix)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class SealedWriter:
    """Write plaintext with ``write``; ``finish`` seals the last chunk (always call it)."""

    def __init__(self, sink: BinaryIO, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N,
                 r: int = DEFAULT_R, p: int = DEFAULT_P,
                 chunk_log2: int = DEFAULT_CHUNK_LOG2) -> None:
        self._sink = sink
        header = _Header(log2_n, r, p, chunk_log2, os.urandom(16), os.urandom(7))
        _Header.parse(header.prefix() + bytes(32))  # our own parameters obey the bounds
        self._aead, check_key = header.keys(passphrase)
        prefix = header.prefix()
        self._header = prefix + hmac.digest(check_key, prefix, "sha256")
        self._nonce_prefix = header.nonce_prefix
        self._chunk_size = header.chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self._finished = False
        sink.write(self._header)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._finished:
            raise ValueError("write to a finished sealed file")
        self._buffer += data
        while len(self._buffer) > self._chunk_size:  # keep a full chunk back: it may be the last
            self._seal(bytes(self._buffer[:self._chunk_size]), last=False)
            del self._buffer[:self._chunk_size]
        return len(data)

    def flush(self) -> None:
        self._sink.flush()

    def finish(self) -> None:
        """Seal what is left as the last chunk (shorter than a chunk, possibly empty)."""
        if self._finished:
            return
        if len(self._buffer) == self._chunk_size:
            self._seal(bytes(self._buffer), last=False)
            self._buffer.clear()
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._finished = True
        self._sink.flush()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        if self._counter >= _MAX_CHUNKS:
            raise ValueError("sealed file too large")
        nonce = _nonce(self._nonce_prefix, self._counter, last)
        self._sink.write(self._aead.encrypt(nonce, chunk, self._header))
        self._counter += 1


class SealedReader:
    """Read the authenticated plaintext of a sealed file (``read``), then ``finish``."""

    def __init__(self, source: BinaryIO, passphrase: str) -> None:
        self._source = source
        raw = _read_exactly(source, HEADER_SIZE)
        header = _Header.parse(raw)
        self._aead, check_key = header.keys(passphrase)
        expected = hmac.digest(check_key, raw[:_PREFIX.size], "sha256")
        if not hmac.compare_digest(expected, raw[_PREFIX.size:HEADER_SIZE]):
            raise WrongPassphrase("the passphrase does not open this backup")
        self._header = raw
        self._nonce_prefix = header.nonce_prefix
        self._chunk_size = header.chunk_size
        self._plain = b""
        self._offset = 0
        self._counter = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size is not None and size >= 0 else None
        got = 0
        while wanted is None or got < wanted:
            if self._offset >= len(self._plain):
                if self._ended:
                    break
                self._next_chunk()
                continue
            take = len(self._plain) - self._offset
            if wanted is not None:
                take = min(take, wanted - got)
            parts.append(self._plain[self._offset:self._offset + take])
            self._offset += take
            got += take
        return b"".join(parts)

    def finish(self) -> None:
        """Read and authenticate the rest; refuse a file not ended by its writer."""
        while not self._ended:
            self._next_chunk()
        self._plain, self._offset = b"", 0

    def _next_chunk(self) -> None:
        data = _read_exactly(self._source, self._chunk_size + TAG_SIZE)
        if not data:
            raise DamagedFile(f"the file ends after chunk {self._counter}, before its last "
                              "chunk (truncated?)")
        last = len(data) < self._chunk_size + TAG_SIZE
        if self._counter >= _MAX_CHUNKS:
            raise DamagedFile("too many chunks")
        try:
            plain = self._aead.decrypt(_nonce(self._nonce_prefix, self._counter, last), data,
                                       self._header)
        except InvalidTag:
            raise DamagedFile(f"chunk {self._counter} does not authenticate (changed, "
                              "truncated or misplaced)") from None
        self._counter += 1
        if last:
            if self._source.read(1):
                raise DamagedFile("data follows the last chunk")
            self._ended = True
        self._plain, self._offset = plain, 0


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    got = 0
    while got < size:
        part = source.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)
