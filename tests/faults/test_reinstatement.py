"""A revoked centre reinstated after investigation (issue 15), end to end.

A real SCEC (workers, enrollment service), the real broker and a real centre:
Thiès is revoked, learns it, and goes on validating acts; what it sends is
quarantined by the SCEC, nothing stored.  The administrator reinstates it
(``xmserver centre reinstate``); Thiès enrolls again with the token
(``ecr enroll --token``, over MQTT) and gets a new certificate for a new key.
Its acts not yet acknowledged then arrive sealed under the new key with the
same sequences and message ids, are stored and receipted exactly once, and the
quarantined containers are kept, marked superseded.  Containers signed by the
old key after the reinstatement are still quarantined.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import psycopg
from cryptography import x509

from common.acts.actjson import parse_act_record
from common.pki.centre import CRL_FILE, load_centre_identity
from common.wire import batches
from common.wire.container import RecipientCertificate, SenderKey
from ecr_tk.cli import main as ecr_main
from ecr_tk.transmission import service
from tests.conftest import MQTT_HOST, MQTT_PORT
from xmserver.cli import main as xm_main
from xmserver.service import EnrollmentService

from .conftest import BROKER, Country, CountryCentre, wait_for
from .test_faults import publish_raw

CODE = "224002"  # Thiès


def _revoked_here(centre: CountryCentre) -> bool:
    keys = centre.home.folder("keys")
    path = keys / CRL_FILE
    own = x509.load_pem_x509_certificate((keys / "centre.cert.pem").read_bytes())
    return path.exists() and x509.load_der_x509_crl(path.read_bytes()) \
        .get_revoked_certificate_by_serial_number(own.serial_number) is not None


def _containers(centre: CountryCentre) -> dict[int, tuple[str, bool, bool]]:
    """sequence → (message id, receipted, sealed again) at the centre."""
    with psycopg.connect(centre.dsn) as conn:
        return {int(s): (str(m), r is not None, a is not None) for s, m, r, a in conn.execute(
            "SELECT sequence, message_id, receipt_at, resealed_at FROM ecr.tx_containers")}


def _evidence(country: Country) -> dict[int, dict]:
    """sequence → the quarantined container of Thiès's revoked key that carried it."""
    with psycopg.connect(country.scec.dsn) as conn:
        rows = conn.execute(
            "SELECT sequence, message_id::text, reason, times, superseded_by::text,"
            " superseded_same_content, reinstatement_id FROM quarantine"
            " WHERE sender = %s AND sequence > 0 ORDER BY id", (CODE,)).fetchall()
    keys = ("message_id", "reason", "times", "superseded_by", "same", "reinstatement")
    return {int(r[0]): dict(zip(keys, r[1:], strict=True)) for r in rows}


def _acknowledgements(centre: CountryCentre) -> dict[str, int]:
    with psycopg.connect(centre.dsn) as conn:
        return {str(n): int(k) for n, k in conn.execute(
            "SELECT a.niu, (SELECT count(*) FROM ecr.audit_log l WHERE l.act_id = a.id"
            " AND l.action = 'act.acknowledge') FROM ecr.acts a WHERE a.niu IS NOT NULL")}


