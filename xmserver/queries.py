"""National queries at the SCEC: answer a centre's ``QUERY`` from the national register.

``answer`` is called by ``ingest`` for a ``QUERY`` container, whichever carrier
brought it (MQTT request/response, a T2D folder): it is opened and its signer
checked like every container; then, in one transaction under the asking
centre's row lock,

* a query already answered (same message id: a re-sent request, a folder
  imported twice) gets the very answer it got, nothing counted twice;
* a role that may not ask the whole country (``NATIONAL_QUERY_ROLES``) and a
  centre over its hourly allowance (``queries_per_hour``, default
  ``QUERIES_PER_HOUR``) are refused, and the refusal is the answer;
* otherwise the national register is searched, and the question, who asked, the
  number of matches and the NIUs returned are kept in ``national_query`` (the
  SCEC's end of the audit of national reads); the answer is sealed for the
  asking centre and written to ``outgoing`` in the same transaction.

The search: by NIU, the act itself; by names, every word typed must be a name
word of a person the act names (``act.name_keys``, the keys ingest indexes),
with the event type and the event's dates when given; newest first.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from psycopg import sql

from common.acts.actjson import ActRecord, parse_act_record
from common.acts.names import name_tokens
from common.errors import UserError
from common.i18n import translator
from common.wire import batches
from common.wire.container import OpenedMessage
from common.wire.errors import ContainerRefused
from common.wire.query import NATIONAL_QUERY_ROLES, Query, QueryAnswer, decode_query
from xmserver.ingest import Conn, Ingested, Outgoing, _quarantine_alone, _replies, send
from xmserver.pki_store import ScecPki

tr = translator("scec")

#: What a centre may ask per hour unless its row says otherwise (``centre.queries_per_hour``):
#: enough for a busy desk, far too few to copy the register out through the SCEC.
QUERIES_PER_HOUR = 120
#: Matches counted beyond the answer's acts, then "at least this many".
COUNT_CAP = 1000


def answer(conn: Conn, pki: ScecPki, opened: OpenedMessage, data: bytes, carrier: str,
           topic: str, now: dt.datetime) -> Ingested:
    header = opened.header
    centre = header.centre
    if dt.datetime.fromtimestamp(header.created, dt.UTC) < now - batches.SYNC_MAX_AGE:
        return _quarantine_alone(conn, data, carrier, topic, centre, ContainerRefused(
            "too_old", "a national query is answered within 60 days"))
    try:
        query = decode_query(opened.body)
    except ContainerRefused as bad:
        return _quarantine_alone(conn, data, carrier, topic, centre, bad)
    with conn.transaction():
        row = conn.execute("SELECT coalesce(queries_per_hour, %s) FROM centre WHERE code = %s"
                           " FOR UPDATE", (QUERIES_PER_HOUR, centre)).fetchone()
        assert row is not None  # the signer is an enrolled centre
        again = _replies(conn, [header.message_id], "QUERY_ANSWER")
        if again:
            return Ingested("answered", centre, header.kind.name, 0, outgoing=again)
        refusal = _refusal(conn, centre, query, int(row[0]), now)
        acts: list[ActRecord] = []
        found = 0
        names: dict[str, str] = {}
        if not refusal:
            found, acts = search(conn, query)
            names = _centre_names(conn, {str(a.centre_code) for a in acts})
        conn.execute(
            "INSERT INTO national_query (message_id, centre, asked_by, asked_by_name, role,"
            " criteria, asked_at, carrier, found, returned, refusal)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (header.message_id, centre, query.asked_by, query.asked_by_name, query.role,
             json.dumps(dict(query.criteria), ensure_ascii=False),
             dt.datetime.fromtimestamp(header.created, dt.UTC), carrier, found,
             [str(a.niu) for a in acts], refusal or None))
        reply = QueryAnswer(header.message_id, found, tuple(acts), refusal, names)
        out = send(conn, pki, centre, opened.signer, "QUERY_ANSWER", header.message_id,
                   lambda seq: batches.query_answer_message(
                       reply, centre=centre, sequence=seq, dictionary=header.dictionary))
        if carrier == "mqtt":
            # answered on the request's response topic, not on the centre's down topic;
            # the relay leaves it alone (a T2D export still carries it)
            conn.execute("UPDATE outgoing SET published_at = now() WHERE id = %s", (out.id,))
    return Ingested("answered", centre, header.kind.name, 0, reason=refusal,
                    outgoing=(Outgoing(out.id, out.centre, out.kind, out.data),))


def _refusal(conn: Conn, centre: str, query: Query, per_hour: int, now: dt.datetime) -> str:
    if query.role not in NATIONAL_QUERY_ROLES:
        return "role_not_allowed"
    row = conn.execute("SELECT count(*) FROM national_query WHERE centre = %s"
                       " AND received_at > %s AND refusal IS NULL",
                       (centre, now - dt.timedelta(hours=1))).fetchone()
    assert row is not None
    return "rate_limited" if int(row[0]) >= per_hour else ""


def search(conn: Conn, query: Query) -> tuple[int, list[ActRecord]]:
    """How many acts match (up to ``COUNT_CAP``) and the newest ``query.limit`` of them."""
    c = query.criteria
    where: list[sql.Composable] = []
    params: list[Any] = []
    if "niu" in c:
        where.append(sql.SQL("niu = %s AND reg_year = %s"))
        params += [c["niu"], int(c["niu"][6:10])]
    words = [t for key in ("surname", "given_names") if key in c for t in name_tokens(c[key])]
    if words:
        where.append(sql.SQL("name_keys @> %s"))
        params.append(sorted(set(words)))
    elif "niu" not in c:
        return 0, []  # a name of punctuation only: nothing to look for
    if "event_type" in c:
        where.append(sql.SQL("event_type = %s"))
        params.append(c["event_type"])
    if "occurred_from" in c:
        where.append(sql.SQL("occurred_on >= %s"))
        params.append(dt.date.fromisoformat(c["occurred_from"]))
    if "occurred_to" in c:
        where.append(sql.SQL("occurred_on <= %s"))
        params.append(dt.date.fromisoformat(c["occurred_to"]))
    condition = sql.SQL(" AND ").join(where)
    counted = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM act WHERE {} LIMIT {})"
                                   " m").format(condition, sql.Literal(COUNT_CAP)),
                           params).fetchone()
    assert counted is not None
    rows = conn.execute(sql.SQL("SELECT record FROM act WHERE {} ORDER BY occurred_on DESC"
                                " NULLS LAST, niu LIMIT %s").format(condition),
                        [*params, query.limit]).fetchall()
    return int(counted[0]), [parse_act_record(json.dumps(r[0])) for r in rows]


def _centre_names(conn: Conn, codes: set[str]) -> dict[str, str]:
    rows = conn.execute("SELECT code, name FROM centre WHERE code = ANY(%s)",
                        (sorted(codes),)).fetchall()
    return {str(code): str(name) for code, name in rows}


def set_limit(conn: Conn, centre: str, per_hour: int | None) -> int:
    """Set (or, with ``None``, reset to the default) a centre's hourly allowance."""
    if per_hour is not None and not 0 <= per_hour <= 100_000:
        raise UserError(tr("A number of queries per hour is between 0 and 100,000"),
                        field="per_hour", rule="bad_limit")
    row = conn.execute("UPDATE centre SET queries_per_hour = %s WHERE code = %s"
                       " RETURNING coalesce(queries_per_hour, %s)",
                       (per_hour, centre, QUERIES_PER_HOUR)).fetchone()
    if row is None:
        raise UserError(tr("Unknown centre {code}", code=centre[:20]), field="code",
                        rule="unknown_centre")
    return int(row[0])


def queries(conn: Conn, *, centre: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The national queries received, newest first (``xmserver queries list``)."""
    rows = conn.execute(
        "SELECT message_id, centre, asked_by, asked_by_name, role, criteria, asked_at,"
        " received_at, carrier, found, returned, refusal FROM national_query"
        " WHERE %s::text IS NULL OR centre = %s ORDER BY received_at DESC LIMIT %s",
        (centre, centre, max(1, min(limit, 10_000)))).fetchall()
    keys = ("message_id", "centre", "asked_by", "asked_by_name", "role", "criteria", "asked_at",
            "received_at", "carrier", "found", "returned", "refusal")
    return [dict(zip(keys, r, strict=True)) for r in rows]
