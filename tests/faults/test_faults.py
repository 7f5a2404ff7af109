"""Fault tests: whatever breaks, every validated act is stored exactly once and acknowledged.

Real centres (``Centre``, ``ecr transmitter``), real ingest workers (in this
process, or ``xmserver run`` as a process when it must be killed), the real
Mosquitto (a private one when it must be restarted), real PostgreSQL.  Each
test ends with ``country.assert_exactly_once()``.  Fault 11 (two workers at
once) is ``test_end_to_end.test_two_centres_are_centralised_exactly_once_…``.
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
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from common.acts.actjson import parse_act_record
from common.transport.mqtt import BrokerAddress, centre_up_topic, connect, new_client
from common.wire import batches
from common.wire.container import RecipientCertificate, SenderKey
from ecr_tk.cli import main as ecr_main
from ecr_tk.home import CentreHome
from ecr_tk.services import Centre
from ecr_tk.transmission import service
from tests.centre.conftest import AGENT, OFFICER, PASSWORDS, SECRETARY, Staff, validated_birth
from tests.centre.transmission.proxy import CuttableLink
from tests.centre.transmission.test_faults import _free_port, _mosquitto
from tests.conftest import MQTT_HOST, MQTT_PORT, new_database
from tests.xmserver.conftest import PASSPHRASE
from xmserver.centres import revoke_centre
from xmserver.ingest import ingest
from xmserver.worker import IngestWorker

from .conftest import BROKER, Country, CountryCentre, wait_for


def containers(c: CountryCentre) -> list[bytes]:
    with psycopg.connect(c.dsn) as conn:
        return [bytes(d) for (d,) in conn.execute(
            "SELECT data FROM ecr.tx_containers ORDER BY sequence")]


def acknowledgements(c: CountryCentre) -> dict[str, int]:
    with psycopg.connect(c.dsn) as conn:
        return {str(n): int(k) for n, k in conn.execute(
            "SELECT a.niu, (SELECT count(*) FROM ecr.audit_log l WHERE l.act_id = a.id"
            " AND l.action = 'act.acknowledge') FROM ecr.acts a WHERE a.niu IS NOT NULL")}


def publish_raw(root: str, code: str, payloads: list[bytes], broker: BrokerAddress = BROKER
                ) -> None:
    """Someone on the broker (a replaying or forging client) publishes on a centre's topic."""
    client = new_client(f"intruder-{uuid.uuid4().hex[:8]}", broker)
    connect(client, broker, 10)
    try:
        for data in payloads:
            client.publish(centre_up_topic(root, code), data, qos=1).wait_for_publish(10)
    finally:
        client.loop_stop()
        client.disconnect()


def transmitting(home: CentreHome) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=service.run, args=(home, stop), daemon=True)
    thread.start()
    return stop, thread


def all_acknowledged(c: CountryCentre) -> bool:
    return set(c.outbox_states()) == {"acknowledged"}


# ----------------------------------------------------------------------------- 1
def test_1_a_worker_killed_with_sigkill_mid_batch_is_restarted_and_loses_nothing(
        country: Country) -> None:
    centre = country.add_centre(**{"transmission.batch_size": 3})
    env = {**os.environ, "XMSERVER_KEY_PASSPHRASE": PASSPHRASE}
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "xmserver.cli", *country.scec.args(
            "run", "--broker", f"{MQTT_HOST}:{MQTT_PORT}", "--topic-root", country.root,
            "--instance", f"kill-{uuid.uuid4().hex[:6]}")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def worker_pid() -> int | None:
        try:
            children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children")
            pids = [int(p) for p in children.read_text().split()]
        except (OSError, ValueError):
            return None
        return pids[-1] if pids else None

    try:
        wait_for(lambda: worker_pid() is not None, "the worker process started", 30)
        first = worker_pid()
        centre.validate(3)
        assert centre.sync(wait=60)["done"]  # the worker is up and consuming
        centre.validate(24)
        stop, thread = transmitting(centre.home)
        try:
            wait_for(lambda: 3 < len(country.stored()) < 27, "part of the acts stored", 60)
            assert first is not None
            os.kill(first, signal.SIGKILL)  # in the middle of the batches
            wait_for(lambda: worker_pid() not in (None, first), "the worker restarted", 60)
            wait_for(lambda: all_acknowledged(centre), "every act acknowledged", 120)
        finally:
            stop.set()
            thread.join(30)
    finally:
        supervisor.terminate()
        supervisor.wait(60)
    country.assert_exactly_once()


