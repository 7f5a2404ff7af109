"""Key identifiers: how certificates, CMS containers and the SCEC name a key.

Pure computation (no file, no I/O), so that the sans-IO wire code and the PKI
share one definition.
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

#: Length of the key identifiers ECR writes (RFC 5280 §4.2.1.2 method 2).
KEY_IDENTIFIER_BYTES = 8


def subject_key_identifier(public_key: ec.EllipticCurvePublicKey) -> bytes:
    """The key identifier of ``public_key``: RFC 5280 §4.2.1.2 method 2, 8 bytes.

    The four-bit type field 0100 followed by the least significant 60 bits of the
    SHA-1 of the subjectPublicKey BIT STRING value (the uncompressed point, as
    certificates carry it).  Every certificate the PKI issues carries this value in
    its subjectKeyIdentifier extension, and CMS names signers and recipients by it
    (``sid`` / ``rKeyId``): 8 bytes instead of method 1's 20, twice per container.
    60 bits make an accidental collision between two of a country's keys
    practically impossible; the SCEC still refuses to record one
    (``xmserver.centres.record_certificate``).  SHA-1's collision weakness does not
    matter here: the identifier only names a key, the signature is what proves it.

    Certificates issued before ECR switched from method 1 keep their 20-byte
    identifier: whoever names a certificate's key in CMS takes the value from the
    certificate (:func:`certificate_key_identifier`), not from here.
    """
    point = public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    digest = hashlib.sha1(point).digest()  # noqa: S324 (RFC 5280 names SHA-1; not a signature)
    tail = digest[-KEY_IDENTIFIER_BYTES:]
    return bytes([0x40 | (tail[0] & 0x0F)]) + tail[1:]


def certificate_key_identifier(certificate: x509.Certificate) -> bytes:
    """The key identifier a certificate carries (its subjectKeyIdentifier extension).

    What OpenSSL reads to match CMS ``sid`` / ``rKeyId``; for a certificate without
    the extension (none of ECR's), the method 2 identifier of its key.
    """
    try:
        return certificate.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier).value.key_identifier
    except x509.ExtensionNotFound:
        key = certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("an ECR certificate needs an EC key") from None
        return subject_key_identifier(key)
