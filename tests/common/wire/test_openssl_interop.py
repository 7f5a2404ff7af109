"""Interoperability with the real ``openssl cms`` (OpenSSL 3), both directions.

These are the proof that a container is standard CMS: OpenSSL decrypts ECR's
container with the SCEC key and verifies the centre's signature against the
country CA; and a container OpenSSL produces for the SCEC opens in ECR.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest

from common.wire import compression
from common.wire.container import open_container, seal
from common.wire.message import Header, Kind, decode_message, encode_message
from tests.common.pki import factory

PASS = "openssl-test-passphrase"


def openssl(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"openssl {' '.join(args)} failed: {result.stderr}"
    return result


@pytest.fixture
def files(ca, centre, tmp_path: Path):
    return {
        "ca": factory.write_pem(tmp_path / "ca.pem", ca.issuing_certificate, ca.root_certificate),
        "scec": factory.write_pem(tmp_path / "scec-encryption.pem", ca.encryption_certificate),
        "scec_key": factory.write_key(tmp_path / "scec-encryption.key", ca.encryption_key,
                                      PASS.encode()),
        "centre": factory.write_pem(tmp_path / "centre.pem", centre.certificate),
        "centre_key": factory.write_key(tmp_path / "centre.key", centre.key),
        "dir": tmp_path,
    }


def test_openssl_decrypts_an_ecr_container_and_verifies_its_signature(ca, centre, files):
    body = "Naissance de Aïssatou Ndiaye, née à Thiès".encode() * 4
    message_id, container = seal(Kind.ACT_BATCH, "123456", 42, body, centre.sender,
                                 factory.scec_certificate(ca), dictionary=compression.STORED)
    d = files["dir"]
    (d / "container.der").write_bytes(container)
    openssl("cms", "-decrypt", "-inform", "DER", "-in", str(d / "container.der"),
            "-recip", str(files["scec"]), "-inkey", str(files["scec_key"]),
            "-passin", f"pass:{PASS}", "-binary", "-out", str(d / "signed.der"))
    verified = openssl("cms", "-verify", "-inform", "DER", "-in", str(d / "signed.der"),
                       "-certfile", str(files["centre"]), "-CAfile", str(files["ca"]),
                       "-binary", "-out", str(d / "content.bin"))
    assert "Verification successful" in verified.stderr
    header, packed = decode_message((d / "content.bin").read_bytes())
    assert (header.centre, header.sequence, header.message_id) == ("123456", 42, message_id)
    assert packed == body


def test_openssl_refuses_an_ecr_container_signed_by_another_country(ca, files):
    foreign_ca = factory.authority()
    foreign = factory.centre(foreign_ca, "123456")
    _, container = seal(Kind.ACT_BATCH, "123456", 1, b"x", foreign.sender,
                        factory.scec_certificate(ca), dictionary=compression.STORED)
    d = files["dir"]
    (d / "c.der").write_bytes(container)
    openssl("cms", "-decrypt", "-inform", "DER", "-in", str(d / "c.der"), "-recip",
            str(files["scec"]), "-inkey", str(files["scec_key"]), "-passin", f"pass:{PASS}",
            "-binary", "-out", str(d / "s.der"))
    factory.write_pem(d / "foreign.pem", foreign.certificate)
    result = subprocess.run(["openssl", "cms", "-verify", "-inform", "DER", "-in", str(d / "s.der"),
                             "-certfile", str(d / "foreign.pem"), "-CAfile", str(files["ca"]),
                             "-binary", "-out", str(d / "o.bin")], capture_output=True, text=True)
    assert result.returncode != 0


def _openssl_container(files, content: bytes, *, sign_opts, encrypt_opts) -> bytes:
    d = files["dir"]
    (d / "content.bin").write_bytes(content)
    openssl("cms", "-sign", "-binary", "-nodetach", "-md", "sha256", *sign_opts,
            "-signer", str(files["centre"]), "-inkey", str(files["centre_key"]),
            "-in", str(d / "content.bin"), "-outform", "DER", "-out", str(d / "signed.der"))
    openssl("cms", "-encrypt", "-binary", *encrypt_opts[:-2], "-recip", str(files["scec"]),
            *encrypt_opts[-2:], "-in", str(d / "signed.der"), "-outform", "DER",
            "-out", str(d / "enveloped.der"))
    return (d / "enveloped.der").read_bytes()


@pytest.mark.parametrize(("sign_opts", "encrypt_opts"), [
    # ECR's own profile: key identifiers, no attributes, no certificates, SHA-256 KDF, AES-128
    (["-keyid", "-noattr", "-nocerts"], ["-keyid", "-aes128", "-keyopt", "ecdh_kdf_md:sha256"]),
    # the same with AES-256, as ECR wrote before: still read
    (["-keyid", "-noattr", "-nocerts"], ["-keyid", "-aes256", "-keyopt", "ecdh_kdf_md:sha256"]),
    # OpenSSL's defaults: issuer+serial, signed attributes, embedded certificate, SHA-1 KDF
    ([], ["-aes128", "-stream", "-keyopt", "ecdh_kdf_md:sha1"]),
], ids=["ecr-profile", "aes256", "openssl-defaults"])
def test_a_container_made_by_openssl_for_the_scec_is_accepted(ca, centre, files, sign_opts,
                                                               encrypt_opts):
    message_id = uuid.uuid4()
    body = b"acts produced by another implementation"
    header = Header(Kind.ACT_BATCH, "123456", 7, message_id, int(__import__("time").time()),
                    compression.STORED, len(body))
    container = _openssl_container(files, encode_message(header, body), sign_opts=sign_opts,
                                   encrypt_opts=encrypt_opts)
    opened = open_container(container, factory.scec_recipient(ca), factory.directory(centre))
    assert opened.header.message_id == message_id
    assert opened.signer.identity == "123456"
    assert opened.body == body
