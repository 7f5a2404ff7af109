"""The signed content of a container: a small header, then the (compressed) body.

Layout (all inside the CMS signature, so every field is authenticated)::

    "ECR" | format 1 | kind (1 byte) | centre code (varint length + ASCII)
    | sequence (varint) | message id (16 bytes, UUID) | created (varint, Unix seconds)
    | dictionary id (varint; 0 = stored) | body length (varint, uncompressed)
    | audit marks (varint count ≤ 4, each: audit seq varint + 16 bytes of its hash)
    | body (zstd frame, or the body itself when stored)

``centre`` is the sending centre for messages a centre sends, and the
addressee centre for messages the SCEC sends; ``sequence`` is per sender and
direction (``SYNC_REQUEST`` uses sequence 0: it is a question, not a step of
the centre's history, so that a centre restored from an old backup can ask
where it stands without knowing its next number).

*Audit marks* anchor a centre's hash-chained audit trail outside the centre
(DESIGN.md §2): a centre puts its current audit head ``(seq, hash[:16])`` and,
as it reads it *now*, the hash of the row it reported in its previous container.
The SCEC keeps every mark it received; a later container whose hash for an
already reported seq differs means the centre's history was rewritten.

The header is not compressed so that a dictionary id and the size
limits are checked before anything is decompressed.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from common.wire.binary import Reader, Writer
from common.wire.errors import ContainerRefused

MAGIC = b"ECR"
FORMAT_VERSION = 1
MAX_SEQUENCE = 2**63 - 1
SCEC = "SCEC"
MAX_AUDIT_MARKS = 4
AUDIT_HASH_BYTES = 16


class Kind(enum.IntEnum):
    """What a container holds; ``from_centre`` tells the direction."""

    ACT_BATCH = 1  # centre → SCEC: validated acts to store
    MENTION_OUT = 2  # centre → SCEC: mentions for acts held elsewhere
    QUERY = 3  # centre → SCEC: a search for acts registered elsewhere
    SYNC_REQUEST = 4  # centre → SCEC: "which of my containers and acts do you hold?"
    RECEIPT = 16  # SCEC → centre: what was stored, signed
    MENTION_IN = 17  # SCEC → centre: mentions for acts this centre holds
    REVOCATION_LIST = 18  # SCEC → centre: the current CRL (DER)
    QUERY_ANSWER = 19  # SCEC → centre: acts found
    STATUS = 20  # SCEC → centre: the answer to a SYNC_REQUEST
    NOTICE = 21  # SCEC → centre: possible duplicates, mentions applied elsewhere

    @property
    def from_centre(self) -> bool:
        return self.value < 16


@dataclass(frozen=True)
class AuditMark:
    """One point of a centre's audit chain: row ``seq`` and the first 16 bytes of its hash."""

    seq: int
    hash: bytes

    def __post_init__(self) -> None:
        if len(self.hash) != AUDIT_HASH_BYTES or self.seq < 0:
            raise ValueError("an audit mark is a seq ≥ 0 and 16 bytes of hash")

    @classmethod
    def of(cls, seq: int, full_hash: bytes) -> AuditMark:
        return cls(seq, bytes(full_hash[:AUDIT_HASH_BYTES]))


@dataclass(frozen=True)
class Header:
    kind: Kind
    centre: str
    sequence: int
    message_id: uuid.UUID
    created: int  # Unix seconds
    dictionary: int
    body_length: int
    audit: tuple[AuditMark, ...] = ()


def encode_message(header: Header, packed_body: bytes) -> bytes:
    w = Writer()
    w.raw(MAGIC)
    w.byte(FORMAT_VERSION)
    w.byte(int(header.kind))
    w.text(header.centre)
    w.uint(header.sequence)
    w.raw(header.message_id.bytes)
    w.uint(header.created)
    w.uint(header.dictionary)
    w.uint(header.body_length)
    if len(header.audit) > MAX_AUDIT_MARKS:
        raise ValueError(f"at most {MAX_AUDIT_MARKS} audit marks")
    w.uint(len(header.audit))
    for mark in header.audit:
        w.uint(mark.seq)
        w.raw(mark.hash)
    w.raw(packed_body)
    return w.getvalue()


def decode_message(data: bytes) -> tuple[Header, bytes]:
    """Split signed content into its header and packed body; strict."""
    r = Reader(data, "bad_payload")
    if r.remaining < len(MAGIC) or r.raw(len(MAGIC)) != MAGIC:
        raise ContainerRefused("bad_payload", "not an ECR message")
    version = r.byte()
    if version != FORMAT_VERSION:
        raise ContainerRefused("bad_payload", f"format version {version}")
    kind_value = r.byte()
    try:
        kind = Kind(kind_value)
    except ValueError:
        raise ContainerRefused("bad_payload", f"unknown kind {kind_value}") from None
    centre = r.text(16)
    sequence = r.uint(MAX_SEQUENCE)
    message_id = uuid.UUID(bytes=r.raw(16))
    created = r.uint(2**40)
    dictionary = r.uint(2**16)
    body_length = r.uint(2**40)
    marks = tuple(AuditMark(r.uint(MAX_SEQUENCE), r.raw(AUDIT_HASH_BYTES))
                  for _ in range(r.uint(MAX_AUDIT_MARKS)))
    header = Header(kind, centre, sequence, message_id, created, dictionary, body_length,
                    marks)
    return header, r.raw(r.remaining)
