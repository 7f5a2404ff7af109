"""The compact centre certificate of a QR code rebuilds exactly, whatever key identifier it has."""

from __future__ import annotations

import dataclasses
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from common.pki.authority import CountryAuthority
from printdesigner import credential
from printdesigner.qr import PREFIX_V1, CopySeal, sign_code, verify_code
from tests.printdesigner.conftest import Centre, make_centre


def _with_sha1_identifier(authority: CountryAuthority, centre: Centre) -> Centre:
    """The centre's certificate as issued before method 2: a 20-byte SHA-1 identifier."""
    cert = centre.certificate
    builder = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.issuer)
               .public_key(cert.public_key()).serial_number(cert.serial_number)
               .not_valid_before(cert.not_valid_before_utc)
               .not_valid_after(cert.not_valid_after_utc))
    for extension in cert.extensions:
        value = extension.value
        if isinstance(value, x509.SubjectKeyIdentifier):
            value = x509.SubjectKeyIdentifier.from_public_key(cert.public_key())  # type: ignore[arg-type]
        builder = builder.add_extension(value, extension.critical)
    return dataclasses.replace(centre, certificate=builder.sign(authority.issuing_key,
                                                                hashes.SHA256()))


def _ski(cert: x509.Certificate) -> bytes:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.key_identifier


def test_both_key_identifier_methods_rebuild_and_verify(authority: CountryAuthority) -> None:
    current = make_centre(authority, "010203")
    legacy = _with_sha1_identifier(authority, current)
    issuer = authority.issuing_certificate
    for centre, method, length in ((current, 2, 8), (legacy, 1, 20)):
        assert len(_ski(centre.certificate)) == length
        compact = credential.compact(centre.certificate, issuer, centre.centre_code)
        rebuilt = credential.rebuild(compact, issuer, method)
        assert rebuilt.public_bytes(Encoding.DER) == centre.certificate.public_bytes(Encoding.DER)
        seal = CopySeal("0102032026000423", "full", 1,
                        dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), "123/2026", None,
                        ("x",), bytes(16))
        result = verify_code(sign_code(seal.to_bytes(), centre, PREFIX_V1),
                             centre.ca_certificates)
        assert result.code_genuine, (method, result.reason, result.message)
        assert result.certificate_serial == centre.certificate.serial_number