# ----------------------------------------------------------------------------- 2
def test_2_the_broker_stopped_and_restarted_mid_transfer(country: Country, tmp_path: Path
                                                         ) -> None:
    port = _free_port()
    broker = _mosquitto(port, tmp_path)
    own = BrokerAddress("127.0.0.1", port)
    worker = IngestWorker(country.scec.dsn, country.scec.pki, own, topic_root=country.root,
                          instance=f"t2-{uuid.uuid4().hex[:6]}", relay_seconds=1)
    worker.start()
    centre = country.add_centre(**{"transmission.broker": f"127.0.0.1:{port}",
                                   "transmission.batch_size": 2})
    centre.validate(4)
    stop, thread = transmitting(centre.home)
    try:
        wait_for(lambda: all_acknowledged(centre), "first acts acknowledged")
        centre.validate(10)
        wait_for(lambda: "sent" in centre.outbox_states() or all_acknowledged(centre),
                 "a transfer under way")
        broker.terminate()  # no persistence: sessions and queued receipts are lost
        broker.wait(10)
        centre.validate(3)
        broker = _mosquitto(port, tmp_path)
        wait_for(lambda: all_acknowledged(centre), "all acknowledged after the restart", 120)
    finally:
        stop.set()
        thread.join(30)
        worker.stop()
        broker.terminate()
        broker.wait(10)
    country.assert_exactly_once()


# ----------------------------------------------------------------------------- 3
def test_3_the_link_cut_and_restored_mid_publish(country: Country, workers) -> None:
    workers(1)
    link = CuttableLink(MQTT_HOST, MQTT_PORT)
    centre = country.add_centre(**{"transmission.broker": f"127.0.0.1:{link.port}",
                                   "transmission.batch_size": 2})
    centre.validate(2)
    stop, thread = transmitting(centre.home)
    try:
        wait_for(lambda: all_acknowledged(centre), "first acts acknowledged")
        centre.validate(12)
        wait_for(lambda: len(country.stored()) > 2 or all_acknowledged(centre),
                 "publishing under way")
        link.cut()
        centre.validate(2)
        link.restore()
        wait_for(lambda: all_acknowledged(centre), "all acknowledged after the cut", 120)
    finally:
        stop.set()
        thread.join(30)
        link.close()
    assert link.connections >= 2
    country.assert_exactly_once()


