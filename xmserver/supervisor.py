"""``xmserver run --workers N``: N worker processes on one machine, restarted if they die.

Each process is one ingest worker (its own MQTT session ``xmserver-<name>-<i>``
and database connection) plus an enrollment responder; the broker's shared
subscriptions spread the containers over them.  Workers hold no state of their
own, so a crashed one is simply started again under the same slot name: its
broker session gives it back the containers it had not acknowledged.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("xmserver.supervisor")


@dataclass(frozen=True)
class WorkerSpec:
    dsn: str
    pki_dir: str
    broker: str
    tls: tuple[str, str, str] | None  # (ca, cert, key) files
    topic_root: str
    instance: str


def _child(spec: WorkerSpec) -> None:
    from pathlib import Path

    from common.transport.mqtt import BrokerAddress, TlsIdentity
    from xmserver import pki_store
    from xmserver.worker import run_worker

    logging.basicConfig(level=logging.INFO,
                        format=f"%(asctime)s {spec.instance} %(name)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides
    tls = (TlsIdentity(Path(spec.tls[0]), Path(spec.tls[1]), Path(spec.tls[2]))
           if spec.tls else None)
    pki = pki_store.load_pki(Path(spec.pki_dir))
    run_worker(spec.dsn, pki, BrokerAddress.parse(spec.broker, tls), spec.topic_root,
               spec.instance, stop)


def supervise(specs: list[WorkerSpec], stop: threading.Event,
              target: Callable[[WorkerSpec], None] = _child) -> None:
    """Run one process per spec until ``stop``; a process that dies is started again."""
    ctx = mp.get_context("spawn")  # no inherited threads, locks or connections
    procs: dict[str, Any] = {}
    backoff: dict[str, float] = {s.instance: 1.0 for s in specs}
    due: dict[str, float] = {s.instance: 0.0 for s in specs}
    by_name = {s.instance: s for s in specs}
    try:
        while not stop.is_set():
            now = time.monotonic()
            for name, spec in by_name.items():
                proc = procs.get(name)
                if proc is not None and proc.is_alive():
                    continue
                if proc is not None:
                    log.error("worker %s exited with code %s; restarting in %.0f s", name,
                              proc.exitcode, backoff[name])
                    due[name] = now + backoff[name]
                    backoff[name] = min(backoff[name] * 2, 60.0)
                    procs.pop(name)
                    continue
                if now >= due[name]:
                    p = ctx.Process(target=target, args=(spec,), name=name, daemon=False)
                    p.start()
                    procs[name] = p
                    log.info("worker %s started (pid %s)", name, p.pid)
            stop.wait(1.0)
    finally:
        for p in procs.values():
            if p.is_alive():
                p.terminate()  # SIGTERM: the worker stops its loop, unacknowledged = redelivered
        for p in procs.values():
            p.join(30)
            if p.is_alive():
                p.kill()
