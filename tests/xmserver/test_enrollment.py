"""Enrollment of centres at the SCEC: online (MQTT v5, real Mosquitto), offline, renewal.

Real PostgreSQL (a fresh database per test), real broker, real keys; the centre
side runs the real ``ecr enroll`` command, the SCEC side the real ``xmserver``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from common.pki import centre as centre_pki
from common.pki.enrollment import EnrollmentResponse
from common.pki.keys import read_private_key
from common.pki.verify import check_certificate, sign_detached
from common.transport.mqtt import BrokerAddress
from common.wire.batches import open_act_batch, seal_act_batch
from common.wire.container import RecipientCertificate, SenderKey
from tests.conftest import MQTT_HOST, MQTT_PORT
from xmserver.centres import add_centre
from xmserver.directory import DatabaseDirectory
from xmserver.enrollment import handle_enrollment
from xmserver.service import EnrollmentService

CODE = "123456"


def token_of(out: str) -> str:
    return json.loads(out)["token"]


@pytest.fixture
def service(scec, mqtt_topic_prefix):
    root = f"{mqtt_topic_prefix}/ecr"
    svc = EnrollmentService(scec.dsn, scec.pki, BrokerAddress(MQTT_HOST, MQTT_PORT), root)
    svc.start()
    yield root
    svc.stop()


def online(ecr, keys, root, *extra):
    return ecr("--json", "enroll", "--keys-dir", str(keys), "--broker",
               f"{MQTT_HOST}:{MQTT_PORT}", "--topic-root", root, "--timeout", "20", *extra)


def test_xmserver_init_makes_an_encrypted_pki_and_refuses_to_redo_it(scec, xm):
    for name in ("issuing-ca", "scec-signing", "scec-encryption"):
        assert b"ENCRYPTED PRIVATE KEY" in (scec.pki_dir / f"{name}.key.pem").read_bytes()
    assert b"ENCRYPTED" in (scec.pki_dir / "root" / "root-ca.key.pem").read_bytes()
    code, _, err = xm("init", "--country", "SN", "--organisation", "x")
    assert code == 1 and "(pki_exists)" in err


def test_xmserver_refuses_to_start_without_the_key_passphrase(scec, xm, monkeypatch):
    monkeypatch.delenv("XMSERVER_KEY_PASSPHRASE")
    code, _, err = xm("centre", "revoke", CODE)
    assert code == 1 and "XMSERVER_KEY_PASSPHRASE" in err


def test_a_centre_enrolls_online_with_its_one_time_token(scec, xm, ecr, service, tmp_path):
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    code, out, _ = xm("--json", "centre", "add", CODE, "--name", "Dakar-Plateau")
    assert code == 0
    code, out, err = online(ecr, keys, service, "--token", token_of(out))
    assert code == 0, err
    assert json.loads(out)["status"] == "enrolled"
    identity = centre_pki.load_centre_identity(keys)
    assert identity.centre_code == CODE
    assert check_certificate(identity.certificate, identity.ca_certificates,
                             identity.revocation_list).ok
    code, out, _ = xm("--json", "centre", "list")
    [row] = json.loads(out)
    assert row["status"] == "active"
    assert row["certificate_serial"] == format(identity.certificate.serial_number, "x")


def test_a_used_token_is_refused_online(scec, xm, ecr, service, tmp_path):
    _, out, _ = xm("--json", "centre", "add", CODE)
    token = token_of(out)
    first, second = tmp_path / "first", tmp_path / "second"
    centre_pki.create_centre_key(first, CODE)
    centre_pki.create_centre_key(second, CODE)
    assert online(ecr, first, service, "--token", token)[0] == 0
    code, _, err = online(ecr, second, service, "--token", token)
    assert code == 1
    assert json.loads(err)["rule"] == "token_used"
    assert not (second / centre_pki.CERT_FILE).exists()


def test_an_expired_token_is_refused(scec, tmp_path):
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
        token = add_centre(conn, CODE, token_hours=1, now=long_ago)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
    assert (response.status, response.reason) == ("refused", "token_expired")


@pytest.mark.parametrize(("token", "reason"), [("AAAA-BBBB-CCCC-DDDD-EEEE", "token_invalid")])
def test_a_wrong_token_is_refused(scec, tmp_path, token, reason):
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        add_centre(conn, CODE)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
    assert response.reason == reason


def test_a_request_on_another_centre_s_topic_is_refused(scec, tmp_path):
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, CODE)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes(),
                                     topic_centre="654321")
    assert response.reason == "centre_mismatch"


def test_two_simultaneous_uses_of_one_token_give_one_certificate(scec, tmp_path):
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, CODE)
    requests = []
    for name in ("a", "b", "c"):
        centre_pki.create_centre_key(tmp_path / name, CODE)
        requests.append(centre_pki.enrollment_request(tmp_path / name, token).to_bytes())
    results: list[EnrollmentResponse] = []

    def enroll(data: bytes) -> None:
        with psycopg.connect(scec.dsn, autocommit=True) as conn:
            results.append(handle_enrollment(conn, scec.pki, data))

    threads = [threading.Thread(target=enroll, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == ["issued", "refused", "refused"]
    assert {r.reason for r in results if r.status == "refused"} == {"token_used"}


def test_offline_enrollment_round_trip_on_removable_media(scec, xm, ecr, tmp_path):
    keys, usb = tmp_path / "keys", tmp_path / "usb"
    usb.mkdir()
    centre_pki.create_centre_key(keys, CODE)
    _, out, _ = xm("--json", "centre", "add", CODE)
    request, response = usb / "enroll-123456.req", usb / "enroll-123456.resp"
    code, _, err = ecr("enroll", "--keys-dir", str(keys), "--token", token_of(out),
                       "--request-out", str(request))
    assert code == 0, err
    code, _, err = xm("centre", "enroll-offline", str(request), "--out", str(response))
    assert code == 0, err
    code, out, err = ecr("--json", "enroll", "--keys-dir", str(keys), "--response-in",
                         str(response))
    assert code == 0, err
    code, out, _ = ecr("--json", "enroll", "--keys-dir", str(keys), "--status")
    status = json.loads(out)
    assert (status["centre"], status["valid"], status["renewal_due"]) == (CODE, True, False)
    # the same request file carried twice: the token is spent
    code, _, err = xm("centre", "enroll-offline", str(request), "--out", str(usb / "again"))
    assert code == 1 and "(token_used)" in err


def _enrolled(scec, keys):
    centre_pki.create_centre_key(keys, CODE)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, CODE)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
    centre_pki.install_response(keys, response)
    return centre_pki.load_centre_identity(keys)


def _seal_from(identity):
    from tests.common.wire.test_refusals import birth

    sender = SenderKey(identity.key, identity.key_identifier)
    return seal_act_batch([birth()], centre=identity.centre_code, sequence=1, sender=sender,
                          recipient=RecipientCertificate.of(identity.scec_encryption))[1]


def test_renewal_online_gives_a_new_key_and_certificate(scec, ecr, service, tmp_path):
    keys = tmp_path / "keys"
    old = _enrolled(scec, keys)
    code, _, err = online(ecr, keys, service, "--renew")
    assert code == 0, err
    new = centre_pki.load_centre_identity(keys)
    assert new.certificate.serial_number != old.certificate.serial_number
    assert new.key_identifier != old.key_identifier
    assert not (keys / centre_pki.NEXT_KEY_FILE).exists()
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        directory = DatabaseDirectory(conn)
        for identity in (old, new):  # both certificates stay valid until the old one expires
            batch = open_act_batch(_seal_from(identity), scec.pki.recipient_key(), directory)
            assert batch.header.centre == CODE


def test_renewal_offline_and_renewal_is_due_only_near_expiry(scec, xm, ecr, tmp_path):
    keys = tmp_path / "keys"
    old = _enrolled(scec, keys)
    cert = old.certificate
    assert not centre_pki.renewal_due(cert)
    assert centre_pki.renewal_due(cert, cert.not_valid_after_utc - dt.timedelta(days=30))
    request, response = tmp_path / "renew.req", tmp_path / "renew.resp"
    assert ecr("enroll", "--keys-dir", str(keys), "--renew", "--request-out", str(request))[0] == 0
    assert xm("centre", "enroll-offline", str(request), "--out", str(response))[0] == 0
    assert ecr("enroll", "--keys-dir", str(keys), "--response-in", str(response))[0] == 0
    assert centre_pki.load_centre_identity(keys).certificate.serial_number != cert.serial_number


def test_a_renewal_signed_by_another_key_is_refused(scec, tmp_path):
    keys = tmp_path / "keys"
    _enrolled(scec, keys)
    request = centre_pki.renewal_request(keys)
    other_key = read_private_key(keys / centre_pki.NEXT_KEY_FILE, b"test centre passphrase")
    forged = dataclasses.replace(request, proof=sign_detached(other_key, request.csr_der))
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        response = handle_enrollment(conn, scec.pki, forged.to_bytes())
    assert response.reason == "renewal_proof_invalid"


def test_the_xmserver_run_worker_serves_enrollment_until_terminated(scec, xm, ecr, tmp_path,
                                                                     mqtt_topic_prefix):
    root = f"{mqtt_topic_prefix}/ecr"
    env = dict(os.environ, XMSERVER_DB=scec.dsn, XMSERVER_PKI_DIR=str(scec.pki_dir))
    worker = subprocess.Popen(
        [sys.executable, "-m", "xmserver.cli", "run", "--broker", f"{MQTT_HOST}:{MQTT_PORT}",
         "--topic-root", root], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    try:
        deadline = time.monotonic() + 30
        while worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            if "running" in (worker.stdout.readline() if worker.stdout else ""):
                break
        keys = tmp_path / "keys"
        centre_pki.create_centre_key(keys, CODE)
        _, out, _ = xm("--json", "centre", "add", CODE)
        code, out, err = online(ecr, keys, root, "--token", token_of(out))
        assert code == 0, err
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0


def test_ecr_enroll_uses_the_keys_folder_of_the_centre_home(scec, xm, ecr, tmp_path):
    from ecr_tk.home import CentreHome

    home = CentreHome.create(tmp_path / "home", centre_code=CODE, centre_name="Dakar-Plateau")
    centre_pki.create_centre_key(home.folder("keys"), CODE)
    _, out, _ = xm("--json", "centre", "add", CODE)
    request = tmp_path / "enroll.req"
    response = tmp_path / "enroll.resp"
    home_args = ("--home", str(home.path))
    token = token_of(out)
    assert ecr(*home_args, "enroll", "--token", token, "--request-out", str(request))[0] == 0
    assert xm("centre", "enroll-offline", str(request), "--out", str(response))[0] == 0
    assert ecr(*home_args, "enroll", "--response-in", str(response))[0] == 0
    code, out, _ = ecr(*home_args, "--json", "enroll", "--status")
    assert code == 0 and json.loads(out)["centre"] == CODE
    assert (home.folder("keys") / centre_pki.CERT_FILE).exists()


def test_a_key_identifier_already_held_by_another_key_is_refused(scec, tmp_path):
    """A 64-bit identifier collision (forced here) refuses the certificate, consumes nothing."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from common.pki.identifiers import subject_key_identifier

    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    csr = x509.load_der_x509_csr(centre_pki.load_request(keys).der)
    ski = subject_key_identifier(csr.public_key())  # type: ignore[arg-type]
    other = scec.pki.signing_certificate  # any certificate of another key
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        add_centre(conn, "654321")
        conn.execute(
            "INSERT INTO centre_certificate (serial, centre_code, key_identifier, not_before,"
            " not_after, der, issued_by) VALUES (1, '654321', %s, now(), now(), %s, 'enroll')",
            (ski, other.public_bytes(Encoding.DER)))
        token = add_centre(conn, CODE)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
        assert (response.status, response.reason) == ("refused", "key_identifier_collision")
        assert ski.hex() in (response.message or "")
        assert conn.execute("SELECT count(*) FROM centre_certificate WHERE centre_code = %s",
                            (CODE,)).fetchone() == (0,)
        assert conn.execute("SELECT used_at FROM enrollment_token WHERE centre_code = %s",
                            (CODE,)).fetchone() == (None,)


