"""The country's certificate authority: root, issuing CA, SCEC and centre certificates.

Pure certificate arithmetic on ``cryptography`` objects: nothing here reads or
writes a file or a database (``xmserver.pki_store`` keeps the keys, the SCEC
database keeps the issued certificates).  Profiles:

* root CA: self-signed, CA, path length 1, key usage keyCertSign + cRLSign, 20 years;
  its key can live offline once the issuing CA exists;
* issuing CA: signed by the root, path length 0, 10 years; signs centre
  certificates and the revocation list;
* SCEC signing (digitalSignature) and SCEC encryption (keyAgreement) certificates,
  5 years: the SCEC signs receipts with the first, centres seal for the second;
* centre certificate: subject CN = centre code, digitalSignature + keyAgreement
  (the same P-256 key signs containers, opens the SCEC's answers and
  authenticates to the broker), no extended key usage so that both the S/MIME
  (``openssl cms -verify``) and TLS-client purposes accept it, 2 years.

Every certificate carries a subjectKeyIdentifier of RFC 5280 method 2 (8 bytes,
``identifiers.subject_key_identifier``), the identifier CMS names its key by, and an
authorityKeyIdentifier equal to its issuer's subjectKeyIdentifier as the issuer
certificate carries it (so a centre certificate issued by a CA made before the
switch from method 1 still names its issuer's 20-byte identifier).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common.i18n import translator
from common.pki.errors import PkiError
from common.pki.identifiers import certificate_key_identifier, subject_key_identifier
from common.pki.keys import CURVE, generate_key

tr = translator("pki")

ROOT_YEARS = 20
ISSUING_YEARS = 10
SCEC_YEARS = 5
CENTRE_DAYS = 730
#: A certificate is renewed when fewer than this many days are left.
RENEWAL_WINDOW_DAYS = 60
#: Revocation lists are re-issued at least this often; a list older than that is stale.
CRL_VALIDITY_DAYS = 7
# Six digits, as in the NIU and common.acts' registration fields (centre_code);
# safe in MQTT topics and file names.
CENTRE_CODE = re.compile(r"^[0-9]{6}$")
_BACKDATE = dt.timedelta(minutes=5)  # tolerate small clock differences between machines


#: The code the SCEC's own copy-signing certificate names: no centre may take it, so a
#: copy issued at the SCEC verifies with the centres' very code (printed "000000").
SCEC_COPIES_CODE = "000000"


def check_centre_code(code: str) -> str:
    """Return ``code`` if it is a valid centre code, else refuse naming the rule."""
    if not isinstance(code, str) or not CENTRE_CODE.match(code):
        raise PkiError(
            "centre_code_invalid",
            tr("Centre code {code!r} is invalid: it must be 6 digits",
               code=code),
            field="centre_code",
        )
    if code == SCEC_COPIES_CODE:
        raise PkiError("centre_code_reserved",
                       tr("Centre code {code} is reserved for the copies the SCEC issues",
                          code=code), field="centre_code")
    return code


@dataclass(frozen=True)
class CountryAuthority:
    """What ``xmserver init`` creates: four key pairs and their certificates."""

    root_key: ec.EllipticCurvePrivateKey
    root_certificate: x509.Certificate
    issuing_key: ec.EllipticCurvePrivateKey
    issuing_certificate: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey
    signing_certificate: x509.Certificate
    encryption_key: ec.EllipticCurvePrivateKey
    encryption_certificate: x509.Certificate


def _name(country: str, organisation: str, common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, country),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(*, sign: bool = False, agree: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=agree, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )


def _authority_key_identifier(issuer_key_identifier: bytes) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier(key_identifier=issuer_key_identifier,
                                       authority_cert_issuer=None,
                                       authority_cert_serial_number=None)


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey,
             issuer_key_identifier: bytes, now: dt.datetime,
             lifetime: dt.timedelta) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + lifetime)
        .add_extension(x509.SubjectKeyIdentifier(subject_key_identifier(public_key)),
                       critical=False)
        .add_extension(_authority_key_identifier(issuer_key_identifier), critical=False)
    )


def _years(n: int) -> dt.timedelta:
    return dt.timedelta(days=365 * n + n // 4)


def create_country_authority(country: str, organisation: str,
                             now: dt.datetime | None = None) -> CountryAuthority:
    """Create the root, the issuing CA and the SCEC's signing and encryption certificates."""
    if not re.fullmatch(r"[A-Z]{2}", country or ""):
        raise PkiError("country_invalid",
                       tr("Country must be an ISO 3166-1 alpha-2 code such as SN"), field="country")
    if not organisation.strip():
        raise PkiError("organisation_required", tr("The organisation name is required"),
                       field="organisation")
    now = now or dt.datetime.now(dt.UTC)
    root_key, issuing_key = generate_key(), generate_key()
    signing_key, encryption_key = generate_key(), generate_key()
    root_name = _name(country, organisation, f"ECR Root CA {country}")
    issuing_name = _name(country, organisation, f"ECR Issuing CA {country}")

    root = (
        _builder(root_name, root_name, root_key.public_key(),
                 subject_key_identifier(root_key.public_key()), now, _years(ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    issuing = (
        _builder(issuing_name, root_name, issuing_key.public_key(),
                 certificate_key_identifier(root), now, _years(ISSUING_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )

    def scec(cn: str, key: ec.EllipticCurvePrivateKey, usage: x509.KeyUsage) -> x509.Certificate:
        return (
            _builder(_name(country, organisation, cn), issuing_name, key.public_key(),
                     certificate_key_identifier(issuing), now, _years(SCEC_YEARS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(issuing_key, hashes.SHA256())
        )

    return CountryAuthority(
        root_key, root, issuing_key, issuing,
        signing_key, scec(f"SCEC signing {country}", signing_key, _key_usage(sign=True)),
        encryption_key, scec(f"SCEC encryption {country}", encryption_key, _key_usage(agree=True)),
    )


def centre_code_of(certificate: x509.Certificate | x509.CertificateSigningRequest) -> str | None:
    """The centre code a certificate or request names (its subject CN), if any."""
    values = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if len(values) != 1:
        return None
    value = values[0].value
    return value if isinstance(value, str) else None


def build_centre_request(key: ec.EllipticCurvePrivateKey, centre_code: str) -> bytes:
    """A PKCS#10 request (DER) for a centre key: subject CN = centre code."""
    check_centre_code(centre_code)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, centre_code)]))
        .sign(key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    return csr.public_bytes(Encoding.DER)


def check_centre_request(der: bytes, centre_code: str) -> x509.CertificateSigningRequest:
    """Parse and check a centre's request: well-formed, self-signed, P-256, CN = ``centre_code``."""
    try:
        csr = x509.load_der_x509_csr(der)
    except ValueError:
        raise PkiError("request_invalid",
                       tr("The certificate request is not a valid PKCS#10 request")) from None
    if not csr.is_signature_valid:
        raise PkiError("request_signature_invalid",
                       tr("The certificate request's signature is not valid"))
    key = csr.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, CURVE):
        raise PkiError("request_key_type", tr("The certificate request's key is not a P-256 key"))
    if centre_code_of(csr) != centre_code:
        raise PkiError(
            "request_centre_mismatch",
            tr("The certificate request names centre {named!r}, not {code!r}",
               named=centre_code_of(csr), code=centre_code),
        )
    return csr


def issue_centre_certificate(issuing_key: ec.EllipticCurvePrivateKey,
                             issuing_certificate: x509.Certificate,
                             csr: x509.CertificateSigningRequest, centre_code: str,
                             now: dt.datetime | None = None,
                             validity_days: int = CENTRE_DAYS) -> x509.Certificate:
    """Issue a centre certificate for a request already checked by ``check_centre_request``."""
    now = now or dt.datetime.now(dt.UTC)
    public_key = csr.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    country = issuing_certificate.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    organisation = issuing_certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    subject = x509.Name([
        *(x509.NameAttribute(NameOID.COUNTRY_NAME, str(a.value)) for a in country),
        *(x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(a.value)) for a in organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, centre_code),
    ])
    return (
        _builder(subject, issuing_certificate.subject, public_key,
                 certificate_key_identifier(issuing_certificate), now,
                 dt.timedelta(days=validity_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True, agree=True), critical=True)
        .sign(issuing_key, hashes.SHA256())
    )


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified


def build_revocation_list(issuing_key: ec.EllipticCurvePrivateKey,
                          issuing_certificate: x509.Certificate,
                          revoked: Iterable[RevokedEntry], number: int,
                          now: dt.datetime | None = None,
                          validity_days: int = CRL_VALIDITY_DAYS) -> x509.CertificateRevocationList:
    """A signed X.509 CRL listing every revoked centre certificate, numbered ``number``."""
    now = now or dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuing_certificate.subject)
        .last_update(now - _BACKDATE)
        .next_update(now + dt.timedelta(days=validity_days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            _authority_key_identifier(certificate_key_identifier(issuing_certificate)),
            critical=False,
        )
    )
    for entry in revoked:
        revoked_cert = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
        )
        if entry.reason is not x509.ReasonFlags.unspecified:
            revoked_cert = revoked_cert.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(revoked_cert.build())
    return builder.sign(issuing_key, hashes.SHA256())


