"""The SCEC's keys and certificates on disk (``--pki-dir``), encrypted at rest.

Layout::

    <pki-dir>/ca.pem                      issuing CA + root (what centres trust)
    <pki-dir>/root-ca.cert.pem            the root certificate
    <pki-dir>/issuing-ca.{key,cert}.pem   signs centre certificates and revocation lists
    <pki-dir>/scec-signing.{key,cert}.pem signs receipts and answers
    <pki-dir>/scec-encryption.{key,cert}.pem  opens the containers centres send
    <root-dir>/root-ca.key.pem            the root key: default <pki-dir>/root, meant to be
                                          moved offline once ``xmserver init`` is done

Every private key is PKCS#8 encrypted with the passphrase from
``XMSERVER_KEY_PASSPHRASE``; without it nothing starts (a clear refusal).  The
folder is created 0700.  See ``docs/pki.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common.i18n import translator
from common.pki.authority import (
    SCEC_COPIES_CODE,
    CountryAuthority,
    create_country_authority,
    issue_centre_certificate,
)
from common.pki.errors import PkiError
from common.pki.identifiers import certificate_key_identifier
from common.pki.keys import (
    generate_key,
    read_private_key,
    write_file_atomically,
    write_private_key,
)
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey

tr = translator("scec")

PASSPHRASE_ENV = "XMSERVER_KEY_PASSPHRASE"  # noqa: S105 (a variable name)
PKI_DIR_ENV = "XMSERVER_PKI_DIR"
ROOT_KEY = "root-ca.key.pem"
_PEM = serialization.Encoding.PEM


def default_pki_dir() -> Path:
    """``$XMSERVER_PKI_DIR``, else ``$XDG_DATA_HOME/xmserver/pki`` (``~/.local/share/…``)."""
    if os.environ.get(PKI_DIR_ENV):
        return Path(os.environ[PKI_DIR_ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "xmserver" / "pki"


def passphrase_from_env() -> bytes:
    value = os.environ.get(PASSPHRASE_ENV)
    if not value:
        raise PkiError("passphrase_required",
                       tr("Set {env} to the passphrase protecting the SCEC's private keys",
                          env=PASSPHRASE_ENV), field=PASSPHRASE_ENV)
    return value.encode("utf-8")


@dataclass(frozen=True)
class ScecPki:
    """The SCEC's working keys (the root key is not needed day to day)."""

    root_certificate: x509.Certificate
    issuing_certificate: x509.Certificate
    issuing_key: ec.EllipticCurvePrivateKey
    signing_certificate: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey
    encryption_certificate: x509.Certificate
    encryption_key: ec.EllipticCurvePrivateKey

    @property
    def ca_certificates(self) -> tuple[x509.Certificate, x509.Certificate]:
        return (self.issuing_certificate, self.root_certificate)

    def recipient_key(self) -> RecipientKey:
        """How ``open_container`` finds the SCEC's encryption key (named as its certificate is)."""
        return RecipientKey(
            self.encryption_key, certificate_key_identifier(self.encryption_certificate),
            self.encryption_certificate.issuer.public_bytes(),
            self.encryption_certificate.serial_number,
        )

    def sender_key(self) -> SenderKey:
        return SenderKey(self.signing_key,
                         certificate_key_identifier(self.signing_certificate))

    @staticmethod
    def recipient_for(centre_certificate: x509.Certificate) -> RecipientCertificate:
        return RecipientCertificate.of(centre_certificate)


_FILES = {
    "issuing": "issuing-ca", "signing": "scec-signing", "encryption": "scec-encryption",
}


def init_pki(pki_dir: Path, country: str, organisation: str, passphrase: bytes,
             root_dir: Path | None = None) -> CountryAuthority:
    """Create the country's PKI in ``pki_dir``; refuse if one is already there."""
    if (pki_dir / "ca.pem").exists():
        raise PkiError("pki_exists", tr("A PKI already exists in {path}", path=str(pki_dir)))
    authority = create_country_authority(country, organisation)
    pki_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(pki_dir, 0o700)
    root_dir = root_dir or pki_dir / "root"
    root_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(root_dir, 0o700)
    write_private_key(root_dir / ROOT_KEY, authority.root_key, passphrase)
    pairs = {
        "issuing": (authority.issuing_key, authority.issuing_certificate),
        "signing": (authority.signing_key, authority.signing_certificate),
        "encryption": (authority.encryption_key, authority.encryption_certificate),
    }
    for role, (key, cert) in pairs.items():
        write_private_key(pki_dir / f"{_FILES[role]}.key.pem", key, passphrase)
        write_file_atomically(pki_dir / f"{_FILES[role]}.cert.pem", cert.public_bytes(_PEM))
    write_file_atomically(pki_dir / "root-ca.cert.pem",
                          authority.root_certificate.public_bytes(_PEM))
    write_file_atomically(pki_dir / "ca.pem",
                          authority.issuing_certificate.public_bytes(_PEM)
                          + authority.root_certificate.public_bytes(_PEM))
    return authority


