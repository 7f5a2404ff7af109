"""A centre certificate squeezed into a QR code, rebuilt bit for bit by the verifier.

Anyone holding only the country's CA certificates must be able to check a printed
copy offline, so the QR code has to carry the signing centre's certificate; at
~500 bytes of DER it would make the code too dense to scan from paper.  But a
centre certificate (``common.pki.authority.issue_centre_certificate``) is
predictable except for five values: its serial number, its validity, the centre's
public key, the centre code and the CA's signature.  Those travel (~130 bytes);
everything else (issuer name, country and organisation, extensions) is rebuilt
from the CA certificate, and the CA's signature then proves the rebuilt
certificate is exactly the one the CA issued.  The signer checks the round trip
before printing, so a certificate of another profile is refused, never printed
with a code that cannot verify.

The subjectKeyIdentifier is rebuilt from the key: RFC 5280 method 2 (8 bytes) as
the CA writes it now, or method 1 (SHA-1, 20 bytes) for a certificate issued before
the switch (``KEY_IDENTIFIER_METHODS``; the verifier tries both, the CA's
signature picks the right one).  The authorityKeyIdentifier is the issuer
certificate's own subjectKeyIdentifier, whichever method made it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import core as a_core
from asn1crypto import keys as a_keys
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common.pki.identifiers import certificate_key_identifier, subject_key_identifier

_P256_ORDER_BYTES = 32
#: RFC 5280 §4.2.1.2 methods a centre certificate's key identifier may follow, current first.
KEY_IDENTIFIER_METHODS = (2, 1)


@dataclass(frozen=True)
class CompactCertificate:
    """The five values of a centre certificate that the CA certificate cannot predict."""

    centre_code: str
    serial: int
    not_before: dt.datetime
    not_after: dt.datetime
    public_key: bytes  # compressed P-256 point, 33 bytes
    ca_signature: bytes  # raw r || s, 64 bytes

    def to_bytes(self) -> bytes:
        serial = self.serial.to_bytes((self.serial.bit_length() + 7) // 8 or 1, "big")
        return b"".join((
            struct.pack(">I", int(self.centre_code))[1:],
            bytes([len(serial)]), serial,
            struct.pack(">II", int(self.not_before.timestamp()), int(self.not_after.timestamp())),
            self.public_key, self.ca_signature,
        ))  # fmt: skip

    @classmethod
    def from_bytes(cls, data: bytes, offset: int = 0) -> tuple[CompactCertificate, int]:
        """Read one from ``data`` at ``offset``; returns it and the offset after it."""
        code = int.from_bytes(data[offset : offset + 3], "big")
        n = data[offset + 3]
        pos = offset + 4
        serial = int.from_bytes(data[pos : pos + n], "big")
        pos += n
        before, after = struct.unpack(">II", data[pos : pos + 8])
        pos += 8
        key, sig = data[pos : pos + 33], data[pos + 33 : pos + 97]
        if len(sig) != 64:
            raise ValueError("truncated certificate")
        pos += 97
        utc = dt.UTC
        return cls(f"{code:06d}", serial, dt.datetime.fromtimestamp(before, utc),
                   dt.datetime.fromtimestamp(after, utc), key, sig), pos


def raw_signature(der: bytes) -> bytes:
    r, s = decode_dss_signature(der)
    return r.to_bytes(_P256_ORDER_BYTES, "big") + s.to_bytes(_P256_ORDER_BYTES, "big")


def der_signature(raw: bytes) -> bytes:
    return encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))


def _time(moment: dt.datetime) -> a_x509.Time:
    if moment.year < 2050:
        return a_x509.Time(name="utc_time", value=moment)
    return a_x509.Time(name="general_time", value=moment)


def _subject(issuer: x509.Certificate, centre_code: str) -> a_x509.Name:
    """The issuer's country and organisation, then the centre code as common name."""
    issuer_name = a_x509.Name.load(issuer.subject.public_bytes())
    keep = [rdn for rdn in issuer_name.chosen
            if rdn[0]["type"].native in ("country_name", "organization_name")]
    cn = a_x509.RelativeDistinguishedName([a_x509.NameTypeAndValue({
        "type": "common_name",
        "value": a_x509.DirectoryString(name="utf8_string", value=centre_code)})])
    return a_x509.Name(name="", value=a_x509.RDNSequence([*keep, cn]))


def _tbs(compact: CompactCertificate, issuer: x509.Certificate,
         key_identifier_method: int) -> a_x509.TbsCertificate:
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), compact.public_key)
    spki_der = point.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    spki = a_keys.PublicKeyInfo.load(spki_der)
    if key_identifier_method == 2:
        own_identifier = subject_key_identifier(point)
    else:
        own_key = point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        own_identifier = hashlib.sha1(own_key).digest()  # noqa: S324 (RFC 5280 method 1)
    usage = a_x509.KeyUsage({"digital_signature", "key_agreement"})
    return a_x509.TbsCertificate({
        "version": "v3",
        "serial_number": compact.serial,
        "signature": {"algorithm": "sha256_ecdsa"},
        "issuer": a_x509.Name.load(issuer.subject.public_bytes()),
        "validity": {"not_before": _time(compact.not_before),
                     "not_after": _time(compact.not_after)},
        "subject": _subject(issuer, compact.centre_code),
        "subject_public_key_info": spki,
        "extensions": [
            {"extn_id": "key_identifier", "critical": False,
             "extn_value": a_core.OctetString(own_identifier)},
            {"extn_id": "authority_key_identifier", "critical": False,
             "extn_value": {"key_identifier": certificate_key_identifier(issuer)}},
            {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": False}},
            {"extn_id": "key_usage", "critical": True, "extn_value": usage},
        ],
    })  # fmt: skip


def rebuild(compact: CompactCertificate, issuer: x509.Certificate,
            key_identifier_method: int = KEY_IDENTIFIER_METHODS[0]) -> x509.Certificate:
    """The full certificate, as the CA issued it (its signature is checked by the caller).

    ``key_identifier_method`` is how its subjectKeyIdentifier was made (RFC 5280
    §4.2.1.2 method 2, or 1 for a certificate issued before ECR switched).
    """
    certificate = a_x509.Certificate({
        "tbs_certificate": _tbs(compact, issuer, key_identifier_method),
        "signature_algorithm": {"algorithm": "sha256_ecdsa"},
        "signature_value": der_signature(compact.ca_signature),
    })
    return x509.load_der_x509_certificate(certificate.dump())


def compact(certificate: x509.Certificate, issuer: x509.Certificate,
            centre_code: str) -> CompactCertificate:
    """Squeeze ``certificate``; ``ValueError`` if it would not be rebuilt identically."""
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
        raise ValueError("the centre certificate's key is not a P-256 key")
    result = CompactCertificate(
        centre_code=centre_code,
        serial=certificate.serial_number,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        public_key=key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint),
        ca_signature=raw_signature(certificate.signature),
    )
    der = certificate.public_bytes(Encoding.DER)
    if all(rebuild(result, issuer, method).public_bytes(Encoding.DER) != der
           for method in KEY_IDENTIFIER_METHODS):
        raise ValueError("the centre certificate does not follow the centre profile")
    return result


def issuers(ca_certificates: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """The CA certificates that may have issued a centre certificate (CA=true ones)."""
    out = []
    for cert in ca_certificates:
        try:
            bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            continue
        if bc.ca:
            out.append(cert)
    return out
