"""Sealing and opening containers: message → signed → enveloped, and back, with every check.

``seal`` turns a header and a body into the bytes that travel (MQTT or T2D);
``open_container`` turns received bytes back into a checked ``OpenedMessage`` or
raises ``ContainerRefused`` with one of the reasons of ``errors.REASONS``, in the
order they are checked::

    too_large → bad_der / unsupported → wrong_recipient → undecryptable
    → unknown_signer → revoked_signer → expired_signer → bad_signature
    → bad_payload → wrong_kind → signer_mismatch → too_old → replay
    → unknown_dictionary → decompression_bomb → (kind-specific: invalid_acts)

Nothing in the signed content is read before the signature is verified, except
to parse the CMS structure itself.  Sans-IO: the caller supplies keys, the
signer directory and the time; the caller records acceptance durably (the
SCEC's ``xmserver.replay.claim`` is the authoritative replay check).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from common.pki.identifiers import certificate_key_identifier
from common.wire import cms, compression
from common.wire.errors import ContainerRefused
from common.wire.message import (
    SCEC,
    AuditMark,
    Header,
    Kind,
    decode_message,
    encode_message,
)
from common.wire.trust import Signer, SignerDirectory

MAX_CONTAINER_BYTES = 1024 * 1024
#: Containers older than this are refused (T2D media may take months to travel).
MAX_AGE = dt.timedelta(days=400)
#: Tolerated clock difference for containers dated in the future.
CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class SenderKey:
    """The private key a sender signs with and its key identifier (from its certificate)."""

    key: ec.EllipticCurvePrivateKey
    key_identifier: bytes


@dataclass(frozen=True)
class RecipientCertificate:
    """Whom a container is sealed for: their key-agreement public key and its identifier."""

    public_key: ec.EllipticCurvePublicKey
    key_identifier: bytes

    @classmethod
    def of(cls, certificate: x509.Certificate) -> RecipientCertificate:
        key = certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("a container recipient needs an EC certificate")
        return cls(key, certificate_key_identifier(certificate))


@dataclass(frozen=True)
class OpenedMessage:
    header: Header
    signer: Signer
    body: bytes


def _unix(moment: dt.datetime | int | float | None) -> int:
    if moment is None:
        return int(time.time())
    if isinstance(moment, dt.datetime):
        return int(moment.timestamp())
    return int(moment)


def seal(kind: Kind, centre: str, sequence: int, body: bytes, sender: SenderKey,
         recipient: RecipientCertificate, *, message_id: uuid.UUID | None = None,
         created: dt.datetime | int | None = None,
         dictionary: int = compression.CURRENT_DICTIONARY,
         audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """Seal ``body`` for ``recipient``; return the message id and the container bytes."""
    message_id, message = make_message(kind, centre, sequence, body, message_id=message_id,
                                       created=created, dictionary=dictionary, audit=audit)
    return message_id, seal_message(message, sender, recipient)


def make_message(kind: Kind, centre: str, sequence: int, body: bytes, *,
                 message_id: uuid.UUID | None = None, created: dt.datetime | int | None = None,
                 dictionary: int = compression.CURRENT_DICTIONARY,
                 audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """The message a container signs (header and compressed body), before any key is used.

    A centre keeps it beside the sealed bytes so that, once reinstated with a new
    key after a revocation, it can seal the very same message again
    (``seal_message``): same sequence, message id, time, audit marks and acts.
    """
    message_id = message_id or uuid.uuid4()
    header = Header(kind, centre, sequence, message_id, _unix(created), dictionary, len(body),
                    tuple(audit))
    return message_id, encode_message(header, compression.compress(body, dictionary))


def seal_message(message: bytes, sender: SenderKey, recipient: RecipientCertificate) -> bytes:
    """Sign ``message`` (from ``make_message``) and envelope it for ``recipient``."""
    signed = cms.sign(message, sender.key, sender.key_identifier)
    return cms.envelope(signed, recipient.public_key, recipient.key_identifier)


def _check_signer(signer: Signer | None, at: dt.datetime) -> Signer:
    if signer is None:
        raise ContainerRefused("unknown_signer")
    if signer.revoked:
        raise ContainerRefused("revoked_signer", f"serial {signer.certificate.serial_number:x}")
    cert = signer.certificate
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise ContainerRefused("expired_signer",
                               f"valid {cert.not_valid_before_utc:%Y-%m-%d}"
                               f"–{cert.not_valid_after_utc:%Y-%m-%d}")
    return signer


def open_container(data: bytes, recipient: cms.RecipientKey, directory: SignerDirectory, *,
                   expected: Collection[Kind] | None = None, own_centre: str | None = None,
                   now: dt.datetime | None = None, max_age: dt.timedelta = MAX_AGE
                   ) -> OpenedMessage:
    """Open and check a container; refuse with a precise reason.

    ``expected`` restricts the kinds accepted here (the SCEC's ingest accepts
    ``ACT_BATCH``…).  Messages from a centre must be signed by that centre;
    messages from the SCEC must be signed by the SCEC and addressed to
    ``own_centre``.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ContainerRefused("bad_der", "not bytes")
    data = bytes(data)
    if len(data) > MAX_CONTAINER_BYTES:
        raise ContainerRefused("too_large", f"{len(data)} bytes, limit {MAX_CONTAINER_BYTES}")
    now = now or dt.datetime.now(dt.UTC)
    inner = cms.open_envelope(data, recipient)
    try:
        signed = cms.read_signed(inner)
    except ContainerRefused as refusal:
        if refusal.reason != "bad_der":
            raise
        # Garbage after decryption reads as "undecryptable", like bad padding: two
        # different answers would let an attacker probe the cipher (padding oracle).
        raise ContainerRefused("undecryptable") from None
    signer = _check_signer(
        directory.find_signer(signed.signer_key_identifier, signed.signer_issuer_der,
                              signed.signer_serial), now)
    public_key = signer.certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise ContainerRefused("unsupported", "signer key is not EC")
    signed.verify(public_key)

    header, packed = decode_message(signed.content)
    if expected is not None and header.kind not in expected:
        raise ContainerRefused("wrong_kind", header.kind.name)
    if header.kind.from_centre:
        if signer.identity != header.centre:
            raise ContainerRefused("signer_mismatch",
                                   f"signed by {signer.identity}, claims {header.centre}")
    elif signer.identity != SCEC or (own_centre is not None and header.centre != own_centre):
        raise ContainerRefused("signer_mismatch",
                               f"signed by {signer.identity}, addressed to {header.centre}")
    created = dt.datetime.fromtimestamp(header.created, dt.UTC)
    if created > now + CLOCK_SKEW:
        raise ContainerRefused("too_old", f"dated {created:%Y-%m-%d %H:%M} UTC, in the future")
    if created < now - max_age:
        raise ContainerRefused("too_old", f"created {created:%Y-%m-%d}")
    if directory.already_seen(header.centre if header.kind.from_centre else SCEC,
                              header.sequence, header.message_id):
        raise ContainerRefused("replay", f"sequence {header.sequence}")
    body = compression.decompress(packed, header.dictionary, header.body_length)
    return OpenedMessage(header, signer, body)
