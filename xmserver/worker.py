"""The ingest worker: containers from the broker into the register, acknowledged after commit.

One worker is one MQTT v5 client in the shared subscription
``$share/xmserver/<root>/centre/+/up`` (the broker gives each container to one
worker of the group) with a persistent session (``clean_start=False``, client
id ``xmserver-<instance>``, stable per worker slot) and **manual
acknowledgement**: the PUBACK of a container is sent only after ``ingest``
committed it.  A worker killed at any moment loses nothing: the broker
redelivers what was not acknowledged when the slot reconnects, and ingest is
idempotent.

Threads: paho's network thread only queues messages and notes PUBACKs; one
processing thread takes the queue in order (MQTT wants acknowledgements in the
order of arrival), ingests, publishes the answers on the centres' ``down``
topics (QoS 1), acknowledges, and, when idle, relays answers that a killed
worker committed but did not publish and routes mentions between centres.  A
database that goes away is waited for (the message is neither acknowledged nor
dropped); any other error on one container is logged and the container is
left unacknowledged for the next delivery, never killing the worker.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
import psycopg

from common.db.connect import DatabaseConfig, DatabaseUnavailable, owner_connection
from common.transport.mqtt import (
    BrokerAddress,
    centre_down_topic,
    centre_up_filter,
    connect,
    new_client,
    revocation_list_topic,
)
from xmserver import ingest
from xmserver.pki_store import ScecPki

log = logging.getLogger("xmserver.worker")

#: Tries before a container on which ingest fails unexpectedly is set aside in quarantine.
UNEXPECTED_RETRIES = 3

#: A worker's broker session survives a day of worker downtime.
SESSION_EXPIRY = 24 * 3600


@dataclass
class WorkerStats:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    answered: int = 0
    relayed: int = 0
    db_errors: int = 0


class IngestWorker:
    def __init__(self, dsn: str, pki: ScecPki, broker: BrokerAddress, *, topic_root: str = "ecr",
                 instance: str = "1", relay_seconds: float = 10.0,
                 publish_timeout: float = 30.0) -> None:
        self.dsn = dsn
        self.pki = pki
        self.broker = broker
        self.topic_root = topic_root
        self.client_id = f"xmserver-{instance}"
        self.relay_seconds = relay_seconds
        self.publish_timeout = publish_timeout
        self.stats = WorkerStats()
        self._inbox: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
        self._published: queue.Queue[int] = queue.Queue()  # outgoing rows the broker took
        self._pending: dict[int, int] = {}  # our publish mid → outgoing row id
        self._early: set[int] = set()  # PUBACKs that came before publish() returned
        self._pending_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn_cm: Any = None
        self._conn: psycopg.Connection[Any] | None = None
        self._client: mqtt.Client | None = None
        self._crl_published: tuple[int, float] = (-1, 0.0)  # list number, when

    # ------------------------------------------------------------------ MQTT side
    def start(self, timeout: float = 15.0) -> None:
        client = new_client(self.client_id, self.broker)
        client.manual_ack_set(True)
        client.on_message = lambda c, u, m: self._inbox.put(m)
        client.on_publish = self._on_publish
        subscribed = threading.Event()
        client.on_subscribe = lambda *a: subscribed.set()
        connect(client, self.broker, timeout, clean_start=False, session_expiry=SESSION_EXPIRY,
                keepalive=60)
        # after the first connect, paho reconnects by itself: subscribe again each time
        client.on_connect = lambda c, *a: c.subscribe(centre_up_filter(self.topic_root), qos=1)
        client.subscribe(centre_up_filter(self.topic_root), qos=1)
        if not subscribed.wait(timeout):
            client.loop_stop()
            raise RuntimeError("the broker did not confirm the subscription")
        self._client = client
        self._thread = threading.Thread(target=self._run, name=self.client_id, daemon=True)
        self._thread.start()
        log.info("worker %s consuming %s", self.client_id, centre_up_filter(self.topic_root))

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()
            self._client = None
        self._close_db()

    def _on_publish(self, client: mqtt.Client, userdata: object, mid: int, *rest: object) -> None:
        # The broker's PUBACK can come before publish() has returned in the other thread
        # (paho calls this holding its own lock: never hold ours around publish()).
        with self._pending_lock:
            row = self._pending.pop(mid, None)
            if row is None:
                self._early.add(mid)
        if row is not None:
            self._published.put(row)

    # ------------------------------------------------------------------ processing
    def _db(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn_cm = owner_connection(DatabaseConfig.networked(self.dsn))
            self._conn = self._conn_cm.__enter__()
            self._conn.autocommit = True
        return self._conn

    def _close_db(self) -> None:
        if self._conn_cm is not None:
            try:
                self._conn_cm.__exit__(None, None, None)
            except psycopg.Error:
                pass
        self._conn_cm = self._conn = None

    def _run(self) -> None:
        last_relay = 0.0
        while not self._stop.is_set():
            try:
                message = self._inbox.get(timeout=0.5)
            except queue.Empty:
                message = None
            if message is not None:
                self._handle(message)
            self._note_published()
            if message is None and time.monotonic() - last_relay >= self.relay_seconds:
                last_relay = time.monotonic()
                self._with_db(self._relay)

    def _handle(self, message: mqtt.MQTTMessage) -> None:
        self.stats.received += 1
        data = bytes(message.payload)
        result = None
        for attempt in range(1, UNEXPECTED_RETRIES + 1):
            try:
                result = self._with_db(lambda conn: ingest.ingest(
                    conn, self.pki, data, carrier="mqtt", topic=message.topic))
                break
            except Exception as exc:  # a bug, or a database error that is not an outage
                failure = exc
                log.exception("ingest failed on a container from %s (attempt %d)",
                              message.topic, attempt)
                if attempt == UNEXPECTED_RETRIES:
                    # Keep the bytes (xmserver quarantine retry ID) and let the rest flow.
                    result = self._with_db(lambda conn, failure=failure: (
                        ingest.quarantine_failure(conn, data, "mqtt", message.topic, failure)))
                else:
                    self._stop.wait(attempt)
        if result is None:
            return  # stopping: not acknowledged, the broker will deliver it again
        self._count(result)
        self._publish(result.outgoing)
        if result.kind == "MENTION_OUT" and result.outcome == "stored":
            self._with_db(lambda conn: self._publish(ingest.route(conn, self.pki)))
        assert self._client is not None
        self._client.ack(message.mid, message.qos)

    def _count(self, result: ingest.Ingested) -> None:
        if result.outcome == "stored":
            self.stats.stored += 1
        elif result.outcome == "duplicate":
            self.stats.duplicates += 1
        elif result.outcome == "quarantined":
            self.stats.quarantined += 1
        else:
            self.stats.answered += 1

    def _with_db(self, work: Any) -> Any:
        """Run ``work(conn)``; wait for the database while it is away (unless stopping)."""
        delay = 1.0
        while not self._stop.is_set():
            try:
                return work(self._db())
            except (psycopg.OperationalError, DatabaseUnavailable) as exc:
                self.stats.db_errors += 1
                log.warning("central database unavailable (%s); retrying in %.0f s", exc, delay)
                self._close_db()
                self._stop.wait(delay * random.uniform(0.7, 1.3))
                delay = min(delay * 2, 30.0)
        return None

    def _publish(self, outgoing: tuple[ingest.Outgoing, ...] | list[ingest.Outgoing]) -> None:
        assert self._client is not None
        for out in outgoing:
            info = self._client.publish(centre_down_topic(self.topic_root, out.centre),
                                        out.data, qos=1)
            with self._pending_lock:
                early = info.mid in self._early
                if early:
                    self._early.discard(info.mid)
                else:
                    self._pending[info.mid] = out.id
            if early:
                self._published.put(out.id)

    def _note_published(self) -> None:
        ids: list[int] = []
        while True:
            try:
                ids.append(self._published.get_nowait())
            except queue.Empty:
                break
        if ids:
            self._with_db(lambda conn: ingest.mark_published(conn, ids))

    def _relay(self, conn: psycopg.Connection[Any]) -> None:
        self._publish_revocations(conn)
        taken = ingest.claim_unpublished(conn)
        routed = ingest.route(conn, self.pki)  # new containers: mentions, notices
        ingest.refresh_statistics(conn)
        if taken:
            log.info("relaying %d answers not published yet", len(taken))
            self.stats.relayed += len(taken)
        if taken or routed:
            self._publish(taken + routed)


    def _publish_revocations(self, conn: psycopg.Connection[Any]) -> None:
        """Keep the country's revocation list retained on its topic (issue 15).

        Published when its number changes (a centre revoked, the list re-issued before
        it goes stale) and once an hour anyway (a broker restarted without its
        retained messages); any worker may do it, the same list twice is harmless."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        from xmserver.centres import current_revocation_list

        crl = current_revocation_list(conn, self.pki)
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        now = time.monotonic()
        if number == self._crl_published[0] and now - self._crl_published[1] < 3600:
            return
        assert self._client is not None
        info = self._client.publish(revocation_list_topic(self.topic_root),
                                    crl.public_bytes(serialization.Encoding.DER), qos=1,
                                    retain=True)
        if info.rc == mqtt.MQTT_ERR_SUCCESS:
            self._crl_published = (number, now)
            log.info("revocation list %d published (retained)", number)


def run_worker(dsn: str, pki: ScecPki, broker: BrokerAddress, topic_root: str, instance: str,
               stop: threading.Event, *, with_enrollment: bool = True) -> None:
    """One worker process: ingest, national queries and (by default) enrollment, until
    ``stop`` is set."""
    from xmserver.service import EnrollmentService, QueryService

    worker = IngestWorker(dsn, pki, broker, topic_root=topic_root, instance=instance)
    enrollment = EnrollmentService(dsn, pki, broker, topic_root) if with_enrollment else None
    queries = QueryService(dsn, pki, broker, topic_root)
    worker.start()
    if enrollment is not None:
        enrollment.start()
    queries.start()
    log.info("xmserver running: worker %s on %s, enrollment %s, national queries on",
             worker.client_id, broker, "on" if enrollment is not None else "off")
    try:
        stop.wait()
    finally:
        queries.stop()
        if enrollment is not None:
            enrollment.stop()
        worker.stop()
