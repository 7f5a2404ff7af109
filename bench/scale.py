"""National scale: N centres, each sending its acts through a real broker to running workers.

    .venv/bin/python bench/scale.py --centres 2000
    .venv/bin/python bench/scale.py --centres 100000 --acts-per-centre 2
    .venv/bin/python bench/scale.py --centres 500 --corpus /tmp/foreign.jsonl

Everything is real but the centres' own databases (100,000 PostgreSQL centres do
not fit on one machine): a throwaway SCEC (``xmserver init``), the machine's
Mosquitto, ``xmserver run --workers W`` (separate processes on the shared
subscription, as in production); each simulated centre has its own key,
enrolled through the real enrollment code (``add_centre`` + ``handle_enrollment``,
the path ``xmserver centre add --bulk`` and ``ecr enroll`` take), and seals its
acts in real containers (``seal_act_batch``) as the transmitter does.

Centres behave as real ones do: most are offline most of the time.  At most
``--connections`` are connected at once; each connects with a persistent MQTT v5
session (``clean_start=False``, client id from its code), publishes its
container with QoS 1, and either waits for its receipt or (``--leave-early``
of them) disconnects as soon as the broker has the container, before the
receipt exists.  Those come back in later rounds: the broker kept their session
and the receipt queued for them.  ``--t2d-share`` of the centres have no link:
their containers go through T2D folders (``xmserver t2d import`` / ``export``'s
code).  A centre counts an act only when the SCEC's signed receipt naming it
opens with its key.

Checks every act stored exactly once and receipted, and prints JSON:
``centres``, ``acts``, ``stored``, ``lost``, ``duplicates``, ``receipted``,
``enrol_s``, ``acts_per_s`` (first publish to the last act stored),
``rounds``, ``broker_sessions`` (Mosquitto's ``$SYS`` client count at the
busiest moment: connected plus kept persistent sessions), ``peak_connections``,
``central_db_bytes_per_million_acts``, ``peak_rss_mb`` per process kind
(``harness``, ``worker``, ``supervisor``; ``broker`` is Mosquitto's lifetime
peak, shared with whatever else used it).  The sessions are removed at the end.
With ``--corpus FILE.jsonl`` the acts come from that corpus (renumbered per
centre), e.g. bench/foreign_corpus.py's acts that no dictionary was fitted to.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ADMIN = os.environ.get("ECR_BENCH_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PASSPHRASE = "bench SCEC passphrase"
BROKER_HOST, BROKER_PORT = "127.0.0.1", 1883
#: The harness's sessions outlive a disconnection by this much (a real transmitter
#: asks for days); they are removed at the end anyway.
SESSION_EXPIRY = 3600


@dataclass
class SimCentre:
    code: str
    sender: Any                      # tests.xmserver.senders.Sender
    containers: list[tuple[uuid.UUID, bytes]]
    nius: set[str]
    t2d: bool = False
    receipted: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> bool:
        return self.receipted >= self.nius


def _dsn(name: str) -> str:
    return ADMIN.rsplit("dbname=", 1)[0] + f"dbname={name}"


def _code(i: int) -> str:
    return f"{100001 + i:06d}"  # 000000 is the SCEC's own copy-signing code


def _records(i: int, code: str, per: int, foreign: list[Any] | None) -> list[Any]:
    from common.wire.corpus import MEASURE_SEED, realistic_records

    if foreign:
        from bench.ingest import _as_centre

        start = (i * per) % max(1, len(foreign) - per)
        return [_as_centre(r, code) for r in foreign[start:start + per]]
    return realistic_records(per, seed=MEASURE_SEED + i, centre_code=code)


def enrol(dsn: str, pki: Any, n: int, per: int, batch: int, t2d_every: int,
          foreign: list[Any] | None) -> list[SimCentre]:
    """Register, enroll and seal for ``n`` centres (each with its own key and certificate)."""
    from cryptography import x509

    from common.pki import centre as centre_pki
    from common.pki.authority import build_centre_request
    from common.pki.enrollment import EnrollmentRequest
    from common.pki.keys import generate_key
    from tests.xmserver.senders import Sender
    from xmserver.centres import add_centre
    from xmserver.enrollment import handle_enrollment

    centres = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for i in range(n):
            code = _code(i)
            key = generate_key()
            token = add_centre(conn, code, f"Centre {code}")
            response = handle_enrollment(conn, pki, EnrollmentRequest(
                "enroll", code, build_centre_request(key, code), token=token).to_bytes())
            if response.status != "issued":
                raise SystemExit(f"enrollment of {code} refused: {response.message}")
            identity = centre_pki.CentreIdentity(
                centre_code=code, key=key,
                certificate=x509.load_der_x509_certificate(response.certificate_der),
                revocation_list=None,
                ca_certificates=tuple(x509.load_der_x509_certificate(d)
                                      for d in response.ca_ders),
                scec_signing=x509.load_der_x509_certificate(response.scec_signing_der),
                scec_encryption=x509.load_der_x509_certificate(response.scec_encryption_der))
            sender = Sender(identity)
            records = _records(i, code, per, foreign)
            containers = [sender.acts(records[j:j + batch], j // batch + 1)
                          for j in range(0, len(records), batch)]
            centres.append(SimCentre(code, sender, containers, {str(r.niu) for r in records},
                                     t2d=t2d_every > 0 and i % t2d_every == t2d_every - 1))
    return centres


class Connections:
    """How many simulated centres are connected now, and the most at once."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __enter__(self) -> Connections:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