#: Broker and worker certificates: renewed with the broker configuration.
SERVICE_DAYS = 397


def issue_service_certificate(issuing_key: ec.EllipticCurvePrivateKey,
                              issuing_certificate: x509.Certificate,
                              public_key: ec.EllipticCurvePublicKey, common_name: str, *,
                              server_names: Iterable[str] = (), client: bool = False,
                              now: dt.datetime | None = None,
                              validity_days: int = SERVICE_DAYS) -> x509.Certificate:
    """A TLS certificate for one of the SCEC's own services, issued by the issuing CA.

    With ``server_names`` it is a server certificate (``serverAuth``; the names,
    DNS names or IP addresses, in subjectAltName, which is what clients check);
    with ``client`` a client certificate (``clientAuth``) whose CN is the MQTT
    user name the broker's ACL knows (``xmserver`` for the workers).  Its CN is
    never six digits, so it can never be taken for a centre.
    """
    import ipaddress

    if re.fullmatch(r"[0-9]{6}", common_name):
        raise ValueError("a service certificate cannot carry a centre code as its name")
    now = now or dt.datetime.now(dt.UTC)
    country = issuing_certificate.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)
    organisation = issuing_certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    subject = x509.Name([
        *(x509.NameAttribute(NameOID.COUNTRY_NAME, str(a.value)) for a in country),
        *(x509.NameAttribute(NameOID.ORGANIZATION_NAME, str(a.value)) for a in organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    usages = []
    names: list[x509.GeneralName] = []
    for name in server_names:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            names.append(x509.DNSName(name))
    if names:
        usages.append(x509.oid.ExtendedKeyUsageOID.SERVER_AUTH)
    if client:
        usages.append(x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH)
    if not usages:
        raise ValueError("a service certificate is for a server, a client or both")
    builder = (
        _builder(subject, issuing_certificate.subject, public_key,
                 certificate_key_identifier(issuing_certificate), now,
                 dt.timedelta(days=validity_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuing_key, hashes.SHA256())


#: A centre's database server certificate (and the root made for it only).
DATABASE_SERVER_YEARS = 5


def create_database_server_certificate(centre_code: str, server_names: Iterable[str],
                                       now: dt.datetime | None = None
                                       ) -> tuple[x509.Certificate,
                                                  ec.EllipticCurvePrivateKey,
                                                  x509.Certificate]:
    """A root certificate, and a TLS server key and certificate it signs, for a centre's database.

    Returns ``(root, server_key, server_certificate)``.  The root's key signs
    the one server certificate and is then forgotten: nothing can ever sign
    another server under this root, so a stolen workstation or backup holds no
    key that could make a fake server its workstations would trust (issue 11,
    finding 8).  Renewing (every :data:`DATABASE_SERVER_YEARS` years, or after
    a server name changes) means a new root, given to the workstations again.
    The names (DNS names or IP addresses) are what workstations type as
    ``host``; libpq's ``verify-full`` checks them against subjectAltName.
    """
    check_centre_code(centre_code)
    names = [n.strip() for n in server_names if n.strip()]
    if not names:
        raise PkiError("server_name_required",
                       tr("Give at least one name by which workstations reach the server"),
                       field="server_name")
    now = now or dt.datetime.now(dt.UTC)
    root_key, server_key = generate_key(), generate_key()
    organisation = f"ECR centre {centre_code}"
    root_name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, f"ECR database root {centre_code}"),
    ])
    root = (
        _builder(root_name, root_name, root_key.public_key(),
                 subject_key_identifier(root_key.public_key()), now,
                 _years(DATABASE_SERVER_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    server = issue_service_certificate(
        root_key, root, server_key.public_key(), f"ECR database {centre_code}",
        server_names=names, now=now, validity_days=365 * DATABASE_SERVER_YEARS)
    del root_key
    return root, server_key, server