def test_a_reinstated_centre_sends_its_pending_acts_again_under_a_new_key(
        country: Country, workers, tmp_path: Path, capsys) -> None:
    workers(1)
    thies = country.add_centre(CODE, **{"transmission.batch_size": 2})
    thies.validate(2)
    assert thies.sync(wait=60)["done"]
    receipted = set(_containers(thies))

    assert xm_main(country.scec.args("centre", "revoke", CODE, "--reason",
                                     "ordinateur portable volé")) == 0
    deadline = time.monotonic() + 60
    while not _revoked_here(thies) and time.monotonic() < deadline:
        thies.sync(wait=3)  # the retained revocation list is delivered at connection
    assert _revoked_here(thies)

    # revoked: what Thiès validates now is sent, and quarantined, with its numbers kept
    pending = thies.validate(5)
    assert thies.sync(wait=8)["done"] is False
    waiting = {s: c for s, c in _containers(thies).items() if s not in receipted}
    assert len(waiting) == 3 and not any(r for _, r, _ in waiting.values())
    wait_for(lambda: set(_evidence(country)) == set(waiting), "each container quarantined")
    assert {s: e["message_id"] for s, e in _evidence(country).items()} == {
        s: m for s, (m, _, _) in waiting.items()}
    assert not set(pending) & set(country.stored())
    old = load_centre_identity(thies.home.folder("keys"))

    tokens = tmp_path / "reinstate-224002.csv"
    assert xm_main(country.scec.args(
        "centre", "reinstate", CODE, "--reason", "enquête close : portable retrouvé, "
        "ancienne clé détruite", "--by", "Inspecteur Ndiaye", "--token-out", str(tokens))) == 0
    [row] = list(csv.DictReader(tokens.open()))

    enrollment = EnrollmentService(country.scec.dsn, country.scec.pki, BROKER, country.root)
    enrollment.start()
    try:
        assert ecr_main(["--home", str(thies.home.path), "enroll", "--token", row["token"],
                         "--broker", f"{MQTT_HOST}:{MQTT_PORT}",
                         "--topic-root", country.root]) == 0
    finally:
        enrollment.stop()
    new = load_centre_identity(thies.home.folder("keys"))
    assert (new.centre_code, new.key_identifier != old.key_identifier) == (CODE, True)
    assert not _revoked_here(thies) and service.status(thies.home)["centre_revoked"] is False

    assert thies.sync(wait=60)["done"]
    after = _containers(thies)
    # the same numbers, the same message ids, sealed again, each receipted
    assert {s: after[s][0] for s in waiting} == {s: m for s, (m, _, _) in waiting.items()}
    assert all(after[s][1] and after[s][2] for s in waiting)
    assert set(after) == receipted | set(waiting)  # no new number was needed
    country.assert_exactly_once()
    assert set(_acknowledgements(thies).values()) == {1}
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM seen_message WHERE sender = %s"
                            " AND sequence = ANY(%s)", (CODE, list(waiting))).fetchone() \
            == (len(waiting),)

    # the quarantined containers stay, marked superseded by the same messages
    evidence = _evidence(country)
    assert set(evidence) == set(waiting)
    for sequence, e in evidence.items():
        assert e["reason"] == "revoked_signer" and e["same"] is True
        assert e["superseded_by"] == waiting[sequence][0] and e["reinstatement"] is not None

    # the old key after the reinstatement: a copy of an old container and a new one
    with psycopg.connect(country.scec.dsn) as conn:
        first_copy = bytes(conn.execute(
            "SELECT data FROM quarantine WHERE sender = %s AND sequence = %s",
            (CODE, min(waiting))).fetchone()[0])
        records = [parse_act_record(r) for (r,) in conn.execute(
            "SELECT convert_to(record::text, 'UTF8') FROM act WHERE centre = %s"
            " ORDER BY niu LIMIT 1", (CODE,))]
    _, forged_late = batches.seal_act_batch(
        records, centre=CODE, sequence=900, sender=SenderKey(old.key, old.key_identifier),
        recipient=RecipientCertificate.of(old.scec_encryption))
    seen = _evidence(country)[min(waiting)]["times"]  # the revoked centre re-sent it too
    publish_raw(country.root, CODE, [first_copy, forged_late])
    wait_for(lambda: 900 in _evidence(country)
             and _evidence(country)[min(waiting)]["times"] == seen + 1, "both quarantined")
    late = _evidence(country)[900]
    assert late["reason"] == "revoked_signer" and late["superseded_by"] is None
    country.assert_exactly_once()

    capsys.readouterr()
    assert xm_main(country.scec.args("--lang", "en", "quarantine", "list",
                                     "--superseded")) == 0
    listed = capsys.readouterr().out
    assert listed.count("superseded by") == len(waiting) and "same content" in listed
    assert xm_main(country.scec.args("--lang", "en", "centre", "show", CODE)) == 0
    shown = capsys.readouterr().out
    assert "Inspecteur Ndiaye" in shown
    assert f"{len(waiting)} quarantined containers superseded" in shown


def test_an_isolated_centre_is_reinstated_through_removable_media(
        country: Country, tmp_path: Path) -> None:
    """The same on T2D only: offline enrollment files, containers on a USB folder."""
    village = country.add_centre("224009", **{"transmission.broker": "127.0.0.1:9"})
    home = ["--home", str(village.home.path)]

    def round_trip(usb: Path) -> tuple[int, int]:
        assert ecr_main([*home, "t2d", "export", str(usb)]) == 0
        imported = xm_main(country.scec.args("t2d", "import", str(usb)))
        assert xm_main(country.scec.args("t2d", "export", "--centre", village.code,
                                         str(usb))) == 0
        return imported, ecr_main([*home, "t2d", "import", str(usb)])

    village.validate(2)
    assert round_trip(tmp_path / "usb-1") == (0, 0)
    receipted = set(_containers(village))
    assert xm_main(country.scec.args("centre", "revoke", village.code, "--reason",
                                     "clé copiée")) == 0
    village.validate(3)
    assert round_trip(tmp_path / "usb-2")[0] == 1  # quarantined, nothing stored
    waiting = {s: m for s, (m, _, _) in _containers(village).items() if s not in receipted}
    with psycopg.connect(country.scec.dsn) as conn:
        quarantined = {int(s): str(m) for s, m in conn.execute(
            "SELECT sequence, message_id FROM quarantine WHERE sender = %s AND sequence > 0",
            (village.code,))}
    assert quarantined == waiting and waiting

    tokens = tmp_path / "token.csv"
    assert xm_main(country.scec.args("centre", "reinstate", village.code, "--reason",
                                     "enquête close", "--by", "Inspectrice Sarr",
                                     "--token-out", str(tokens))) == 0
    [row] = list(csv.DictReader(tokens.open()))
    request, response = tmp_path / "enroll.req", tmp_path / "enroll.resp"
    assert ecr_main([*home, "enroll", "--token", row["token"], "--request-out",
                     str(request)]) == 0
    assert xm_main(country.scec.args("centre", "enroll-offline", str(request), "--out",
                                     str(response))) == 0
    assert ecr_main([*home, "enroll", "--response-in", str(response)]) == 0
    assert not _revoked_here(village)

    # the SCEC's answers come sealed for the new key only (earlier receipts sealed
    # again): the centre opens every one of them
    assert round_trip(tmp_path / "usb-3") == (0, 0)
    after = _containers(village)
    assert {s: after[s][0] for s in waiting} == waiting
    assert all(after[s][1] and after[s][2] for s in waiting)
    country.assert_exactly_once()
    assert set(_acknowledgements(village).values()) == {1}
    with psycopg.connect(country.scec.dsn) as conn:
        superseded = {int(s): (str(b), same) for s, b, same in conn.execute(
            "SELECT sequence, superseded_by, superseded_same_content FROM quarantine"
            " WHERE sender = %s AND sequence > 0", (village.code,))}
    assert superseded == {s: (m, True) for s, m in waiting.items()}
