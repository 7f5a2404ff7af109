"""Who may sign containers: the signer directory the opener consults.

The opener is sans-IO, so it asks a *directory* (an object the caller passes in)
for the certificate behind a signer identifier and whether a message was already
received.  The SCEC's directory reads its database (``xmserver.directory``); a
centre's is built in memory from its keys folder (``StaticDirectory``) and its
own record of what it received.  A directory returns only certificates it
already trusts (issued by the country's CA, checked when they were installed);
the opener still checks validity dates, revocation and the signature.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from cryptography import x509

from common.pki.identifiers import certificate_key_identifier


@dataclass(frozen=True)
class Signer:
    """A certificate allowed to sign, and whom it speaks for (a centre code or ``"SCEC"``)."""

    identity: str
    certificate: x509.Certificate
    revoked: bool = False


class SignerDirectory(Protocol):
    def find_signer(self, key_identifier: bytes | None, issuer_der: bytes | None,
                    serial: int | None) -> Signer | None:
        """The signer with this key identifier (or issuer and serial), if known."""

    def already_seen(self, sender: str, sequence: int, message_id: uuid.UUID) -> bool:
        """True if a message with this sender and sequence, or this id, was already accepted."""




@dataclass
class StaticDirectory:
    """An in-memory directory: fixed signers, revoked serials, and messages seen so far.

    ``remember`` must be called once a message is accepted; it is for callers
    that keep their own durable record (a centre's database) or for tests.
    """

    signers: list[Signer]
    revoked_serials: set[int] = field(default_factory=set)
    seen: set[tuple[str, int]] = field(default_factory=set)
    seen_ids: set[uuid.UUID] = field(default_factory=set)

    @classmethod
    def of(cls, signers: Iterable[tuple[str, x509.Certificate]],
           revocation_list: x509.CertificateRevocationList | None = None) -> StaticDirectory:
        revoked = {r.serial_number for r in revocation_list} if revocation_list else set()
        return cls([Signer(identity, cert) for identity, cert in signers], revoked)

    def find_signer(self, key_identifier: bytes | None, issuer_der: bytes | None,
                    serial: int | None) -> Signer | None:
        for signer in self.signers:
            cert = signer.certificate
            by_key = key_identifier is not None and (
                certificate_key_identifier(cert) == key_identifier)
            by_serial = serial is not None and cert.serial_number == serial and (
                cert.issuer.public_bytes() == issuer_der)
            if by_key or by_serial:
                return Signer(signer.identity, cert,
                              signer.revoked or cert.serial_number in self.revoked_serials)
        return None

    def already_seen(self, sender: str, sequence: int, message_id: uuid.UUID) -> bool:
        return (sender, sequence) in self.seen or message_id in self.seen_ids

    def remember(self, sender: str, sequence: int, message_id: uuid.UUID) -> None:
        self.seen.add((sender, sequence))
        self.seen_ids.add(message_id)
