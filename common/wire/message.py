"""The signed content of a container: a small header, then the (compressed) body.

Layout (all inside the CMS signature, so every field is authenticated)::

    "ECR" | format 1 | kind (1 byte) | centre code (varint length + ASCII)
    | sequence (varint) | message id (16 bytes, UUID) | created (varint, Unix seconds)
    | dictionary id (varint; 0 = stored) | body length (varint, uncompressed)
    | body (zstd frame, or the body itself when stored)

``centre`` is the sending centre for messages a centre sends, and the
addressee centre for messages the SCEC sends; ``sequence`` is per sender and
direction.  The header is not compressed so that a dictionary id and the size
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


class Kind(enum.IntEnum):
    """What a container holds; ``from_centre`` tells the direction."""

    ACT_BATCH = 1  # centre → SCEC: validated acts to store
    MENTION_OUT = 2  # centre → SCEC: mentions for acts held elsewhere
    QUERY = 3  # centre → SCEC: a search for acts registered elsewhere
    RECEIPT = 16  # SCEC → centre: what was stored, signed
    MENTION_IN = 17  # SCEC → centre: mentions for acts this centre holds
    REVOCATION_LIST = 18  # SCEC → centre: the current CRL (DER)
    QUERY_ANSWER = 19  # SCEC → centre: acts found

    @property
    def from_centre(self) -> bool:
        return self.value < 16


@dataclass(frozen=True)
class Header:
    kind: Kind
    centre: str
    sequence: int
    message_id: uuid.UUID
    created: int  # Unix seconds
    dictionary: int
    body_length: int


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
    header = Header(kind, centre, sequence, message_id, created, dictionary, body_length)
    return header, r.raw(r.remaining)
