"""National queries, the transmitter's side: seal the questions, send them, store the answers.

A question is recorded by a workstation (``ecr.national_query_ask``, audited by
the database); here, with the owner connection and the centre's key,

* ``seal_open`` seals every unanswered question (its id is the QUERY's message
  id, so sealing again gives the SCEC the same question) and returns the
  containers, for ``ask_online`` and the T2D export;
* the long-running transmitter (``Transmitter._ask_national``) publishes the
  questions workstations record (``due``), with a response topic of its persistent
  session, so a networked centre's questions leave from its server;
* ``ask_online`` sends one question as an MQTT v5 request (response topic and
  correlation data, ``common.transport.mqtt.request``) on a short-lived
  connection of its own (the long-running transmitter keeps its persistent
  session) and stores the answer; without a link the question waits for the
  next try or the next T2D round, and says so;
* ``store_answer`` keeps a verified ``QUERY_ANSWER`` (online, from a T2D folder,
  or relayed on the centre's down topic): once per question; an answer to a
  question this centre never asked is ignored.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from common.db.connect import DatabaseConfig, owner_connection
from common.transport.mqtt import CarrierUnavailable, query_request_topic, request
from common.wire import batches
from common.wire.container import OpenedMessage
from common.wire.errors import ContainerRefused
from common.wire.query import Query, QueryAnswer
from ecr_tk.home import CentreHome

from .sealing import Sealer

log = logging.getLogger("ecr.transmitter")

Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class Sent:
    """What became of one question: ``answered``, or ``waiting`` with the link's reason."""

    outcome: str
    reason: str = ""


def seal_open(conn: Conn, sealer: Sealer, only: uuid.UUID | None = None, *,
              sent_before: dt.datetime | None = None) -> list[tuple[uuid.UUID, bytes]]:
    """The unanswered questions (asked within the SCEC's 60 days), sealed once each;
    with ``sent_before``, only those never sent or last sent before it."""
    out = []
    with conn.transaction():
        rows = conn.execute(
            "SELECT message_id, asked_by, asked_by_name, role, criteria, asked_at, data"
            " FROM ecr.national_query WHERE answered_at IS NULL AND asked_at > now() - %s"
            " AND (%s::uuid IS NULL OR message_id = %s)"
            " AND (%s::timestamptz IS NULL OR sent_at IS NULL OR sent_at < %s)"
            " ORDER BY asked_at FOR UPDATE SKIP LOCKED",
            (batches.SYNC_MAX_AGE, only, only, sent_before, sent_before)).fetchall()
        for message_id, number, name, role, criteria, asked_at, data in rows:
            if data is None:
                query = Query(int(number), str(name), str(role), dict(criteria))
                _, data = sealer.seal_query(query, message_id, asked_at)
                conn.execute("UPDATE ecr.national_query SET data = %s WHERE message_id = %s",
                             (data, message_id))
            out.append((message_id, bytes(data)))
    return out


def due(conn: Conn, sealer: Sealer, resend_after: dt.timedelta
        ) -> list[tuple[uuid.UUID, bytes]]:
    """What the long-running transmitter publishes now: questions never sent, and
    unanswered ones sent longer than ``resend_after`` ago (same bytes, same id)."""
    return seal_open(conn, sealer, sent_before=dt.datetime.now(dt.UTC) - resend_after)


def mark_sent(conn: Conn, message_ids: list[uuid.UUID]) -> None:
    conn.execute("UPDATE ecr.national_query SET sent_at = now() WHERE message_id = ANY(%s)",
                 (message_ids,))


def store_answer(conn: Conn, opened: OpenedMessage, answer: QueryAnswer, data: bytes
                 ) -> int | None:
    """Keep the SCEC's answer; ``None`` if this question was answered before (or not ours)."""
    row = conn.execute(
        "UPDATE ecr.national_query SET answered_at = now(), refusal = %s, found = %s,"
        " acts = %s::jsonb, centres = %s::jsonb, answer_data = %s"
        " WHERE message_id = %s AND answered_at IS NULL RETURNING 1",
        (answer.refusal or None, answer.found,
         json.dumps([a.to_dict() for a in answer.acts], ensure_ascii=False),
         json.dumps(dict(answer.centres), ensure_ascii=False), data,
         answer.answers)).fetchone()
    if row is None:
        log.info("national answer %s: already stored, or to no question of ours",
                 opened.header.message_id)
        return None
    return len(answer.acts)


def ask_online(home: CentreHome, query_id: uuid.UUID, *, wait: float = 30.0,
               config: DatabaseConfig | None = None) -> Sent:
    """Send one question now and store its answer; ``waiting`` when there is no link."""
    from .service import link_config

    sealer = Sealer.from_keys(home.folder("keys"))
    link = link_config(home)
    with owner_connection(config or home.database_config()) as conn:
        sealed = seal_open(conn, sealer, only=query_id)
        if not sealed:
            return Sent("answered")  # answered already (or older than the SCEC keeps)
        _, data = sealed[0]
        mark_sent(conn, [query_id])
        try:
            reply = request(link.broker, query_request_topic(link.topic_root, sealer.centre),
                            data, timeout=max(1.0, wait))
        except CarrierUnavailable as exc:
            log.info("national query %s waits: %s", query_id, exc)
            return Sent("waiting", str(exc))
        try:
            opened, answer = sealer.open_query_answer(reply)
        except ContainerRefused as refusal:
            log.warning("national query %s: the answer was refused: %s", query_id, refusal)
            return Sent("waiting", refusal.reason)
        if answer.answers != query_id:
            return Sent("waiting", "answer_to_another_question")
        with conn.transaction():
            store_answer(conn, opened, answer, reply)
    return Sent("answered")
