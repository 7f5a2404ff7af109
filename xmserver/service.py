"""``xmserver run``: the long-running worker, stateless (any number may run).

It serves enrollment requests and national queries over MQTT (request/response);
the container consumer is ``xmserver.worker``.  State lives in the database; the worker holds one
connection and the SCEC keys, nothing else, so killing it loses nothing.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg

from common.db.connect import DatabaseConfig, owner_connection
from common.i18n import translator
from common.pki.enrollment import EnrollmentResponse
from common.transport.mqtt import (
    BrokerAddress,
    Responder,
    enroll_request_filter,
    query_request_filter,
)
from xmserver.enrollment import handle_enrollment
from xmserver.pki_store import ScecPki

tr = translator("scec")
log = logging.getLogger("xmserver.service")


class _Responding:
    """A ``Responder`` on one topic filter with one database connection, used under a lock."""

    def __init__(self, dsn: str, pki: ScecPki, broker: BrokerAddress, topic_filter: str,
                 topic_root: str) -> None:
        self.dsn = dsn
        self.pki = pki
        self.topic_root = topic_root
        self._lock = threading.Lock()
        self._conn_cm: Any = None
        self._conn: psycopg.Connection[Any] | None = None
        self._responder = Responder(broker, topic_filter, self._handle)

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            self._conn_cm = owner_connection(DatabaseConfig.networked(self.dsn))
            self._conn = self._conn_cm.__enter__()
        return self._conn

    def _handle(self, topic: str, payload: bytes) -> bytes | None:
        raise NotImplementedError

    def start(self) -> None:
        self._responder.start()

    def _close(self) -> None:
        if self._conn_cm is not None:
            try:
                self._conn_cm.__exit__(None, None, None)
            except psycopg.Error:
                pass
        self._conn_cm = self._conn = None

    def stop(self) -> None:
        self._responder.stop()
        with self._lock:
            self._close()


class EnrollmentService(_Responding):
    """Answers ``<root>/enroll/<centre>/request`` messages with enrollment responses."""

    def __init__(self, dsn: str, pki: ScecPki, broker: BrokerAddress, topic_root: str = "ecr"):
        super().__init__(dsn, pki, broker, enroll_request_filter(topic_root), topic_root)

    def _handle(self, topic: str, payload: bytes) -> bytes | None:
        parts = topic.split("/")
        centre = parts[-2] if len(parts) >= 3 else ""
        with self._lock:
            try:
                response = handle_enrollment(self._connection(), self.pki, payload,
                                             topic_centre=centre)
            except psycopg.Error:
                log.exception("database error while handling an enrollment request")
                self._close()
                response = EnrollmentResponse.refused(
                    "scec_unavailable", tr("The SCEC database is unavailable; retry later"))
        return response.to_bytes()


class QueryService(_Responding):
    """Answers national queries on ``<root>/query/<centre>/request`` (MQTT v5 request/response).

    The query goes through ``ingest`` like any container (opened, signer checked,
    quarantined if bad, audited in ``national_query``); the sealed answer is the
    response.  A quarantined query and a database that went away get no answer:
    the centre's request times out and the clerk asks again (the same message id
    gets the same answer)."""

    def __init__(self, dsn: str, pki: ScecPki, broker: BrokerAddress, topic_root: str = "ecr"):
        super().__init__(dsn, pki, broker, query_request_filter(topic_root), topic_root)

    def _handle(self, topic: str, payload: bytes) -> bytes | None:
        from xmserver.ingest import ingest

        with self._lock:
            try:
                result = ingest(self._connection(), self.pki, payload, carrier="mqtt",
                                topic=topic)
            except psycopg.Error:
                log.exception("database error while answering a national query")
                self._close()
                return None
        answers = [o for o in result.outgoing if o.kind == "QUERY_ANSWER"]
        return answers[0].data if answers else None


def run_forever(service: EnrollmentService, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    service.start()
    log.info("xmserver running: enrollment on %s/enroll/+/request", service.topic_root)
    try:
        stop.wait()
    finally:
        service.stop()
