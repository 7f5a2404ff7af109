"""The satellite link: a centre centralising N acts over 22 kbps with 300 ms each way, TLS on.

    PYTHONPATH=. .venv/bin/python bench/link.py --acts 1000
    PYTHONPATH=. .venv/bin/python bench/link.py --corpus /tmp/foreign.jsonl --acts 1000
    PYTHONPATH=. .venv/bin/python bench/link.py --acts 1000 --cut-every 60 --cut-for 20

Everything is real but the satellite modem: a throwaway SCEC (``xmserver
init``), its broker configured by ``xmserver broker-config`` (a private
Mosquitto, TLS, client certificates), one ingest worker; a centre made by
``ecr init`` on its own database, enrolled with the SCEC, whose acts are taken
through the real workflow (draft, verify, validate), then sent by the real
transmitter (``ecr transmitter``'s code) through a TCP proxy that stands in for
the modem: each direction is serialised at ``--kbps`` and delayed by
``--latency-ms``, and ``--cut-every S --cut-for S`` drops every connection and
refuses new ones for a while (a satellite outage).  Bytes are counted at the TCP
level, both directions (TLS records, MQTT, containers, receipts).

Prints JSON: ``acts``, ``acts_per_min`` (first send to last receipt),
``bytes_per_act`` (both directions), ``up_bytes_per_act``,
``ceiling_acts_per_min`` (uplink line rate ÷ uplink bytes per act), ``lost``,
``duplicates``, ``outages``.  With ``--corpus FILE.jsonl`` (one ``{"type",
"data"}`` draft or full ``ecr-act/1`` record a line) any corpus can be measured:
use bench/foreign_corpus.py for acts that no dictionary was trained on.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ADMIN = os.environ.get("ECR_BENCH_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")


class ShapedLink:
    """A TCP proxy that behaves like a slow, far link (the only stand-in of this bench)."""

    def __init__(self, target: tuple[str, int], kbps: float, latency: float,
                 cut_every: float = 0.0, cut_for: float = 0.0) -> None:
        self.target, self.rate, self.latency = target, kbps * 1000 / 8, latency
        self.cut_every, self.cut_for = cut_every, cut_for
        self.bytes = {"up": 0, "down": 0}
        self.outages = 0
        self._down = threading.Event()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        if cut_every > 0:
            threading.Thread(target=self._outages, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self._down.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            self._pipe(client, upstream, "up")
            self._pipe(upstream, client, "down")

    def _pipe(self, src: socket.socket, dst: socket.socket, direction: str) -> None:
        line_free = [0.0]
        due: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def read() -> None:
            while True:
                try:
                    data = src.recv(1460)
                except OSError:
                    data = b""
                now = time.monotonic()
                if data:
                    start = max(now, line_free[0])
                    line_free[0] = start + len(data) / self.rate
                    with self._lock:
                        self.bytes[direction] += len(data)
                    due.put((line_free[0] + self.latency, data))
                else:
                    due.put((now + self.latency, b""))
                    return

        def write() -> None:
            while True:
                at, data = due.get()
                delay = at - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                try:
                    if not data:
                        dst.shutdown(socket.SHUT_WR)
                        return
                    dst.sendall(data)
                except OSError:
                    return

        threading.Thread(target=read, daemon=True).start()
        threading.Thread(target=write, daemon=True).start()

    def _outages(self) -> None:
        while not self._stop.wait(self.cut_every):
            self._down.set()
            self.outages += 1
            with self._lock:
                conns, self._conns = self._conns, []
            for c in conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
            self._stop.wait(self.cut_for)
            self._down.clear()

    def close(self) -> None:
        self._stop.set()
        self._server.close()


def _database() -> tuple[str, str]:
    name = f"ecr_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, ADMIN.rsplit("dbname=", 1)[0] + f"dbname={name}"


def _drop(names: list[str]) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as c:
        for name in names:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                      .format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _shifted(event_type: str, data: dict[str, Any], registered: str | None) -> dict[str, Any]:
    """The act moved in time so that it is registered today (every DATE leaf of the data
    dictionary shifted by the same number of days): a corpus from past years would
    otherwise be late registrations, which need a court decision at the centre."""
    import datetime as dt

    from bench.foreign_corpus import _paths
    from common.acts.dictionary import event
    from common.acts.model import Kind

    if not registered:
        return data
    delta = dt.date.today() - dt.date.fromisoformat(registered)
    kinds = dict(event(event_type).leaves())
    data = json.loads(json.dumps(data))
    for path, container, key in list(_paths(data)):
        field = kinds.get(path)
        value = container[key]  # type: ignore[index]
        if field is not None and field.kind is Kind.DATE and isinstance(value, str):
            container[key] = (dt.date.fromisoformat(value) + delta).isoformat()  # type: ignore[index]
    return data


def _drafts(n: int, corpus: str | None) -> list[tuple[str, dict[str, Any]]]:
    if corpus:
        out = []
        for line in Path(corpus).read_bytes().splitlines():
            if line.strip():
                doc = json.loads(line)
                out.append((doc["type"], _shifted(doc["type"], doc["data"],
                                                  doc.get("registered_on"))))
        return out[:n]
    from common.wire.corpus import MEASURE_SEED, realistic_records

    return [(r.event_type, _shifted(r.event_type, dict(r.data), r.registered_on.isoformat()))
            for r in realistic_records(n, seed=MEASURE_SEED)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--acts", type=int, default=1000)
    p.add_argument("--corpus", default=None)
    p.add_argument("--kbps", type=float, default=22.0)
    p.add_argument("--latency-ms", type=float, default=300.0)
    p.add_argument("--cut-every", type=float, default=0.0)
    p.add_argument("--cut-for", type=float, default=0.0)
    p.add_argument("--timeout", type=float, default=3600.0)
    args = p.parse_args()
    os.environ.setdefault("XMSERVER_KEY_PASSPHRASE", "bench SCEC passphrase")
    os.environ.setdefault("ECR_KEY_PASSPHRASE", "bench centre passphrase")

    from common.pki import centre as centre_pki
    from common.transport.mqtt import BrokerAddress, TlsIdentity
    from ecr_tk.services import Centre
    from ecr_tk.transmission import service
    from xmserver.centres import add_centre
    from xmserver.cli import main as xm
    from xmserver.enrollment import handle_enrollment
    from xmserver.pki_store import load_pki
    from xmserver.worker import IngestWorker

    tmp = Path(tempfile.mkdtemp(prefix="ecr-link-"))
    scec_db, scec_dsn = _database()
    centre_db, centre_dsn = _database()
    broker_proc = None
    worker = None
    link = None
    try:
        pki_dir = tmp / "pki"
        assert xm(["--db", scec_dsn, "--pki-dir", str(pki_dir), "init", "--country", "SN",
                   "--organisation", "Bench"]) == 0
        port, enroll_port = _free_port(), _free_port()
        assert xm(["--db", scec_dsn, "--pki-dir", str(pki_dir), "broker-config", "--out",
                   str(tmp / "broker"), "--host", "127.0.0.1", "--port", str(port),
                   "--enroll-port", str(enroll_port), "--user", "root"]) == 0
        broker_proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c",
                                        str(tmp / "broker" / "mosquitto.conf")],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        pki = load_pki(pki_dir)
        b = tmp / "broker"
        worker = IngestWorker(scec_dsn, pki, BrokerAddress(
            "127.0.0.1", port, TlsIdentity(b / "ca.pem", b / "worker.pem", b / "worker.key")),
            instance=f"bench-{uuid.uuid4().hex[:6]}")
        worker.start()
        code = "224500"
        home = tmp / "centre"
        centre = Centre.init(home, code, "Centre de Kédougou", 1, "Awa Diop", "officer-pass-1",
                             dsn=centre_dsn)
        keys = home / "keys"
        with psycopg.connect(scec_dsn, autocommit=True) as conn:
            token = add_centre(conn, code)
            response = handle_enrollment(conn, pki,
                                         centre_pki.enrollment_request(keys, token).to_bytes())
        centre_pki.install_response(keys, response)
        link = ShapedLink(("127.0.0.1", port), args.kbps, args.latency_ms / 1000,
                          args.cut_every, args.cut_for)
        assert centre.home is not None
        centre.home = centre.home.update({"transmission.broker": f"127.0.0.1:{link.port}",
                                          "transmission.tls": True})
        officer = centre.login(1, "officer-pass-1")
        officer.users.add(2, "Moussa Fall", "secretary", "secretary-pass-1")
        officer.users.add(3, "Fatou Sarr", "agent", "agent-pass-01")
        secretary = centre.login(2, "secretary-pass-1")
        agent = centre.login(3, "agent-pass-01")
        refused: collections.Counter[str] = collections.Counter()
        nius = []
        for event_type, data in _drafts(args.acts, args.corpus):
            try:
                draft = agent.acts.draft(event_type, data, confirm_duplicates=True)
                assert draft.id is not None
                nius.append(secretary.acts.verify(draft.id))
                officer.acts.validate(draft.id)
            except Exception as exc:
                refused[type(exc).__name__ + ":" + str(getattr(exc, "rule", ""))] += 1
        link.bytes = {"up": 0, "down": 0}
        stop = threading.Event()
        start = time.monotonic()
        thread = threading.Thread(target=service.run, args=(centre.home, stop), daemon=True)
        thread.start()
        with psycopg.connect(centre_dsn, autocommit=True) as conn:
            while time.monotonic() - start < args.timeout:
                left = conn.execute("SELECT count(*) FROM ecr.outbox WHERE state NOT IN "
                                    "('acknowledged', 'refused')").fetchone()[0]
                if left == 0:
                    break
                time.sleep(0.2)
        elapsed = time.monotonic() - start
        stop.set()
        thread.join(60)
        with psycopg.connect(scec_dsn) as conn:
            stored = dict(conn.execute("SELECT niu, count(*) FROM act GROUP BY niu").fetchall())
        acts = len(nius)
        up, down = link.bytes["up"], link.bytes["down"]
        result = {
            "acts": acts, "corpus": args.corpus or "generator", "refused_at_centre": refused,
            "kbps": args.kbps, "latency_ms": args.latency_ms, "tls": True,
            "cut_every": args.cut_every, "cut_for": args.cut_for, "outages": link.outages,
            "seconds": round(elapsed, 1), "acts_per_min": round(acts / elapsed * 60),
            "bytes_per_act": round((up + down) / acts, 1),
            "up_bytes_per_act": round(up / acts, 1), "down_bytes_per_act": round(down / acts, 1),
            "ceiling_acts_per_min": round(args.kbps * 1000 / 8 * 60 / (up / acts)),
            "lost": sum(1 for n in nius if n not in stored),
            "duplicates": sum(1 for c in stored.values() if c > 1),
        }
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        centre.close()
    finally:
        if worker is not None:
            worker.stop()
        if link is not None:
            link.close()
        if broker_proc is not None:
            broker_proc.terminate()
            broker_proc.wait(10)
        _drop([scec_db, centre_db])


if __name__ == "__main__":
    main()