def visit(centre: SimCentre, root: str, conns: Connections, *, send: bool, wait_s: float,
          leave_early: bool) -> None:
    """One connection of a centre: subscribe, (send), take the receipts queued for it."""
    from common.transport.mqtt import (
        BrokerAddress,
        centre_down_topic,
        centre_up_topic,
        connect,
        new_client,
    )
    from common.wire.errors import ContainerRefused

    broker = BrokerAddress(BROKER_HOST, BROKER_PORT)
    client = new_client(f"ecr-scale-{root[-8:]}-{centre.code}", broker)
    got = threading.Event()

    def on_message(c: Any, u: Any, message: Any) -> None:
        try:
            receipt = centre.sender.receipt(message.payload)
        except ContainerRefused:
            return  # not for this key: a real centre logs it and goes on
        with centre.lock:
            centre.receipted.update(e.act_id for e in receipt.entries)
            if centre.done:
                got.set()

    client.on_message = on_message
    with conns:
        connect(client, broker, 30, clean_start=False, session_expiry=SESSION_EXPIRY)
        try:
            client.subscribe(centre_down_topic(root, centre.code), qos=1)
            if send:
                for _, data in centre.containers:
                    client.publish(centre_up_topic(root, centre.code), data,
                                   qos=1).wait_for_publish(60)
            if not (send and leave_early):
                got.wait(wait_s)
        finally:
            client.disconnect()
            client.loop_stop()


def forget_session(centre: SimCentre, root: str) -> None:
    """Remove the centre's persistent session from the broker (the harness's own)."""
    from common.transport.mqtt import BrokerAddress, connect, new_client

    broker = BrokerAddress(BROKER_HOST, BROKER_PORT)
    client = new_client(f"ecr-scale-{root[-8:]}-{centre.code}", broker)
    connect(client, broker, 30, clean_start=True, session_expiry=0)
    client.disconnect()
    client.loop_stop()


class BrokerClients:
    """Mosquitto's ``$SYS/broker/clients/total`` (connected + kept sessions), its peak."""

    def __init__(self) -> None:
        from common.transport.mqtt import BrokerAddress, connect, new_client

        self.peak = 0
        self.updated = threading.Event()
        broker = BrokerAddress(BROKER_HOST, BROKER_PORT)
        self._client = new_client(f"ecr-scale-sys-{uuid.uuid4().hex[:8]}", broker)
        self._client.on_message = self._on_message
        connect(self._client, broker, 30)
        self._client.subscribe("$SYS/broker/clients/total", qos=0)

    def _on_message(self, c: Any, u: Any, message: Any) -> None:
        try:
            self.peak = max(self.peak, int(message.payload))
        except ValueError:
            return
        self.updated.set()

    def settle(self, timeout: float = 15.0) -> None:
        """Wait for the broker's next count (Mosquitto publishes ``$SYS`` every 10 s)."""
        self.updated.clear()
        self.updated.wait(timeout)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


