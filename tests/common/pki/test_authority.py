"""The country's CA, centre keys at rest, and offline verification (real openssl too)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from common.pki import centre as centre_pki
from common.pki.authority import (
    RevokedEntry,
    build_centre_request,
    build_revocation_list,
    check_centre_code,
    check_centre_request,
    issue_centre_certificate,
)
from common.pki.errors import PkiError
from common.pki.identifiers import certificate_key_identifier, subject_key_identifier
from common.pki.keys import generate_key, read_private_key
from common.pki.verify import check_certificate, find_certificate, sign_detached, verify_with_chain
from tests.common.pki import factory


@pytest.fixture(scope="module")
def ca():
    return factory.authority()


def test_scec_certificates_chain_to_the_country_root(ca):
    for cert in (ca.signing_certificate, ca.encryption_certificate, ca.issuing_certificate):
        assert check_certificate(cert, [ca.issuing_certificate, ca.root_certificate]).ok


def test_openssl_accepts_the_chain_of_a_centre_certificate(ca, tmp_path):
    centre = factory.centre(ca)
    chain = factory.write_pem(tmp_path / "ca.pem", ca.issuing_certificate, ca.root_certificate)
    leaf = factory.write_pem(tmp_path / "centre.pem", centre.certificate)
    out = subprocess.run(["openssl", "verify", "-CAfile", str(chain), str(leaf)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("OK")


@pytest.mark.parametrize("code", ["12345", "1234567", "ABCDEF", "12 456", "", "12345é"])
def test_a_centre_code_must_be_six_digits(code):
    with pytest.raises(PkiError) as err:
        check_centre_code(code)
    assert err.value.rule == "centre_code_invalid"


def test_a_request_naming_another_centre_is_refused():
    der = build_centre_request(generate_key(), "111111")
    with pytest.raises(PkiError) as err:
        check_centre_request(der, "222222")
    assert err.value.rule == "request_centre_mismatch"


def test_a_damaged_request_is_refused():
    der = bytearray(build_centre_request(generate_key(), "111111"))
    der[-5] ^= 0xFF  # inside the signature
    with pytest.raises(PkiError) as err:
        check_centre_request(bytes(der), "111111")
    assert err.value.rule in {"request_invalid", "request_signature_invalid"}


def test_the_centre_key_is_stored_encrypted_and_needs_its_passphrase(tmp_path):
    keys = tmp_path / "keys"
    request = centre_pki.create_centre_key(keys, "123456", "correct horse")
    pem = (keys / centre_pki.KEY_FILE).read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert stat.S_IMODE(os.stat(keys / centre_pki.KEY_FILE).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(keys).st_mode) == 0o700
    key = read_private_key(keys / centre_pki.KEY_FILE, b"correct horse")
    csr = x509.load_der_x509_csr(request.der)
    assert subject_key_identifier(csr.public_key()) == subject_key_identifier(key.public_key())
    with pytest.raises(PkiError) as err:
        read_private_key(keys / centre_pki.KEY_FILE, b"wrong")
    assert err.value.rule == "key_passphrase_wrong"


def test_without_a_passphrase_the_machine_secret_protects_the_key(tmp_path, monkeypatch):
    monkeypatch.delenv("ECR_KEY_PASSPHRASE", raising=False)
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, "123456")
    secret = keys / "machine.secret"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    read_private_key(keys / centre_pki.KEY_FILE, secret.read_bytes().strip())


def test_the_passphrase_from_the_environment_leaves_no_secret_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("ECR_KEY_PASSPHRASE", "from the environment")
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, "123456")
    assert not (keys / "machine.secret").exists()
    read_private_key(keys / centre_pki.KEY_FILE, b"from the environment")


def test_an_existing_centre_key_is_never_overwritten(tmp_path):
    centre_pki.create_centre_key(tmp_path, "123456", "pw")
    with pytest.raises(PkiError) as err:
        centre_pki.create_centre_key(tmp_path, "123456", "pw")
    assert err.value.rule == "key_exists"


def _verdict(ca, case):
    centre = factory.centre(ca)
    data = b"COPIE INTEGRALE 1234562026000012347"
    signature = sign_detached(centre.key, data)
    cas = [ca.issuing_certificate, ca.root_certificate]
    crl = None
    at = None
    if case == "tampered":
        data = data + b"!"
    elif case == "revoked":
        crl = build_revocation_list(ca.issuing_key, ca.issuing_certificate,
                                    [RevokedEntry(centre.certificate.serial_number,
                                                  dt.datetime.now(dt.UTC))], 2)
    elif case == "expired":
        at = dt.datetime.now(dt.UTC) + dt.timedelta(days=3650)
    elif case == "other_country":
        cas = [factory.authority().issuing_certificate, factory.authority().root_certificate]
    elif case == "forged_crl":
        other = factory.authority()
        crl = build_revocation_list(other.issuing_key, other.issuing_certificate, [], 1)
    return verify_with_chain(signature, data, centre.certificate, cas, crl, at)


@pytest.mark.parametrize(("case", "reason"), [
    ("good", None),
    ("tampered", "signature_invalid"),
    ("revoked", "revoked"),
    ("expired", "expired"),
    ("other_country", "chain_invalid"),
    ("forged_crl", "revocation_list_invalid"),
])
def test_a_detached_signature_is_checked_offline_against_the_chain(ca, case, reason):
    verdict = _verdict(ca, case)
    assert verdict.ok is (reason is None)
    assert verdict.reason == reason
    if reason:
        assert verdict.message


def test_a_centre_certificate_is_found_offline_by_serial_or_key_identifier(ca):
    a, b = factory.centre(ca, "111111"), factory.centre(ca, "222222")
    certs = [a.certificate, b.certificate]
    assert find_certificate(certs, serial=b.certificate.serial_number) == b.certificate
    ski = subject_key_identifier(a.key.public_key())
    assert find_certificate(certs, key_identifier=ski) == a.certificate
    assert find_certificate(certs, serial=1) is None


def test_openssl_reads_the_revocation_list(ca, tmp_path: Path):
    centre = factory.centre(ca)
    crl = build_revocation_list(ca.issuing_key, ca.issuing_certificate,
                                [RevokedEntry(centre.certificate.serial_number,
                                              dt.datetime.now(dt.UTC))], 7)
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "crl.pem").write_bytes(crl.public_bytes(Encoding.PEM))
    chain = factory.write_pem(tmp_path / "ca.pem", ca.issuing_certificate, ca.root_certificate)
    leaf = factory.write_pem(tmp_path / "centre.pem", centre.certificate)
    out = subprocess.run(["openssl", "verify", "-crl_check", "-CRLfile", str(tmp_path / "crl.pem"),
                          "-CAfile", str(chain), str(leaf)], capture_output=True, text=True)
    assert out.returncode != 0
    assert "revoked" in (out.stdout + out.stderr)


def _ski(cert: x509.Certificate) -> bytes:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.key_identifier


def _aki(cert: x509.Certificate | x509.CertificateRevocationList) -> bytes | None:
    return cert.extensions.get_extension_for_class(
        x509.AuthorityKeyIdentifier).value.key_identifier


def _method_2(cert: x509.Certificate) -> bytes:
    """RFC 5280 §4.2.1.2 method 2, computed here from the certificate's own DER."""
    from asn1crypto import x509 as a_x509

    tbs = a_x509.Certificate.load(cert.public_bytes(Encoding.DER))["tbs_certificate"]
    bits = tbs["subject_public_key_info"]["public_key"].contents[1:]  # after the unused-bits byte
    low60 = int.from_bytes(hashlib.sha1(bits).digest()[-8:], "big") & (2**60 - 1)
    return ((0b0100 << 60) | low60).to_bytes(8, "big")