# ----------------------------------------------------------------------------- 4
def test_4_the_transmitter_killed_between_publish_and_receipt(country: Country) -> None:
    instance = f"t4-{uuid.uuid4().hex[:6]}"
    centre = country.add_centre()
    first = IngestWorker(country.scec.dsn, country.scec.pki, BROKER, topic_root=country.root,
                         instance=instance)
    first.start()
    assert centre.sync(wait=30)["done"]  # the centre's broker session exists, in step
    first.stop()  # the worker's slot is down: containers wait at the broker for it
    centre.validate(10)
    proc = subprocess.Popen([sys.executable, "-m", "ecr_tk.cli", "--home",
                             str(centre.home.path), "transmitter"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: centre.outbox_states() == ["sent"] * 10, "every container published")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert country.stored() == {}
    worker = IngestWorker(country.scec.dsn, country.scec.pki, BROKER, topic_root=country.root,
                          instance=instance)  # same slot: gets the queued containers
    worker.start()
    try:
        wait_for(lambda: len(country.stored()) == 10, "stored while the centre is down")
        centre.validate(2)
        assert centre.sync(wait=60)["done"]
    finally:
        worker.stop()
    country.assert_exactly_once()
    assert set(acknowledgements(centre).values()) == {1}


# ----------------------------------------------------------------------------- 5, 6
def test_5_6_the_same_containers_delivered_again_at_once_and_a_day_later(
        country: Country, workers) -> None:
    pool = workers(1)
    centre = country.add_centre()
    centre.validate(9)
    assert centre.sync(wait=60)["done"]
    sent = containers(centre)
    publish_raw(country.root, centre.code, sent)  # delivered twice
    wait_for(lambda: pool[0].stats.duplicates >= len(sent), "duplicates answered")
    assert centre.sync(wait=30)["done"]  # the receipts again: applied without effect
    with psycopg.connect(country.scec.dsn, autocommit=True) as conn:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        outcomes = {ingest(conn, country.scec.pki, data, now=later).outcome for data in sent}
    assert outcomes == {"duplicate"}
    assert country.quarantined() == []
    country.assert_exactly_once()
    assert set(acknowledgements(centre).values()) == {1}


# ----------------------------------------------------------------------------- 7, 8, 9
def test_7_8_9_forged_tampered_and_truncated_containers_are_quarantined(
        country: Country, workers) -> None:
    workers(1)
    centre = country.add_centre()
    centre.validate(3)
    assert centre.sync(wait=60)["done"]
    genuine = containers(centre)[0]
    from cryptography.hazmat.primitives.asymmetric import ec

    from common.pki.centre import load_centre_identity

    keys = load_centre_identity(centre.home.folder("keys"))
    records = [parse_act_record(r) for r in _records(country, centre)]
    forged_act = dataclasses.replace(records[0], data={**records[0].data})
    forger = SenderKey(ec.generate_private_key(ec.SECP256R1()), keys.key_identifier)
    forged = batches.seal_act_batch([forged_act], centre=centre.code, sequence=900,
                                    sender=forger,
                                    recipient=RecipientCertificate.of(keys.scec_encryption))[1]
    tampered = bytearray(genuine)
    tampered[len(tampered) // 2] ^= 0x20
    truncated = genuine[:-25]
    publish_raw(country.root, centre.code, [forged, bytes(tampered), truncated])
    wait_for(lambda: len(country.quarantined()) == 3, "three containers quarantined")
    assert sorted(country.quarantined())[0] in ("bad_der", "bad_signature", "undecryptable")
    country.assert_exactly_once()


def _records(country: Country, c: CountryCentre) -> list[bytes]:
    """The centre's acts as they were transmitted (``ecr-act/1``), read back at the SCEC."""
    with psycopg.connect(country.scec.dsn) as conn:
        return [json.dumps(r).encode() for (r,) in conn.execute(
            "SELECT record FROM act WHERE centre = %s ORDER BY niu", (c.code,))]


# ----------------------------------------------------------------------------- 10
def test_10_a_revoked_centres_containers_are_quarantined_and_its_acts_kept(
        country: Country, workers) -> None:
    workers(1)
    centre = country.add_centre()
    with psycopg.connect(country.scec.dsn, autocommit=True) as conn:
        revoke_centre(conn, country.scec.pki, centre.code, "stolen laptop")
    nius = centre.validate(4)
    assert centre.sync(wait=8)["done"] is False
    wait_for(lambda: "revoked_signer" in country.quarantined(), "quarantined")
    assert country.stored() == {}
    states = centre.act_states()
    assert all(states[n] != "acknowledged" for n in nius)  # nothing lost: still to send
    assert len(centre.outbox_states()) == 4


# ----------------------------------------------------------------------------- 12
def test_12_the_central_database_going_away_under_the_workers(country: Country, workers,
                                                               admin_dsn: str) -> None:
    """The SCEC database refuses connections and drops the workers' ones for a while.

    The machine's PostgreSQL is shared by other tests, so it is not restarted: the
    test does to this one database what a restart does to its clients (connections
    cut, new ones refused), then lets it come back.
    """
    pool = workers(2)
    centre = country.add_centre(**{"transmission.batch_size": 2})
    centre.validate(2)
    assert centre.sync(wait=60)["done"]
    database = psycopg.conninfo.conninfo_to_dict(country.scec.dsn)["dbname"]
    centre.validate(10)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false")
                      .format(sql.Identifier(database)))
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = %s AND pid <> pg_backend_pid()", (database,))
        stop, thread = transmitting(centre.home)
        try:
            wait_for(lambda: sum(w.stats.db_errors for w in pool) > 0, "workers saw the outage")
            assert not all_acknowledged(centre)
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true")
                          .format(sql.Identifier(database)))
            wait_for(lambda: all_acknowledged(centre), "all acknowledged after", 120)
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true")
                          .format(sql.Identifier(database)))
            stop.set()
            thread.join(30)
    country.assert_exactly_once()