def t2d_round(dsn: str, pki: Any, centres: list[SimCentre], work: Path) -> None:
    """The isolated centres: their containers in a folder, imported, receipts exported."""
    from common.transport import t2d
    from common.wire.errors import ContainerRefused
    from xmserver.t2d import export_folder, import_folder

    if not centres:
        return
    usb = work / "usb"
    for c in centres:
        t2d.write_folder(usb, t2d.TO_SCEC, c.code,
                         [(t2d.file_name(i + 1, mid), data)
                          for i, (mid, data) in enumerate(c.containers)])
    with psycopg.connect(dsn, autocommit=True) as conn:
        import_folder(conn, pki, usb)
        for c in centres:
            export_folder(conn, pki, usb, c.code)
    for c in centres:
        for file in t2d.read_folder(usb, t2d.TO_CENTRE, c.code).files:
            try:
                receipt = c.sender.receipt(file.data)
            except ContainerRefused:  # the revocation list, not a receipt
                continue
            c.receipted.update(e.act_id for e in receipt.entries)


def _hwm_mb(pid: int) -> float:
    """A process's peak resident memory (Linux ``VmHWM``), in MB; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _stored(dsn: str) -> tuple[int, int]:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*), count(DISTINCT niu) FROM act").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def run(args: argparse.Namespace) -> dict[str, Any]:
    from common.acts.actjson import parse_act_record
    from xmserver.cli import main as xm
    from xmserver.pki_store import load_pki

    name = f"ecr_scale_{uuid.uuid4().hex[:8]}"
    root = f"scale-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = _dsn(name)
    os.environ["XMSERVER_KEY_PASSPHRASE"] = PASSPHRASE
    work = Path(tempfile.mkdtemp(prefix="ecr-scale-"))
    supervisor: subprocess.Popen[bytes] | None = None
    centres: list[SimCentre] = []
    try:
        pki_dir = work / "pki"
        with contextlib.redirect_stdout(sys.stderr):  # stdout is the JSON result
            assert xm(["--db", dsn, "--pki-dir", str(pki_dir), "init", "--country", "SN",
                       "--organisation", "Bench"]) == 0
        logging.getLogger().setLevel(logging.WARNING)  # not one line per certificate
        pki = load_pki(pki_dir, PASSPHRASE.encode())
        foreign = None
        if args.corpus:
            foreign = [parse_act_record(line) for line in
                       Path(args.corpus).read_bytes().splitlines() if line.strip()]
        start = time.perf_counter()
        t2d_every = round(1 / args.t2d_share) if args.t2d_share > 0 else 0
        centres = enrol(dsn, pki, args.centres, args.acts_per_centre, args.batch, t2d_every,
                        foreign)
        enrol_s = time.perf_counter() - start
        with psycopg.connect(dsn) as conn:  # the centres are in: what grows now is acts
            empty = int(conn.execute("SELECT pg_database_size(current_database())")
                        .fetchone()[0])  # type: ignore[index]
        acts = sum(len(c.nius) for c in centres)

        env = dict(os.environ, PYTHONPATH=str(ROOT))
        supervisor = subprocess.Popen(
            [sys.executable, "-c", "from xmserver.cli import main; raise SystemExit(main())",
             "--db", dsn, "--pki-dir", str(pki_dir), "run", "--topic-root", root,
             "--workers", str(args.workers), "--instance", root,
             "--broker", f"{BROKER_HOST}:{BROKER_PORT}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(3)  # the workers subscribe (a publish before that waits in no queue)
        if supervisor.poll() is not None:
            raise SystemExit("xmserver run stopped: " + supervisor.stderr.read().decode()[-2000:]
                             if supervisor.stderr else "")
        sys_clients = BrokerClients()
        conns = Connections()
        online = [c for c in centres if not c.t2d]
        first = time.perf_counter()
        rounds = 0
        worker_peak = 0.0
        with cf.ThreadPoolExecutor(args.connections) as pool:
            pending = online
            send = True
            while pending and rounds < args.rounds:
                rounds += 1
                list(pool.map(lambda c, s=send: visit(
                    c, root, conns, send=s, wait_s=args.wait,
                    leave_early=s and int(c.code) % 100 < args.leave_early * 100), pending))
                if send:
                    t2d_round(dsn, pki, [c for c in centres if c.t2d], work)
                    sys_clients.settle()  # every online centre has a session now
                send = False
                worker_peak = max([worker_peak] + [_hwm_mb(p) for p in _children(
                    supervisor.pid)])
                pending = [c for c in online if not c.done]
        stored, distinct = _stored(dsn)
        deadline = time.monotonic() + 60
        while stored < acts and time.monotonic() < deadline:
            time.sleep(0.5)
            stored, distinct = _stored(dsn)
        elapsed = time.perf_counter() - first
        sys_clients.close()
        with psycopg.connect(dsn) as conn:
            size = int(conn.execute("SELECT pg_database_size(current_database())")
                       .fetchone()[0])  # type: ignore[index]
        sent = set().union(*(c.nius for c in centres))
        with psycopg.connect(dsn) as conn:
            held = {str(n) for (n,) in conn.execute("SELECT niu FROM act")}
        broker_pid = _pid_of("mosquitto")
        return {
            "centres": len(centres), "acts": acts, "stored": stored,
            "lost": len(sent - held), "duplicates": stored - distinct,
            "receipted": sum(len(c.receipted & c.nius) for c in centres),
            "centres_fully_receipted": sum(1 for c in centres if c.done),
            "t2d_centres": sum(1 for c in centres if c.t2d),
            "enrol_s": round(enrol_s, 1), "acts_per_s": round(stored / elapsed, 1),
            "rounds": rounds, "workers": args.workers, "connections_limit": args.connections,
            "broker_sessions": sys_clients.peak, "peak_connections": conns.peak,
            "central_db_bytes_per_million_acts": round((size - empty) / max(1, stored) * 1e6),
            "peak_rss_mb": {
                "harness": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "worker": worker_peak, "supervisor": _hwm_mb(supervisor.pid),
                "broker": _hwm_mb(broker_pid) if broker_pid else None},
            "corpus": args.corpus or "generator",
        }
    finally:
        if supervisor is not None:
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(30)
            except subprocess.TimeoutExpired:
                supervisor.kill()
        with cf.ThreadPoolExecutor(args.connections) as pool:
            list(pool.map(lambda c: forget_session(c, root), [c for c in centres if not c.t2d]))
        if not args.keep:
            with psycopg.connect(ADMIN, autocommit=True) as c:
                c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(name)))


def _pid_of(program: str) -> int | None:
    for status in Path("/proc").glob("[0-9]*/comm"):
        try:
            if status.read_text().strip() == program:
                return int(status.parent.name)
        except OSError:
            continue
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--centres", type=int, default=2000)
    p.add_argument("--acts-per-centre", type=int, default=5)
    p.add_argument("--batch", type=int, default=50, help="acts per container")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connections", type=int, default=50,
                   help="centres connected at once, at most")
    p.add_argument("--leave-early", type=float, default=0.5,
                   help="share of centres that disconnect before their receipt")
    p.add_argument("--t2d-share", type=float, default=0.02,
                   help="share of centres without a link (T2D folders)")
    p.add_argument("--wait", type=float, default=5.0,
                   help="seconds a connected centre waits for its receipt")
    p.add_argument("--rounds", type=int, default=20, help="connection rounds at most")
    p.add_argument("--corpus", default=None, help="acts from this JSONL corpus")
    p.add_argument("--keep", action="store_true", help="keep the central database")
    args = p.parse_args(argv)
    result = run(args)
    print(json.dumps(result, indent=2))
    ok = result["lost"] == 0 and result["duplicates"] == 0 \
        and result["receipted"] == result["acts"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