def test_every_certificate_carries_an_8_byte_method_2_key_identifier(ca):
    centre = factory.centre(ca)
    issuer_of = {
        "root": (ca.root_certificate, ca.root_certificate),
        "issuing": (ca.issuing_certificate, ca.root_certificate),
        "signing": (ca.signing_certificate, ca.issuing_certificate),
        "encryption": (ca.encryption_certificate, ca.issuing_certificate),
        "centre": (centre.certificate, ca.issuing_certificate),
    }
    for name, (cert, issuer) in issuer_of.items():
        ski = _ski(cert)
        assert len(ski) == 8 and ski[0] >> 4 == 0b0100, name
        assert ski == _method_2(cert) == subject_key_identifier(cert.public_key()), name
        assert certificate_key_identifier(cert) == ski, name
        assert _aki(cert) == _ski(issuer), name
    crl = build_revocation_list(ca.issuing_key, ca.issuing_certificate, [], 3)
    assert _aki(crl) == _ski(ca.issuing_certificate)


def test_openssl_reads_the_same_key_identifier_from_a_certificate(ca, tmp_path):
    centre = factory.centre(ca)
    pem = factory.write_pem(tmp_path / "centre.pem", centre.certificate)
    out = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectKeyIdentifier",
                          "-in", str(pem)], capture_output=True, text=True, check=True)
    shown = out.stdout.splitlines()[-1].strip().replace(":", "").lower()
    assert shown == subject_key_identifier(centre.key.public_key()).hex()


def _legacy_issuing_certificate(ca) -> x509.Certificate:
    """The issuing CA as ECR made it before method 2: 20-byte SHA-1 identifiers."""
    from cryptography.hazmat.primitives import hashes

    old = ca.issuing_certificate
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.issuer)
               .public_key(ca.issuing_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(old.not_valid_before_utc).not_valid_after(old.not_valid_after_utc)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                   ca.issuing_key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                   ca.root_certificate.extensions.get_extension_for_class(
                       x509.SubjectKeyIdentifier).value), critical=False))
    for extension in old.extensions:
        if not isinstance(extension.value, x509.SubjectKeyIdentifier | x509.AuthorityKeyIdentifier):
            builder = builder.add_extension(extension.value, extension.critical)
    return builder.sign(ca.root_key, hashes.SHA256())


def test_a_ca_made_before_method_2_is_named_by_its_own_20_byte_identifier(ca, tmp_path):
    legacy = _legacy_issuing_certificate(ca)
    assert len(_ski(legacy)) == 20
    key = generate_key()
    csr = check_centre_request(build_centre_request(key, "123456"), "123456")
    cert = issue_centre_certificate(ca.issuing_key, legacy, csr, "123456")
    assert len(_ski(cert)) == 8
    assert _aki(cert) == _ski(legacy)
    crl = build_revocation_list(ca.issuing_key, legacy, [], 1)
    assert _aki(crl) == _ski(legacy)
    chain = factory.write_pem(tmp_path / "ca.pem", legacy, ca.root_certificate)
    leaf = factory.write_pem(tmp_path / "centre.pem", cert)
    out = subprocess.run(["openssl", "verify", "-CAfile", str(chain), str(leaf)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
