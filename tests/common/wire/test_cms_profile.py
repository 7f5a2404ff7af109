"""What ECR writes in its CMS, byte for byte where it matters, and what it still reads.

ECR writes 8-byte key identifiers (RFC 5280 method 2), AES-128 (wrap and CBC),
and SHA-2 / ECDSA AlgorithmIdentifiers without parameters (RFC 5754 §2,
RFC 5758 §3.2); it still reads NULL parameters, AES-192/256 and certificates
carrying 20-byte (method 1) identifiers.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import algos, core
from asn1crypto import cms as a_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common.pki.identifiers import certificate_key_identifier, subject_key_identifier
from common.pki.keys import generate_key
from common.wire import cms, compression
from common.wire.container import RecipientCertificate, SenderKey, open_container, seal
from common.wire.message import Kind
from common.wire.trust import StaticDirectory
from tests.common.pki import factory

SHA256_ABSENT = bytes.fromhex("300b0609608648016503040201")  # SEQUENCE { sha256 }
ECDSA_SHA256_ABSENT = bytes.fromhex("300a06082a8648ce3d040302")  # SEQUENCE { ecdsa-with-SHA256 }


def _sealed(ca, centre, body: bytes = b"body") -> bytes:
    return seal(Kind.ACT_BATCH, "123456", 1, body, centre.sender, factory.scec_certificate(ca),
                dictionary=compression.STORED)[1]


def test_the_key_identifier_is_rfc_5280_method_2():
    key = generate_key()
    point = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    sha1 = hashlib.sha1(point).digest()
    expected = bytes([0x40 | (sha1[12] & 0x0F)]) + sha1[13:]
    assert subject_key_identifier(key.public_key()) == expected
    assert len(expected) == 8


def test_the_envelope_names_the_recipient_in_8_bytes_and_uses_aes_128(ca, centre):
    info = a_cms.ContentInfo.load(_sealed(ca, centre))
    enveloped = info["content"]
    kari = enveloped["recipient_infos"][0].chosen
    wrap = kari["key_encryption_algorithm"]["parameters"]
    assert wrap.dump() == bytes.fromhex("300b0609608648016503040105")  # id-aes128-wrap, absent
    rek = kari["recipient_encrypted_keys"][0]
    rid = rek["rid"].chosen["subject_key_identifier"].native
    assert rid == certificate_key_identifier(ca.encryption_certificate)
    assert len(rid) == 8
    assert len(rek["encrypted_key"].native) == 24  # a 16-byte key wrapped (RFC 3394)
    algorithm = enveloped["encrypted_content_info"]["content_encryption_algorithm"]
    assert algorithm["algorithm"].native == "aes128_cbc"


def test_the_signature_names_the_signer_in_8_bytes_and_writes_no_null_parameters(ca, centre):
    signed_der = cms.open_envelope(_sealed(ca, centre), factory.scec_recipient(ca))
    signed = a_cms.ContentInfo.load(signed_der)["content"]
    assert [d.dump() for d in signed["digest_algorithms"]] == [SHA256_ABSENT]
    signer = signed["signer_infos"][0]
    assert signer["sid"].chosen.native == certificate_key_identifier(centre.certificate)
    assert len(signer["sid"].chosen.native) == 8
    assert signer["digest_algorithm"].dump() == SHA256_ABSENT
    assert signer["signature_algorithm"].dump() == ECDSA_SHA256_ABSENT


def test_null_parameters_are_still_read(ca, centre):
    content = b"ECR\x01 anything: the structure is what is tested here"
    signature = centre.key.sign(content, ec.ECDSA(hashes.SHA256()))
    null_sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})  # asn1crypto adds NULL
    assert null_sha256.dump() == SHA256_ABSENT[:1] + b"\x0d" + SHA256_ABSENT[2:] + b"\x05\x00"
    signed = a_cms.SignedData({
        "version": "v3",
        "digest_algorithms": [null_sha256],
        "encap_content_info": {"content_type": "data", "content": content},
        "signer_infos": [{
            "version": "v3",
            "sid": a_cms.SignerIdentifier({
                "subject_key_identifier": centre.sender.key_identifier}),
            "digest_algorithm": null_sha256,
            "signature_algorithm": algos.SignedDigestAlgorithm({
                "algorithm": "sha256_ecdsa", "parameters": core.Null()}),
            "signature": signature,
        }],
    })
    der = a_cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    assert der.count(b"\x05\x00") >= 3
    read = cms.read_signed(der)
    assert read.content == content
    read.verify(centre.key.public_key())


@pytest.mark.parametrize(("wrap", "cbc"), [("aes256_wrap", "aes256_cbc"),
                                           ("aes192_wrap", "aes192_cbc"),
                                           ("aes128_wrap", "aes256_cbc")])
def test_aes_192_and_256_are_still_read(ca, centre, monkeypatch, wrap, cbc):
    """Containers ECR sealed before the switch (AES-256) and OpenSSL's other choices open."""
    monkeypatch.setattr(cms, "_WRAP", wrap)
    monkeypatch.setattr(cms, "_CBC", cbc)
    data = _sealed(ca, centre, b"sealed with the old profile")
    enveloped = a_cms.ContentInfo.load(data)["content"]
    assert enveloped["encrypted_content_info"]["content_encryption_algorithm"][
        "algorithm"].native == cbc
    monkeypatch.undo()
    opened = open_container(data, factory.scec_recipient(ca), factory.directory(centre))
    assert opened.body == b"sealed with the old profile"


def _legacy(certificate: x509.Certificate, issuer_key) -> x509.Certificate:
    """``certificate`` re-issued as before method 2: a 20-byte SHA-1 subjectKeyIdentifier."""
    builder = (x509.CertificateBuilder().subject_name(certificate.subject)
               .issuer_name(certificate.issuer).public_key(certificate.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(certificate.not_valid_before_utc)
               .not_valid_after(certificate.not_valid_after_utc)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                   certificate.public_key()), critical=False))  # type: ignore[arg-type]
    for extension in certificate.extensions:
        if not isinstance(extension.value, x509.SubjectKeyIdentifier):
            builder = builder.add_extension(extension.value, extension.critical)
    return builder.sign(issuer_key, hashes.SHA256())


def test_certificates_with_20_byte_identifiers_still_seal_and_open(ca, centre):
    """Certificates issued before the switch keep working: CMS names them as they say."""
    old_centre = _legacy(centre.certificate, ca.issuing_key)
    old_scec = _legacy(ca.encryption_certificate, ca.issuing_key)
    assert len(certificate_key_identifier(old_centre)) == 20
    recipient = RecipientCertificate.of(old_scec)
    assert recipient.key_identifier == certificate_key_identifier(old_scec)
    _, data = seal(Kind.ACT_BATCH, "123456", 1, b"old certificates",
                   SenderKey(centre.key, certificate_key_identifier(old_centre)), recipient,
                   created=dt.datetime.now(dt.UTC), dictionary=compression.STORED)
    opened = open_container(
        data, cms.RecipientKey(ca.encryption_key, certificate_key_identifier(old_scec)),
        StaticDirectory.of([("123456", old_centre)]))
    assert opened.body == b"old certificates"
