"""Revocation: the SCEC refuses a revoked centre everywhere, and centres learn of it."""

from __future__ import annotations

import json
import subprocess
import uuid

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from common.pki import centre as centre_pki
from common.pki.verify import check_certificate
from common.wire import compression
from common.wire.batches import open_revocation_list, seal_revocation_list
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey, open_container, seal
from common.wire.errors import ContainerRefused
from common.wire.message import Header, Kind
from common.wire.trust import StaticDirectory
from xmserver.centres import add_centre
from xmserver.directory import DatabaseDirectory, claim
from xmserver.enrollment import handle_enrollment

CODE = "123456"


def enrolled(scec, keys, code=CODE):
    centre_pki.create_centre_key(keys, code)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, code)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
    centre_pki.install_response(keys, response)
    return centre_pki.load_centre_identity(keys)


def stored_container(identity, sequence=1) -> bytes:
    sender = SenderKey(identity.key, identity.key_identifier)
    return seal(Kind.ACT_BATCH, identity.centre_code, sequence, b"acts", sender,
                RecipientCertificate.of(identity.scec_encryption),
                dictionary=compression.STORED)[1]


def test_a_revoked_centre_is_refused_everywhere(scec, xm, tmp_path):
    keys = tmp_path / "keys"
    identity = enrolled(scec, keys)
    container = stored_container(identity)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        assert open_container(container, scec.pki.recipient_key(), DatabaseDirectory(conn))
    code, out, err = xm("--json", "centre", "revoke", CODE, "--reason", "key stolen")
    assert code == 0, err
    assert json.loads(out)["revoked"] is True
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        directory = DatabaseDirectory(conn)
        with pytest.raises(ContainerRefused) as err:
            open_container(container, scec.pki.recipient_key(), directory)
        assert err.value.reason == "revoked_signer"
        # no new token, no enrollment, no renewal for a revoked centre
        with pytest.raises(Exception) as refused:
            add_centre(conn, CODE)
        assert getattr(refused.value, "rule", None) == "centre_revoked"
        renewal = handle_enrollment(conn, scec.pki, centre_pki.renewal_request(keys).to_bytes())
        assert renewal.reason == "centre_revoked"


def test_the_revocation_list_reaches_centres_and_openssl_honours_it(scec, xm, tmp_path):
    keys = tmp_path / "keys"
    identity = enrolled(scec, keys)
    other_keys = tmp_path / "other"
    other = enrolled(scec, other_keys, "654321")
    assert xm("centre", "revoke", CODE)[0] == 0
    export = tmp_path / "export"
    code, _, err = xm("pki", "export", str(export))
    assert code == 0, err
    crl_der = (export / "revocations.crl").read_bytes()
    crl = x509.load_der_x509_crl(crl_der)
    assert crl.get_revoked_certificate_by_serial_number(identity.certificate.serial_number)

    # the SCEC sends it to the other centre in a sealed container; that centre installs it
    _, data = seal_revocation_list(crl_der, centre="654321", sequence=1,
                                   sender=scec.pki.sender_key(),
                                   recipient=RecipientCertificate.of(other.certificate))
    scec_signers = StaticDirectory.of([("SCEC", other.scec_signing)])
    received = open_revocation_list(
        data, RecipientKey(other.key, other.key_identifier), scec_signers, own_centre="654321")
    centre_pki.install_revocation_list(other_keys, received)
    updated = centre_pki.load_centre_identity(other_keys)
    verdict = check_certificate(identity.certificate, updated.ca_certificates,
                                updated.revocation_list)
    assert (verdict.ok, verdict.reason) == (False, "revoked")

    (tmp_path / "crl.pem").write_bytes(crl.public_bytes(Encoding.PEM))
    result = subprocess.run(
        ["openssl", "verify", "-crl_check", "-CRLfile", str(tmp_path / "crl.pem"), "-CAfile",
         str(export / "ca.pem"), str(keys / centre_pki.CERT_FILE)], capture_output=True, text=True)
    assert result.returncode != 0 and "revoked" in result.stdout + result.stderr


def test_an_older_revocation_list_never_replaces_a_newer_one(scec, xm, tmp_path):
    keys = tmp_path / "keys"
    enrolled(scec, keys)
    first = (keys / centre_pki.CRL_FILE).read_bytes()
    assert xm("pki", "crl", "--out", str(tmp_path / "newer.crl"))[0] == 0
    centre_pki.install_revocation_list(keys, (tmp_path / "newer.crl").read_bytes())
    centre_pki.install_revocation_list(keys, first)
    assert (keys / centre_pki.CRL_FILE).read_bytes() == (tmp_path / "newer.crl").read_bytes()


def test_replays_are_judged_by_the_database_across_workers(scec, tmp_path):
    identity = enrolled(scec, tmp_path / "keys")
    container = stored_container(identity, sequence=9)
    with psycopg.connect(scec.dsn, autocommit=True) as worker_a, \
            psycopg.connect(scec.dsn, autocommit=True) as worker_b:
        opened = open_container(container, scec.pki.recipient_key(), DatabaseDirectory(worker_a))
        with worker_a.transaction():
            claim(worker_a, opened.header)
        # worker B received the same container (QoS 1 redelivery)
        with pytest.raises(ContainerRefused) as err:
            open_container(container, scec.pki.recipient_key(), DatabaseDirectory(worker_b))
        assert err.value.reason == "replay"
        # even when both checked before either claimed, only one claim succeeds
        twin = Header(Kind.ACT_BATCH, CODE, 9, uuid.uuid4(), opened.header.created,
                      compression.STORED, 4)
        with pytest.raises(ContainerRefused) as err, worker_b.transaction():
            claim(worker_b, twin)
        assert err.value.reason == "replay"


def test_pki_export_writes_what_an_auditor_needs(scec, xm, tmp_path):
    out = tmp_path / "audit"
    code, stdout, _ = xm("--json", "pki", "export", str(out))
    assert code == 0
    names = {p.rsplit("/", 1)[-1] for p in json.loads(stdout)}
    assert names == {"root-ca.cert.pem", "issuing-ca.cert.pem", "scec-signing.cert.pem",
                     "scec-encryption.cert.pem", "ca.pem", "revocations.crl"}
    assert not list(out.glob("*.key.pem"))
    for name in ("scec-signing.cert.pem", "scec-encryption.cert.pem"):
        result = subprocess.run(["openssl", "verify", "-CAfile", str(out / "ca.pem"),
                                 str(out / name)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