def load_pki(pki_dir: Path, passphrase: bytes | None = None) -> ScecPki:
    """Load the SCEC's working keys; refuse clearly if ``xmserver init`` was not run."""
    if not (pki_dir / "ca.pem").exists():
        raise PkiError("pki_missing",
                       tr("No PKI in {path}: run xmserver init first", path=str(pki_dir)))
    passphrase = passphrase or passphrase_from_env()

    def cert(name: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate((pki_dir / f"{name}.cert.pem").read_bytes())

    def key(name: str) -> ec.EllipticCurvePrivateKey:
        return read_private_key(pki_dir / f"{name}.key.pem", passphrase)

    return ScecPki(
        root_certificate=cert("root-ca"),
        issuing_certificate=cert("issuing-ca"), issuing_key=key("issuing-ca"),
        signing_certificate=cert("scec-signing"), signing_key=key("scec-signing"),
        encryption_certificate=cert("scec-encryption"), encryption_key=key("scec-encryption"),
    )


_COPIES = "scec-copies"
#: A copy-signing certificate this close to its end is replaced before signing.
_COPIES_RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class CopySigner:
    """What signs the copies the SCEC issues (``printdesigner.qr.Signer``)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    ca_certificates: tuple[x509.Certificate, ...]


def copy_signer(pki_dir: Path, pki: ScecPki, passphrase: bytes | None = None,
                now: dt.datetime | None = None) -> CopySigner:
    """The SCEC's key for printed copies, made (or renewed) on first use.

    Its certificate is issued by the country's issuing CA in the centres' very
    profile, for the reserved code ``SCEC_COPIES_CODE``: a copy issued at the SCEC
    carries the same verification code as a centre's and ``ecr verify`` checks it
    with the same CA certificates.  Copies signed by an earlier such certificate
    still verify (each code carries its certificate).
    """
    now = now or dt.datetime.now(dt.UTC)
    passphrase = passphrase or passphrase_from_env()
    cert_path, key_path = pki_dir / f"{_COPIES}.cert.pem", pki_dir / f"{_COPIES}.key.pem"
    cas = (pki.issuing_certificate, pki.root_certificate)
    if cert_path.exists() and key_path.exists():
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if certificate.not_valid_after_utc - _COPIES_RENEW_BEFORE > now:
            return CopySigner(read_private_key(key_path, passphrase), certificate, cas)
    key = generate_key()
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                           SCEC_COPIES_CODE)]))
               .sign(key, hashes.SHA256()))
    certificate = issue_centre_certificate(pki.issuing_key, pki.issuing_certificate, request,
                                           SCEC_COPIES_CODE, now)
    write_private_key(key_path, key, passphrase)
    write_file_atomically(cert_path, certificate.public_bytes(_PEM))
    return CopySigner(key, certificate, cas)


def export_public(pki: ScecPki, out_dir: Path) -> list[Path]:
    """Write the public certificates (for audit, centres, and checking printed copies)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "root-ca.cert.pem": pki.root_certificate,
        "issuing-ca.cert.pem": pki.issuing_certificate,
        "scec-signing.cert.pem": pki.signing_certificate,
        "scec-encryption.cert.pem": pki.encryption_certificate,
    }
    written = []
    for name, certificate in files.items():
        path = out_dir / name
        write_file_atomically(path, certificate.public_bytes(_PEM))
        written.append(path)
    chain = out_dir / "ca.pem"
    write_file_atomically(chain, pki.issuing_certificate.public_bytes(_PEM)
                          + pki.root_certificate.public_bytes(_PEM))
    written.append(chain)
    return written
