"""A centre's own PKI material in its ``keys`` folder.

Files (the folder is created 0700):

* ``centre.key.pem`` — the centre's P-256 key, encrypted PKCS#8 (see ``keys.py``);
* ``centre.csr.pem`` — its certificate request, for offline enrollment or a retry;
* ``centre.cert.pem`` — the certificate the SCEC issued;
* ``ca.pem`` — the issuing CA then the root CA;
* ``scec-signing.cert.pem`` / ``scec-encryption.cert.pem`` — the SCEC's certificates;
* ``revocations.crl`` — the latest revocation list received (DER);
* ``centre.next.key.pem`` — during a renewal, the new key until its certificate arrives.

``ecr init`` calls :func:`create_centre_key`; ``ecr enroll`` calls the rest.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common.i18n import translator
from common.pki.authority import (
    RENEWAL_WINDOW_DAYS,
    build_centre_request,
    centre_code_of,
    check_centre_code,
)
from common.pki.enrollment import EnrollmentRequest, EnrollmentResponse
from common.pki.errors import PkiError
from common.pki.identifiers import certificate_key_identifier
from common.pki.keys import (
    centre_passphrase,
    read_private_key,
    write_file_atomically,
    write_private_key,
)
from common.pki.verify import check_certificate, sign_detached

tr = translator("pki")

KEY_FILE = "centre.key.pem"
NEXT_KEY_FILE = "centre.next.key.pem"
CSR_FILE = "centre.csr.pem"
CERT_FILE = "centre.cert.pem"
CA_FILE = "ca.pem"
SCEC_SIGNING_FILE = "scec-signing.cert.pem"
SCEC_ENCRYPTION_FILE = "scec-encryption.cert.pem"
CRL_FILE = "revocations.crl"


@dataclass(frozen=True)
class CertificateRequest:
    """A centre's PKCS#10 request, as ``ecr init`` returns it."""

    centre_code: str
    der: bytes

    @property
    def pem(self) -> str:
        csr = x509.load_der_x509_csr(self.der)
        return csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


@dataclass(frozen=True)
class CentreIdentity:
    """Everything a centre needs to seal for the SCEC and open its answers."""

    centre_code: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    ca_certificates: tuple[x509.Certificate, ...]
    scec_signing: x509.Certificate
    scec_encryption: x509.Certificate
    revocation_list: x509.CertificateRevocationList | None

    @property
    def key_identifier(self) -> bytes:
        """How CMS names this centre's key: its certificate's subjectKeyIdentifier."""
        return certificate_key_identifier(self.certificate)


def _prepare(keys_dir: Path) -> None:
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)


def _passphrase(keys_dir: Path, passphrase: bytes | str | None) -> bytes:
    if passphrase is None:
        return centre_passphrase(keys_dir)
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase


def create_centre_key(keys_dir: Path, centre_code: str,
                      passphrase: bytes | str | None = None) -> CertificateRequest:
    """Create the centre's P-256 key (encrypted at rest) and its certificate request.

    Called once by ``ecr init``.  Refuses to overwrite an existing key: a centre
    that lost its key is revoked and enrolled again, never silently re-keyed.
    ``passphrase`` defaults to ``ECR_KEY_PASSPHRASE`` or the machine secret.
    """
    check_centre_code(centre_code)
    _prepare(keys_dir)
    if (keys_dir / KEY_FILE).exists():
        raise PkiError("key_exists", tr("This centre already has a key in {path}",
                                        path=str(keys_dir)))
    from common.pki.keys import generate_key

    key = generate_key()
    write_private_key(keys_dir / KEY_FILE, key, _passphrase(keys_dir, passphrase))
    request = CertificateRequest(centre_code, build_centre_request(key, centre_code))
    write_file_atomically(keys_dir / CSR_FILE, request.pem.encode("ascii"))
    return request


def load_request(keys_dir: Path) -> CertificateRequest:
    try:
        csr = x509.load_pem_x509_csr((keys_dir / CSR_FILE).read_bytes())
    except FileNotFoundError:
        raise PkiError("request_missing", tr("No certificate request in {path}: run ecr init",
                                             path=str(keys_dir))) from None
    code = centre_code_of(csr) or ""
    return CertificateRequest(code, csr.public_bytes(serialization.Encoding.DER))


def enrollment_request(keys_dir: Path, token: str,
                       passphrase: bytes | str | None = None) -> EnrollmentRequest:
    """The enrollment request: the stored CSR with the one-time token.

    A centre that already holds a certificate enrolls again with a token only
    after the SCEC reinstated it (its certificate revoked, ``xmserver centre
    reinstate``): its old key stays revoked, so a new key is made (kept as
    ``centre.next.key.pem`` until the certificate arrives, and reused if this is
    asked again before then).
    """
    request = load_request(keys_dir)
    if not (keys_dir / CERT_FILE).exists():
        return EnrollmentRequest("enroll", request.centre_code, request.der,
                                 token=token.strip())
    new_key = _next_key(keys_dir, _passphrase(keys_dir, passphrase))
    csr = build_centre_request(new_key, request.centre_code)
    return EnrollmentRequest("enroll", request.centre_code, csr, token=token.strip())


def _next_key(keys_dir: Path, secret: bytes) -> ec.EllipticCurvePrivateKey:
    """The pending new key (``centre.next.key.pem``), made and kept the first time: asking
    again before its certificate arrives reuses it (renewal and re-enrollment alike)."""
    pending = keys_dir / NEXT_KEY_FILE
    if pending.exists():
        return read_private_key(pending, secret)
    from common.pki.keys import generate_key

    new_key = generate_key()
    write_private_key(pending, new_key, secret)
    return new_key


