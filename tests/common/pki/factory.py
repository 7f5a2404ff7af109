"""Real keys and certificates for tests: a country authority and enrolled centres."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common.pki.authority import (
    CountryAuthority,
    build_centre_request,
    check_centre_request,
    create_country_authority,
    issue_centre_certificate,
)
from common.pki.identifiers import certificate_key_identifier
from common.pki.keys import generate_key
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey
from common.wire.trust import StaticDirectory

PEM = serialization.Encoding.PEM


@dataclass(frozen=True)
class EnrolledCentre:
    code: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def sender(self) -> SenderKey:
        return SenderKey(self.key, certificate_key_identifier(self.certificate))


def authority() -> CountryAuthority:
    return create_country_authority("SN", "République du Sénégal — État civil")


def centre(ca: CountryAuthority, code: str = "123456", *, now: dt.datetime | None = None,
           days: int = 730) -> EnrolledCentre:
    key = generate_key()
    csr = check_centre_request(build_centre_request(key, code), code)
    cert = issue_centre_certificate(ca.issuing_key, ca.issuing_certificate, csr, code, now,
                                    validity_days=days)
    return EnrolledCentre(code, key, cert)


def scec_recipient(ca: CountryAuthority) -> RecipientKey:
    return RecipientKey(ca.encryption_key, certificate_key_identifier(ca.encryption_certificate),
                        ca.encryption_certificate.issuer.public_bytes(),
                        ca.encryption_certificate.serial_number)


def scec_certificate(ca: CountryAuthority) -> RecipientCertificate:
    return RecipientCertificate.of(ca.encryption_certificate)


def directory(*centres: EnrolledCentre, revoked: set[int] | None = None) -> StaticDirectory:
    d = StaticDirectory.of([(c.code, c.certificate) for c in centres])
    d.revoked_serials |= revoked or set()
    return d


def write_pem(path: Path, *certs: x509.Certificate) -> Path:
    path.write_bytes(b"".join(c.public_bytes(PEM) for c in certs))
    return path


def write_key(path: Path, key: ec.EllipticCurvePrivateKey, passphrase: bytes | None = None) -> Path:
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, encryption))
    return path