# ----------------------------------------------------------------------------- 13
def test_13_a_centre_restored_from_a_backup_older_than_its_last_transmission(
        country: Country, workers, tmp_path: Path, admin_dsn: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    workers(1)
    centre = country.add_centre()
    [first] = centre.validate(1)  # pending when the backup is taken
    archive = tmp_path / "old.ecrbackup"
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[OFFICER])
    monkeypatch.setenv("ECR_BACKUP_PASSPHRASE", "une phrase de passe pour les tests")
    assert ecr_main(["--home", str(centre.home.path), "backup", str(archive),
                     "--as", str(OFFICER)]) == 0
    [second] = centre.validate(1)
    assert centre.sync(wait=60)["done"]
    used = max(_sequences(centre.dsn))

    new_home = tmp_path / "restored"
    with new_database(admin_dsn) as restored_dsn:
        assert ecr_main(["--home", str(new_home), "restore", str(archive),
                         "--db", restored_dsn]) == 0
        with Centre.open(new_home) as restored:
            people = Staff(*(restored.login(n, PASSWORDS[n])
                             for n in (OFFICER, SECRETARY, AGENT)))
            _, third = validated_birth(people, given="Khady", surname="Sow-Ba")
        assert service.sync(CentreHome.open(new_home), wait=60)["done"]
        assert min(_sequences(restored_dsn)) > used  # never a number the SCEC has seen
        with psycopg.connect(restored_dsn) as conn:
            outcome = dict(conn.execute("SELECT niu, state || ' ' || coalesce(refusal, '')"
                                        " FROM ecr.outbox").fetchall())
        assert outcome[first] == "acknowledged "
        assert third == second  # the restored counters gave the NIU again to another act
        assert outcome[third] == "refused niu_conflict"
        with psycopg.connect(country.scec.dsn) as conn:
            assert conn.execute("SELECT count(*) FROM conflict WHERE niu = %s",
                                (second,)).fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM history_alert").fetchone()[0] >= 0
        assert country.quarantined() == []
        country.assert_exactly_once()  # the SCEC kept the first act under that NIU


def _sequences(dsn: str) -> list[int]:
    with psycopg.connect(dsn) as conn:
        return [int(s) for (s,) in conn.execute("SELECT sequence FROM ecr.tx_containers")]


# ----------------------------------------------------------------------------- 14
def test_14_the_same_niu_with_different_content_is_a_conflict_and_nothing_is_overwritten(
        country: Country, workers) -> None:
    pool = workers(1)
    centre = country.add_centre()
    [niu] = centre.validate(1)
    assert centre.sync(wait=60)["done"]
    # a modified client re-sends the act with another child's name, signed by the centre
    from common.pki.centre import load_centre_identity

    keys = load_centre_identity(centre.home.folder("keys"))
    [record] = [parse_act_record(r) for r in _records(country, centre)]
    changed = dataclasses.replace(record, status="validated", mentions=(), data={
        **record.data, "child": {**record.data["child"], "given_names": "Innocent"}})
    sequence = max(_sequences(centre.dsn)) + 50
    _, data = batches.seal_act_batch(
        [changed], centre=centre.code, sequence=sequence,
        sender=SenderKey(keys.key, keys.key_identifier),
        recipient=RecipientCertificate.of(keys.scec_encryption))
    publish_raw(country.root, centre.code, [data])
    wait_for(lambda: pool[0].stats.stored >= 2, "the second container ingested")
    with psycopg.connect(country.scec.dsn) as conn:
        stored = conn.execute("SELECT record->'data'->'child'->>'given_names' FROM act"
                              " WHERE niu = %s", (niu,)).fetchone()[0]
        conflict = conn.execute("SELECT reason, received->'data'->'child'->>'given_names'"
                                " FROM conflict WHERE niu = %s", (niu,)).fetchone()
    assert stored != "Innocent"
    assert tuple(conflict) == ("niu_conflict", "Innocent")
    country.assert_exactly_once()
