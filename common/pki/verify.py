"""Checking a certificate against the country's CA and revocation list, offline.

Used by the container opener's signer directory, by ``ecr verify`` (a printed
copy's QR code) and by anyone holding the exported CA certificates.  Everything
is decided from what is passed in (certificates, a revocation list, a time): no
network, no database, so a verifier in a town hall with no connection reaches the
same verdict as the SCEC.

Reasons (``Verdict.reason``), stable keys: ``chain_invalid``, ``not_yet_valid``,
``expired``, ``revoked``, ``revocation_list_invalid``, ``signature_invalid``,
``wrong_key_usage``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from common.i18n import translator

tr = translator("pki")


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: ``ok``, else a stable ``reason`` and a translated ``message``."""

    ok: bool
    reason: str | None = None
    message: str = ""

    def __bool__(self) -> bool:
        return self.ok


OK = Verdict(True)


def _refuse(reason: str, message: str) -> Verdict:
    return Verdict(False, reason, message)


def _issued_by(child: x509.Certificate | x509.CertificateRevocationList,
               issuer: x509.Certificate) -> bool:
    try:
        if isinstance(child, x509.Certificate):
            child.verify_directly_issued_by(issuer)
            return True
        key = issuer.public_key()
        return child.issuer == issuer.subject and isinstance(
            key, ec.EllipticCurvePublicKey) and child.is_signature_valid(key)
    except (ValueError, TypeError, InvalidSignature):
        return False


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    return bool(bc.ca)


def _in_validity(cert: x509.Certificate, at: dt.datetime) -> Verdict:
    if at < cert.not_valid_before_utc:
        return _refuse("not_yet_valid", tr("The certificate is not valid yet"))
    if at > cert.not_valid_after_utc:
        return _refuse("expired", tr("The certificate expired on {date}",
                                     date=cert.not_valid_after_utc.date().isoformat()))
    return OK


def check_certificate(certificate: x509.Certificate, ca_certificates: Sequence[x509.Certificate],
                      revocation_list: x509.CertificateRevocationList | None = None,
                      at: dt.datetime | None = None) -> Verdict:
    """Is ``certificate`` issued (through the CA chain), in force at ``at`` and not revoked?

    ``ca_certificates`` holds the issuing CA and the self-signed root; the chain
    must end at a self-signed CA certificate of that list.  A revocation list, when
    given, must be signed by the certificate's issuer; a list past its next update
    is still used (an old list is better than none offline) but cannot un-revoke.
    """
    at = at or dt.datetime.now(dt.UTC)
    verdict = _in_validity(certificate, at)
    if not verdict:
        return verdict
    issuer = next((ca for ca in ca_certificates if _is_ca(ca) and _issued_by(certificate, ca)),
                  None)
    if issuer is None:
        return _refuse("chain_invalid",
                       tr("The certificate was not issued by the country's certificate authority"))
    chain_ok = _walk_to_root(issuer, ca_certificates, at)
    if not chain_ok:
        return chain_ok
    if revocation_list is not None:
        if not _issued_by(revocation_list, issuer):
            return _refuse("revocation_list_invalid",
                           tr("The revocation list is not signed by the certificate's issuer"))
        entry = revocation_list.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is not None and entry.revocation_date_utc <= at:
            return _refuse("revoked", tr("The certificate was revoked on {date}",
                                         date=entry.revocation_date_utc.date().isoformat()))
    return OK


def _walk_to_root(ca: x509.Certificate, ca_certificates: Sequence[x509.Certificate],
                  at: dt.datetime) -> Verdict:
    seen: set[bytes] = set()
    current = ca
    while True:
        verdict = _in_validity(current, at)
        if not verdict:
            return _refuse("chain_invalid",
                           tr("A certificate authority of the chain is out of its validity"))
        if current.issuer == current.subject and _issued_by(current, current):
            return OK
        fingerprint = current.fingerprint(hashes.SHA256())
        if fingerprint in seen:
            return _refuse("chain_invalid", tr("The certificate chain loops"))
        seen.add(fingerprint)
        parent = next((c for c in ca_certificates if _is_ca(c) and _issued_by(current, c)), None)
        if parent is None:
            return _refuse("chain_invalid",
                           tr("The certificate chain does not reach the country's root"))
        current = parent


def sign_detached(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """An ECDSA P-256 / SHA-256 signature of ``data`` (DER, about 70 bytes).

    For a printed copy's QR code: the centre signs the canonical text of the copy;
    the QR carries the signature and the centre certificate's serial number (or
    key identifier), see ``docs/pki.md``.
    """
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_with_chain(signature: bytes, data: bytes, centre_certificate: x509.Certificate,
                      ca_certificates: Sequence[x509.Certificate],
                      revocation_list: x509.CertificateRevocationList | None = None,
                      at: dt.datetime | None = None) -> Verdict:
    """Check a ``sign_detached`` signature with the centre's certificate and the CA chain.

    ``at`` is the time the signature must have been valid at (for a printed copy,
    its issue date; default: now).
    """
    verdict = check_certificate(centre_certificate, ca_certificates, revocation_list, at)
    if not verdict:
        return verdict
    if not _allows_signing(centre_certificate):
        return _refuse("wrong_key_usage", tr("The certificate does not allow signing"))
    key = centre_certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return _refuse("signature_invalid", tr("The certificate's key is not an EC key"))
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return _refuse("signature_invalid", tr("The signature does not match the data"))
    return OK


def _allows_signing(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(usage.digital_signature)


def find_certificate(certificates: Sequence[x509.Certificate], *, serial: int | None = None,
                     key_identifier: bytes | None = None) -> x509.Certificate | None:
    """Find a centre's certificate offline by serial number or subject key identifier.

    A printed copy's QR carries one of them; the verifier looks it up in the set of
    centre certificates it holds (``xmserver pki export`` writes them all, a centre
    keeps its own and those received with answers).
    """
    for cert in certificates:
        if serial is not None and cert.serial_number == serial:
            return cert
        if key_identifier is not None:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            except x509.ExtensionNotFound:
                continue
            if ski.digest == key_identifier:
                return cert
    return None