def _load_pem_certs(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def install_response(keys_dir: Path, response: EnrollmentResponse,
                     passphrase: bytes | str | None = None) -> x509.Certificate:
    """Check an ``issued`` response against our key and install its certificates.

    The certificate must certify our pending key (the renewal key if one is
    pending, else the centre key) and chain to the CA in the response.  On a
    refusal the SCEC's reason is raised as it is.
    """
    if response.status != "issued":
        raise PkiError(response.reason or "enrollment_refused",
                       response.message or tr("The SCEC refused the enrollment"))
    try:
        cert = x509.load_der_x509_certificate(response.certificate_der)
        cas = [x509.load_der_x509_certificate(d) for d in response.ca_ders]
        signing = x509.load_der_x509_certificate(response.scec_signing_der)
        encryption = x509.load_der_x509_certificate(response.scec_encryption_der)
        crl = x509.load_der_x509_crl(response.crl_der)
    except ValueError:
        raise PkiError("enrollment_message_invalid",
                       tr("The enrollment response holds an invalid certificate")) from None
    pending = keys_dir / NEXT_KEY_FILE
    key_path = pending if pending.exists() else keys_dir / KEY_FILE
    key = read_private_key(key_path, _passphrase(keys_dir, passphrase))
    if key.public_key() != cert.public_key():
        raise PkiError("certificate_key_mismatch",
                       tr("The certificate received is not for this centre's key"))
    for candidate in (cert, signing, encryption):
        verdict = check_certificate(candidate, cas, crl)
        if not verdict:
            raise PkiError(verdict.reason or "chain_invalid", verdict.message)
    pem = serialization.Encoding.PEM
    write_file_atomically(keys_dir / CA_FILE, b"".join(c.public_bytes(pem) for c in cas))
    write_file_atomically(keys_dir / SCEC_SIGNING_FILE, signing.public_bytes(pem))
    write_file_atomically(keys_dir / SCEC_ENCRYPTION_FILE, encryption.public_bytes(pem))
    write_file_atomically(keys_dir / CRL_FILE, response.crl_der)
    write_file_atomically(keys_dir / CERT_FILE, cert.public_bytes(pem))
    if key_path == pending:
        os.replace(pending, keys_dir / KEY_FILE)
    return cert


def install_revocation_list(keys_dir: Path, crl_der: bytes) -> x509.CertificateRevocationList:
    """Keep a newer revocation list received from the SCEC (signature checked, never older)."""
    identity_cas = _load_pem_certs(keys_dir / CA_FILE)
    try:
        crl = x509.load_der_x509_crl(crl_der)
    except ValueError:
        raise PkiError("revocation_list_invalid",
                       tr("The revocation list is not a valid CRL")) from None
    issuer = next((c for c in identity_cas if c.subject == crl.issuer), None)
    key = issuer.public_key() if issuer else None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not crl.is_signature_valid(key):
        raise PkiError("revocation_list_invalid",
                       tr("The revocation list is not signed by the country's CA"))
    current_path = keys_dir / CRL_FILE
    if current_path.exists():
        current = x509.load_der_x509_crl(current_path.read_bytes())
        if _crl_number(current) > _crl_number(crl):
            return current
    write_file_atomically(current_path, crl_der)
    return crl


def _crl_number(crl: x509.CertificateRevocationList) -> int:
    try:
        return int(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    except x509.ExtensionNotFound:
        return -1


def load_centre_identity(keys_dir: Path,
                         passphrase: bytes | str | None = None) -> CentreIdentity:
    """Load the enrolled centre's key and certificates; refuse clearly if not enrolled."""
    cert_path = keys_dir / CERT_FILE
    if not cert_path.exists():
        raise PkiError("not_enrolled",
                       tr("This centre is not enrolled yet: run ecr enroll"))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = read_private_key(keys_dir / KEY_FILE, _passphrase(keys_dir, passphrase))
    crl_path = keys_dir / CRL_FILE
    crl = x509.load_der_x509_crl(crl_path.read_bytes()) if crl_path.exists() else None
    return CentreIdentity(
        centre_code=centre_code_of(cert) or "",
        key=key,
        certificate=cert,
        ca_certificates=tuple(_load_pem_certs(keys_dir / CA_FILE)),
        scec_signing=x509.load_pem_x509_certificate((keys_dir / SCEC_SIGNING_FILE).read_bytes()),
        scec_encryption=x509.load_pem_x509_certificate(
            (keys_dir / SCEC_ENCRYPTION_FILE).read_bytes()),
        revocation_list=crl,
    )


def renewal_due(certificate: x509.Certificate, now: dt.datetime | None = None,
                window_days: int = RENEWAL_WINDOW_DAYS) -> bool:
    """True when the certificate ends within ``window_days`` (renew before it expires)."""
    now = now or dt.datetime.now(dt.UTC)
    return certificate.not_valid_after_utc - now <= dt.timedelta(days=window_days)


def renewal_request(keys_dir: Path, passphrase: bytes | str | None = None) -> EnrollmentRequest:
    """Make a new key (kept as ``centre.next.key.pem``) and a request signed by the current key.

    The current key and certificate stay in force until the new certificate is
    installed, so containers sealed meanwhile still open.  Calling this again
    before the answer reuses the pending key.
    """
    identity = load_centre_identity(keys_dir, passphrase)
    new_key = _next_key(keys_dir, _passphrase(keys_dir, passphrase))
    csr = build_centre_request(new_key, identity.centre_code)
    return EnrollmentRequest(
        "renew", identity.centre_code, csr,
        current_serial=identity.certificate.serial_number,
        proof=sign_detached(identity.key, csr),
    )
