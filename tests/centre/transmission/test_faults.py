"""The outbox never loses an entry: a transmitter killed, a link cut, a restore from an old backup.

Real PostgreSQL, the real Mosquitto, the real ``ecr transmitter`` process, real
``ecr backup`` / ``ecr restore``.  The SCEC is the stand-in of ``scec_standin``
(built from the real wire functions), which can hold receipts back on demand; the
same faults against the real SCEC are in tests/faults/test_faults.py.  Each test
ends by checking that every validated act was stored once at the SCEC and
acknowledged once at the centre.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ecr_tk.cli import main
from ecr_tk.home import CentreHome
from ecr_tk.services import Centre
from ecr_tk.transmission import service
from tests.centre.conftest import AGENT, OFFICER, PASSWORDS, SECRETARY, Staff, validated_birth
from tests.conftest import MQTT_HOST, MQTT_PORT, _dsn_for

from .conftest import Enrolled
from .proxy import CuttableLink
from .scec_standin import ScecStandIn

NAMES = ("Awa", "Fatou", "Aminata", "Mariama", "Khady", "Ndeye", "Coumba", "Binta", "Aissatou",
         "Rokhaya", "Seynabou", "Dieynaba", "Astou", "Maimouna")


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.2)


def states(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [r[0] for r in conn.execute("SELECT state FROM ecr.outbox ORDER BY id")]


def assert_each_acknowledged_once(dsn: str, scec: ScecStandIn) -> None:
    with psycopg.connect(dsn) as conn:
        acts = conn.execute("SELECT a.niu, a.status, (SELECT count(*) FROM ecr.audit_log l "
                            "WHERE l.act_id = a.id AND l.action = 'act.acknowledge') "
                            "FROM ecr.acts a WHERE a.validated_at IS NOT NULL").fetchall()
    assert acts
    for niu, status, acknowledgements in acts:
        assert status == "acknowledged" and acknowledgements == 1, niu
        assert scec.stored[niu] == 1, niu
    assert set(states(dsn)) == {"acknowledged"}
    assert scec.replays == 0


def test_a_transmitter_killed_between_publish_and_receipt_loses_and_duplicates_nothing(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    home = enrolled.centre.home
    assert home is not None
    for name in NAMES[:10]:
        validated_birth(staff, given=name)
    scec.holding = True  # the SCEC stores and receipts, the receipts wait
    proc = subprocess.Popen([sys.executable, "-m", "ecr_tk.cli", "--home", str(home.path),
                             "transmitter"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: states(fresh_db) == ["sent"] * 10, "every container published")
        wait_for(lambda: scec.received["ACT_BATCH"] >= 2, "both containers at the SCEC")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert "acknowledged" not in states(fresh_db)
    # while the centre is dead: its receipts go out (the broker keeps them in its
    # persistent session), and the office keeps validating
    assert scec.release() >= 2
    for name in NAMES[10:13]:
        validated_birth(staff, given=name)
    result = service.sync(home, wait=60)
    assert result["done"], result
    assert_each_acknowledged_once(fresh_db, scec)


def test_a_transmitter_killed_before_any_receipt_sends_the_same_containers_again(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    home = enrolled.centre.home
    assert home is not None
    assert service.sync(home, wait=30)["done"]  # the broker session exists, in step
    for name in NAMES[:5]:
        validated_birth(staff, given=name)
    scec.answering = False  # the SCEC is down: containers are lost on its side
    proc = subprocess.Popen([sys.executable, "-m", "ecr_tk.cli", "--home", str(home.path),
                             "transmitter"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: states(fresh_db) == ["sent"] * 5, "published")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with psycopg.connect(fresh_db) as conn:
        before = conn.execute("SELECT sequence, message_id, data FROM ecr.tx_containers "
                              "ORDER BY sequence").fetchall()
    scec.answering = True
    result = service.sync(home, wait=60)  # re-sent after the re-send delay, same bytes
    assert result["done"], result
    with psycopg.connect(fresh_db) as conn:
        after = conn.execute("SELECT sequence, message_id, data FROM ecr.tx_containers "
                             "ORDER BY sequence").fetchall()
    assert after == before
    assert_each_acknowledged_once(fresh_db, scec)


def test_a_link_cut_mid_transfer_resumes_by_itself(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    link = CuttableLink(MQTT_HOST, MQTT_PORT)
    home = enrolled.centre.home
    assert home is not None
    home = home.update({"transmission.broker": f"127.0.0.1:{link.port}"})
    stop = threading.Event()
    worker = threading.Thread(target=service.run, args=(home, stop), daemon=True)
    try:
        for name in NAMES[:3]:
            validated_birth(staff, given=name)
        worker.start()
        wait_for(lambda: states(fresh_db) == ["acknowledged"] * 3, "first acts acknowledged")
        scec.holding = True
        for name in NAMES[3:10]:
            validated_birth(staff, given=name)
        wait_for(lambda: states(fresh_db)[3:] == ["sent"] * 7, "published, no receipt yet")
        link.cut()
        scec.release()  # receipts wait at the broker
        for name in NAMES[10:14]:
            validated_birth(staff, given=name)
        figures = service.status(home)
        assert figures["pending"] == 4 and figures["in_flight"] == 7
        link.restore()
        wait_for(lambda: set(states(fresh_db)) == {"acknowledged"}, "all acknowledged")
    finally:
        stop.set()
        worker.join(30)
        link.close()
    assert link.connections >= 2
    assert_each_acknowledged_once(fresh_db, scec)


def test_a_centre_restored_from_an_older_backup_gets_back_in_step_without_reusing_a_number(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str, tmp_path: Path,
        admin_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    home = enrolled.centre.home
    assert home is not None
    _, first = validated_birth(staff, given="Awa")  # pending when the backup is taken
    archive = tmp_path / "old.tar"
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[OFFICER])
    monkeypatch.setenv("ECR_BACKUP_PASSPHRASE", "une phrase de passe pour les tests")
    assert main(["--home", str(home.path), "backup", str(archive), "--as", str(OFFICER)]) == 0
    _, second = validated_birth(staff, given="Fatou")
    assert service.sync(home, wait=60)["done"]
    with psycopg.connect(fresh_db) as conn:
        used = conn.execute("SELECT max(sequence) FROM ecr.tx_containers").fetchone()[0]
    assert scec.stored[first] == scec.stored[second] == 1

    # the server is lost; the centre is restored from the older backup
    name = f"ecr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    restored_dsn = _dsn_for(name)
    new_home = tmp_path / "restored"
    try:
        assert main(["--home", str(new_home), "restore", str(archive),
                     "--db", restored_dsn]) == 0
        assert states(restored_dsn) == ["pending"]  # the database knows nothing of the sending
        with Centre.open(new_home) as restored:
            people = Staff(*(restored.login(n, PASSWORDS[n])
                             for n in (OFFICER, SECRETARY, AGENT)))
            _, third = validated_birth(people, given="Khady")
        result = service.sync(CentreHome.open(new_home), wait=60)
        assert result["done"], result
        with psycopg.connect(restored_dsn) as conn:
            numbers = [r[0] for r in conn.execute("SELECT sequence FROM ecr.tx_containers")]
        assert numbers and min(numbers) > used  # never a number the SCEC has seen
        assert scec.received["SYNC_REQUEST"] >= 1 and scec.replays == 0
        with psycopg.connect(restored_dsn) as conn:
            outcome = dict(conn.execute("SELECT o.niu, o.state || ' ' || coalesce(o.refusal, '') "
                                        "FROM ecr.outbox o").fetchall())
        # the act the backup still had as pending: sent again, the SCEC compared
        # contents and answered ALREADY_STORED; stored once
        assert outcome[first] == "acknowledged " and scec.stored[first] == 1
        # the restored counters gave the second act's NIU again to another act: the
        # SCEC keeps its act, and this one is refused with the reason, never dropped
        assert third == second
        assert outcome[third] == "refused niu_conflict" and scec.stored[second] == 1
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _mosquitto(port: int, folder: Path) -> subprocess.Popen[bytes]:
    conf = folder / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listening() -> bool:
        import socket

        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False

    wait_for(listening, "mosquitto listening", 20)
    return proc


def test_a_broker_restarted_mid_transfer_loses_its_sessions_and_the_centre_gets_back_in_step(
        enrolled: Enrolled, staff: Staff, fresh_db: str, tmp_path: Path,
        mqtt_topic_prefix: str) -> None:
    """A broker without persistence forgets the centre's session and the receipts it held."""
    from common.transport.mqtt import BrokerAddress

    port = _free_port()
    broker = _mosquitto(port, tmp_path)
    scec = ScecStandIn(enrolled.ca, enrolled.centre.identity.code, enrolled.certificate,
                       BrokerAddress("127.0.0.1", port), mqtt_topic_prefix)
    scec.start()
    home = enrolled.centre.home
    assert home is not None
    home = home.update({"transmission.broker": f"127.0.0.1:{port}"})
    stop = threading.Event()
    worker = threading.Thread(target=service.run, args=(home, stop), daemon=True)
    try:
        for name in NAMES[:3]:
            validated_birth(staff, given=name)
        worker.start()
        wait_for(lambda: states(fresh_db) == ["acknowledged"] * 3, "first acts acknowledged")
        scec.holding = True
        for name in NAMES[3:9]:
            validated_birth(staff, given=name)
        wait_for(lambda: states(fresh_db)[3:] == ["sent"] * 6, "published, no receipt yet")
        syncs_before = scec.received["SYNC_REQUEST"]
        broker.terminate()
        broker.wait(10)
        scec.holding = False
        scec._held.clear()  # the receipts the broker would have held are gone with it
        for name in NAMES[9:12]:
            validated_birth(staff, given=name)
        broker = _mosquitto(port, tmp_path)
        wait_for(lambda: set(states(fresh_db)) == {"acknowledged"}, "all acknowledged", 90)
    finally:
        stop.set()
        worker.join(30)
        scec.stop()
        broker.terminate()
        broker.wait(10)
    assert scec.received["SYNC_REQUEST"] > syncs_before  # the session was absent: it asked
    assert_each_acknowledged_once(fresh_db, scec)