def test_a_renewal_retried_after_a_lost_answer_gets_the_same_certificate(scec, tmp_path):
    keys = tmp_path / "keys"
    _enrolled(scec, keys)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        first = handle_enrollment(conn, scec.pki, centre_pki.renewal_request(keys).to_bytes())
        # the answer never reached the centre: it asks again with its pending key
        again = handle_enrollment(conn, scec.pki, centre_pki.renewal_request(keys).to_bytes())
        assert (first.status, again.status) == ("issued", "issued"), again.message
        assert again.certificate_der == first.certificate_der
        assert conn.execute("SELECT count(*) FROM centre_certificate").fetchone() == (2,)
    centre_pki.install_response(keys, again)
    assert centre_pki.load_centre_identity(keys).certificate.public_bytes(
        Encoding.DER) == first.certificate_der


def test_a_key_certified_for_one_centre_is_refused_for_another(scec, tmp_path):
    from common.pki.authority import build_centre_request
    from common.pki.enrollment import EnrollmentRequest

    keys = tmp_path / "keys"
    _enrolled(scec, keys)
    key = read_private_key(keys / centre_pki.KEY_FILE, b"test centre passphrase")
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, "654321")
        request = EnrollmentRequest("enroll", "654321", build_centre_request(key, "654321"),
                                    token=token)
        response = handle_enrollment(conn, scec.pki, request.to_bytes())
        assert (response.status, response.reason) == ("refused", "key_in_use")
        assert "123456" in (response.message or "")
        assert conn.execute("SELECT used_at FROM enrollment_token WHERE centre_code = '654321'"
                            ).fetchone() == (None,)


def test_a_revoked_key_is_not_certified_again(scec, tmp_path):
    keys = tmp_path / "keys"
    _enrolled(scec, keys)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        pending = handle_enrollment(conn, scec.pki, centre_pki.renewal_request(keys).to_bytes())
        assert pending.status == "issued"
        serial = x509.load_der_x509_certificate(pending.certificate_der).serial_number
        conn.execute("UPDATE centre_certificate SET revoked_at = now() WHERE serial = %s",
                     (serial,))
        # the centre never installed it and asks again with the same pending key
        response = handle_enrollment(conn, scec.pki, centre_pki.renewal_request(keys).to_bytes())
    assert (response.status, response.reason) == ("refused", "key_revoked")
    assert "new key" in (response.message or "").lower() or "nouvelle" in (
        response.message or "").lower()


def test_an_enrollment_whose_answer_was_lost_is_completed_with_a_new_token(scec, tmp_path):
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, CODE)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        first = handle_enrollment(conn, scec.pki, centre_pki.enrollment_request(
            keys, add_centre(conn, CODE)).to_bytes())
        again = handle_enrollment(conn, scec.pki, centre_pki.enrollment_request(
            keys, add_centre(conn, CODE)).to_bytes())
    assert (first.status, again.status) == ("issued", "issued"), again.message
    assert again.certificate_der == first.certificate_der
    centre_pki.install_response(keys, again)
    assert centre_pki.load_centre_identity(keys).centre_code == CODE
