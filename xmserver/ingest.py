"""Ingest: one container from a centre into the national register, in one transaction.

``ingest`` is the one path by which anything a centre sends reaches the
central database: the MQTT workers (``xmserver run``) and the removable-media
import (``xmserver t2d import``) both call it with the container's bytes.  It
follows docs/protocol.md:

* the container is opened with the wire layer's opener (every check: recipient,
  signature, signer's certificate and revocation, age, payload); a refusal puts
  the bytes in ``quarantine`` with the reason and nothing else happens;
* the replay rule is the database's: ``seen_message`` keyed by (centre,
  sequence) and by message id.  The same container again (same sequence, same
  message id) is a no-op that returns its stored receipt; a sequence or a
  message id already used otherwise is quarantined as a ``replay``;
* acts are stored once per NIU; the same content again is ``ALREADY_STORED``
  (new marginal mentions appended); other content under a known NIU is kept in
  ``conflict`` and refused, never overwritten; an act the data dictionary
  refuses, or an act of another centre, is refused alone;
* the receipt is sealed and written to ``outgoing`` in the same transaction as
  what it acknowledges, so a receipt can be late but never lost or untrue.

The caller publishes the returned ``outgoing`` rows after the commit (and marks
them published); a relay publishes whatever a killed worker did not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from cryptography import x509

from common.acts.actjson import ActRecord, canonical_json
from common.acts.derived import Derived, derive
from common.acts.niu import niu_problem
from common.acts.summary import (
    DUPLICATE_WINDOW_DAYS,
    ActSummary,
    duplicate_key_of,
    entries_of,
)
from common.transport.mqtt import centre_of_topic
from common.wire import batches, compression
from common.wire.acts_codec import decode_acts
from common.wire.container import (
    MAX_AGE,
    OpenedMessage,
    RecipientCertificate,
    open_container,
    seal_message,
)
from common.wire.errors import ContainerRefused
from common.wire.mentions import decode_mentions, mention_id
from common.wire.message import Header, Kind
from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry
from common.wire.sync import Status, decode_sync_request
from common.wire.trust import Signer
from xmserver.directory import DatabaseDirectory
from xmserver.pki_store import ScecPki

log = logging.getLogger("xmserver.ingest")

Conn = psycopg.Connection[Any]

#: What a centre may send the SCEC through ingest.
FROM_CENTRE = (Kind.ACT_BATCH, Kind.MENTION_OUT, Kind.SYNC_REQUEST, Kind.QUERY)

#: Registration years the register accepts (the NIU carries the year).
FIRST_YEAR = 1800


@dataclass(frozen=True)
class Outgoing:
    """A container the SCEC must publish on a centre's ``down`` topic."""

    id: int
    centre: str
    kind: str
    data: bytes


@dataclass(frozen=True)
class Ingested:
    """What ingest did with one container."""

    outcome: str  # "stored" | "duplicate" | "answered" | "quarantined"
    centre: str = ""
    kind: str = ""
    sequence: int | None = None
    reason: str = ""
    entries: tuple[ReceiptEntry, ...] = ()
    outgoing: tuple[Outgoing, ...] = ()

    @property
    def stored(self) -> int:
        return sum(1 for e in self.entries if e.outcome == ActOutcome.STORED)


class _NoReplayCheck:
    """The database directory, with the replay question left to ``ingest`` itself.

    The opener would refuse a container already seen; the protocol wants the
    same container again to bring its receipt again, so ingest decides after
    opening, under the centre's row lock.
    """

    def __init__(self, conn: Conn) -> None:
        self._directory = DatabaseDirectory(conn)

    def find_signer(self, key_identifier: bytes | None, issuer_der: bytes | None,
                    serial: int | None) -> Signer | None:
        return self._directory.find_signer(key_identifier, issuer_der, serial)

    def already_seen(self, sender: str, sequence: int, message_id: uuid.UUID) -> bool:
        return False


def content_of(act: ActRecord) -> bytes:
    """The act's content as the SCEC compares it: the record without status and mentions."""
    doc = act.to_dict()
    doc.pop("status")
    doc.pop("mentions")
    return canonical_json(doc)


# ----------------------------------------------------------------------------- entry point
def ingest(conn: Conn, pki: ScecPki, data: bytes, *, carrier: str = "mqtt", topic: str = "",
           now: dt.datetime | None = None) -> Ingested:
    """Open and store one container; never raises for what the container holds.

    ``conn`` is an owner connection to the central database in autocommit mode
    (each step opens its own transaction).  Database errors propagate: the
    caller retries later (and does not acknowledge the MQTT message meanwhile).
    """
    data = bytes(data)
    now = now or dt.datetime.now(dt.UTC)
    topic_centre = centre_of_topic(topic) if topic else None
    try:
        with conn.transaction():
            opened = open_container(data, pki.recipient_key(), _NoReplayCheck(conn),
                                    expected=FROM_CENTRE, now=now)
    except ContainerRefused as refusal:
        evidence = _revoked_evidence(conn, pki, data, now) if refusal.reason == "revoked_signer" \
            else None
        return _quarantine_alone(conn, data, carrier, topic, topic_centre or "", refusal,
                                 evidence)
    header = opened.header
    if topic_centre is not None and topic_centre != header.centre:
        return _quarantine_alone(conn, data, carrier, topic, topic_centre, ContainerRefused(
            "signer_mismatch", f"signed by {header.centre}, published on {topic_centre}'s topic"))
    if header.kind == Kind.SYNC_REQUEST:
        return _answer_sync(conn, pki, opened, data, carrier, topic, now)
    if header.kind == Kind.QUERY:
        from xmserver import queries  # it builds on this module

        return queries.answer(conn, pki, opened, data, carrier, topic, now)
    try:
        payload = _decode(opened, now)
    except ContainerRefused as refusal:
        return _store(conn, pki, opened, data, carrier, topic, None, refusal)
    if header.kind == Kind.ACT_BATCH:
        years = {y for y in map(_year, payload) if y is not None}
        for year in sorted(years):
            ensure_partition(conn, year)
    return _store(conn, pki, opened, data, carrier, topic, payload, None)


def _decode(opened: OpenedMessage, now: dt.datetime) -> list[Any]:
    """The container's acts or mentions (each act is checked on its own later)."""
    if opened.header.kind == Kind.ACT_BATCH:
        return list(decode_acts(opened.body, validate=False,
                                vocabulary=compression.vocabulary(opened.header.dictionary)))
    return decode_mentions(opened.body)


def _year(act: ActRecord) -> int | None:
    niu = act.niu
    if not isinstance(niu, str) or niu_problem(niu) is not None:
        return None
    year = int(niu[6:10])
    return year if FIRST_YEAR <= year <= 9999 else None


_partitions: set[tuple[str, str, str, int]] = set()


def ensure_partition(conn: Conn, year: int) -> None:
    """The register's partition for ``year`` (its own short transaction, once per process
    and database)."""
    key = (conn.info.host, str(conn.info.port), conn.info.dbname, year)
    if key in _partitions:
        return
    with conn.transaction():
        conn.execute("SELECT ensure_act_partition(%s)", (year,))
    _partitions.add(key)


# ----------------------------------------------------------------------------- quarantine
@dataclass(frozen=True)
class _Evidence:
    """What a container signed by a revoked certificate says, its signature checked."""

    sender: str
    signer_serial: int
    sequence: int
    message_id: uuid.UUID
    body_sha256: bytes


class _RevokedAsEvidence(_NoReplayCheck):
    """The directory with revocation set aside: to read a revoked signer's container as
    evidence (never to store it)."""

    def find_signer(self, key_identifier: bytes | None, issuer_der: bytes | None,
                    serial: int | None) -> Signer | None:
        signer = super().find_signer(key_identifier, issuer_der, serial)
        return None if signer is None or not signer.revoked else \
            Signer(signer.identity, signer.certificate, False)


def _revoked_evidence(conn: Conn, pki: ScecPki, data: bytes,
                      now: dt.datetime) -> _Evidence | None:
    """Read a container refused as ``revoked_signer``: who signed it (the signature checked
    against the revoked certificate) and which number it carries, so that the same number
    re-sealed by a reinstated centre can be matched to it.  None if it does not open."""
    try:
        with conn.transaction():
            opened = open_container(data, pki.recipient_key(), _RevokedAsEvidence(conn),
                                    expected=FROM_CENTRE, now=now)
    except ContainerRefused:
        return None
    header = opened.header
    return _Evidence(header.centre, opened.signer.certificate.serial_number, header.sequence,
                     header.message_id, hashlib.sha256(opened.body).digest())


def _quarantine(conn: Conn, data: bytes, carrier: str, topic: str, claimed: str,
                refusal: ContainerRefused, evidence: _Evidence | None = None) -> None:
    e = evidence
    conn.execute(
        "INSERT INTO quarantine (carrier, topic, claimed_sender, reason, detail, size, sha256,"
        " data, sender, signer_serial, sequence, message_id, body_sha256)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (sha256) DO UPDATE SET times = quarantine.times + 1,"
        " last_seen_at = now()",
        (carrier, topic[:300], claimed[:20], refusal.reason, refusal.detail[:500], len(data),
         hashlib.sha256(data).digest(), data, e and e.sender, e and e.signer_serial,
         e and e.sequence, e and e.message_id, e and e.body_sha256))
    if e is not None:
        # the same number already came from the reinstated centre's new key: this late
        # copy under the revoked key is superseded too (and quarantined all the same)
        conn.execute(
            "UPDATE quarantine q SET superseded_at = now(), superseded_by = s.message_id,"
            " reinstatement_id = (SELECT max(id) FROM centre_reinstatement"
            "  WHERE centre_code = q.sender)"
            " FROM seen_message s WHERE q.sha256 = %s AND q.superseded_at IS NULL"
            " AND s.sender = q.sender AND s.sequence = q.sequence"
            " AND s.message_id = q.message_id", (hashlib.sha256(data).digest(),))
    log.warning("quarantined a container from %r (%s): %s %s", claimed or "?", carrier,
                refusal.reason, refusal.detail)


def _supersede(conn: Conn, header: Header, body: bytes) -> None:
    """A stored container carries a number that a revoked certificate's container carried
    (a reinstated centre re-sealed it): mark that evidence superseded, never delete it."""
    conn.execute(
        "UPDATE quarantine SET superseded_at = now(), superseded_by = %s,"
        " superseded_same_content = (body_sha256 = %s),"
        " reinstatement_id = (SELECT max(id) FROM centre_reinstatement WHERE centre_code = %s)"
        " WHERE sender = %s AND sequence = %s AND message_id = %s AND superseded_at IS NULL",
        (header.message_id, hashlib.sha256(body).digest(), header.centre, header.centre,
         header.sequence, header.message_id))


def _quarantine_alone(conn: Conn, data: bytes, carrier: str, topic: str, claimed: str,
                      refusal: ContainerRefused, evidence: _Evidence | None = None) -> Ingested:
    with conn.transaction():
        _quarantine(conn, data, carrier, topic, claimed, refusal, evidence)
    return Ingested("quarantined", claimed, reason=refusal.reason)


def quarantine_failure(conn: Conn, data: bytes, carrier: str, topic: str,
                       exc: BaseException) -> Ingested:
    """Set aside a container on which ingest failed (a bug): kept for ``quarantine retry``."""
    claimed = centre_of_topic(topic) or ""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    return _quarantine_alone(conn, data, carrier, topic, claimed, ContainerRefused(
        "bad_payload", f"internal error {type(exc).__name__}: retry after the fix"))


# ----------------------------------------------------------------------------- storing
@dataclass
class _Batch:
    """The rows one container adds, gathered before they are written together."""

    entries: list[ReceiptEntry] = field(default_factory=list)
    new_acts: list[tuple[Any, ...]] = field(default_factory=list)
    conflicts: list[tuple[Any, ...]] = field(default_factory=list)
    mention_updates: list[tuple[str, int, str, int]] = field(default_factory=list)


def _store(conn: Conn, pki: ScecPki, opened: OpenedMessage, data: bytes, carrier: str,
           topic: str, payload: list[Any] | None, refusal: ContainerRefused | None) -> Ingested:
    header = opened.header
    centre = header.centre
    with conn.transaction():
        conn.execute("SELECT 1 FROM centre WHERE code = %s FOR UPDATE", (centre,))
        seen = conn.execute(
            "SELECT sender, sequence, message_id FROM seen_message"
            " WHERE (sender = %s AND sequence = %s) OR message_id = %s",
            (centre, header.sequence, header.message_id)).fetchall()
        if seen:
            if any(tuple(r) == (centre, header.sequence, header.message_id) for r in seen):
                return Ingested("duplicate", centre, header.kind.name, header.sequence,
                                outgoing=_replies(conn, [header.message_id], "RECEIPT"))
            replay = ContainerRefused("replay", f"sequence {header.sequence} of {centre}")
            _quarantine(conn, data, carrier, topic, centre, replay)
            return Ingested("quarantined", centre, header.kind.name, header.sequence,
                            reason="replay")
        _record_audit_marks(conn, header)
        if refusal is not None:
            _quarantine(conn, data, carrier, topic, centre, refusal)
            entries: tuple[ReceiptEntry, ...] = ()
            outcome, reason = "quarantined", refusal.reason
        else:
            assert payload is not None
            batch = (_acts(conn, header, payload, opened.signer)
                     if header.kind == Kind.ACT_BATCH
                     else _mentions(conn, header, payload))
            entries, outcome, reason = tuple(batch.entries), "stored", ""
        conn.execute(
            "INSERT INTO seen_message (sender, sequence, message_id, created_at, kind, carrier,"
            " entries) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (centre, header.sequence, header.message_id,
             dt.datetime.fromtimestamp(header.created, dt.UTC), header.kind.name, carrier,
             len(entries)))
        if refusal is None:
            _supersede(conn, header, opened.body)
        receipt = Receipt(header.message_id, header.sequence, entries,
                          refusal.reason if refusal is not None else "")
        sent = send(conn, pki, centre, opened.signer, "RECEIPT", header.message_id,
                     lambda seq: batches.receipt_message(
                         receipt, centre=centre, sequence=seq, dictionary=header.dictionary))
    return Ingested(outcome, centre, header.kind.name, header.sequence, reason, entries, (sent,))


def _acts(conn: Conn, header: Header, acts: list[ActRecord], signer: Signer) -> _Batch:
    batch = _Batch()
    today = dt.datetime.fromtimestamp(header.created, dt.UTC).date() + dt.timedelta(days=1)
    nius = [a.niu for a in acts if isinstance(a.niu, str)]
    held: dict[str, tuple[bytes, list[Any]]] = {
        str(niu): (bytes(sha), list(mentions or []))
        for niu, sha, mentions in conn.execute(
            "SELECT niu, content_sha256, record->'mentions' FROM act WHERE niu = ANY(%s)"
            " FOR UPDATE", (nius,)).fetchall()}
    received = dt.datetime.now(dt.UTC)
    for act in acts:
        problem, derived = _act_problem(act, header.centre, today)
        niu = str(act.niu or "")
        if problem is not None or derived is None or derived.summary is None:
            batch.entries.append(ReceiptEntry(niu[:64] or "?", ActOutcome.REFUSED,
                                              problem or "invalid_act"))
            continue
        record = act.to_json().decode()
        sha = hashlib.sha256(content_of(act)).digest()
        mentions = [dict(m) for m in act.mentions]
        if niu not in held:
            held[niu] = (sha, mentions)
            batch.new_acts.append(_act_row(act, record, sha, derived.summary,
                                           header.message_id, received))
            batch.entries.append(ReceiptEntry(niu, ActOutcome.STORED))
            continue
        stored_sha, stored_mentions = held[niu]
        if stored_sha != sha:
            batch.conflicts.append((niu, header.centre, "niu_conflict", header.message_id,
                                    header.sequence, stored_sha, sha, record))
            batch.entries.append(ReceiptEntry(niu, ActOutcome.REFUSED, "niu_conflict"))
        elif mentions[:len(stored_mentions)] == stored_mentions:
            if len(mentions) > len(stored_mentions):
                held[niu] = (sha, mentions)
                batch.mention_updates.append((json.dumps(mentions, ensure_ascii=False),
                                              len(mentions), niu, int(niu[6:10])))
                batch.entries.append(ReceiptEntry(niu, ActOutcome.STORED))
            else:
                batch.entries.append(ReceiptEntry(niu, ActOutcome.ALREADY_STORED))
        elif stored_mentions[:len(mentions)] == mentions:
            batch.entries.append(ReceiptEntry(niu, ActOutcome.ALREADY_STORED))
        else:
            batch.conflicts.append((niu, header.centre, "mention_conflict", header.message_id,
                                    header.sequence, stored_sha, sha, record))
            batch.entries.append(ReceiptEntry(niu, ActOutcome.REFUSED, "mention_conflict"))
    _write_acts(conn, batch)
    return batch


def _act_problem(act: ActRecord, centre: str, today: dt.date
                 ) -> tuple[str | None, Derived | None]:
    """Why the register cannot take this act (a receipt reason), or None, with what
    the data dictionary derives from it (one walk: the report, the summary)."""
    if not isinstance(act.niu, str) or niu_problem(act.niu) is not None or _year(act) is None:
        return "invalid_niu", None
    if act.niu[:6] != centre or act.centre_code != centre:
        return "foreign_act", None  # a centre sends only the acts it registered
    if act.status != "validated":
        return "not_validated", None
    if int(act.niu[6:10]) > today.year:
        return "invalid_niu", None
    try:
        derived = derive(act.event_type, act.data, today=today, registered_on=act.registered_on)
    except (ValueError, TypeError, KeyError):  # an unknown event type, a malformed value
        return "invalid_act", None
    return (None if derived.ok else "invalid_act"), derived


_ACT_COLUMNS = ("niu", "reg_year", "centre", "event_type", "register_number", "registered_on",
                "occurred_on", "record", "content_sha256", "mention_count", "name_keys",
                "message_id", "received_at", "principal_key", "mother_key")


def _act_row(act: ActRecord, record: str, sha: bytes, summary: ActSummary,
             message_id: uuid.UUID, received: dt.datetime) -> tuple[Any, ...]:
    niu = str(act.niu)
    keys: set[str] = set()
    for entry in entries_of(summary):
        keys.update(k for k in (entry.surname_key, entry.given_names_key, *entry.tokens) if k)
    duplicate = duplicate_key_of(summary)
    principal = duplicate.principal_key if duplicate.principal_key.strip("|+") else None
    return (niu, int(niu[6:10]), niu[:6], act.event_type, act.register_number,
            act.registered_on, summary.occurred_on, record, sha, len(act.mentions),
            sorted(keys), message_id, received, principal, duplicate.mother_key)


def _write_acts(conn: Conn, batch: _Batch) -> None:
    if batch.new_acts:
        with conn.cursor() as cur, cur.copy(
                f"COPY act ({', '.join(_ACT_COLUMNS)}) FROM STDIN") as copy:
            for row in batch.new_acts:
                copy.write_row(row)
        _flag_duplicates(conn, [row[0] for row in batch.new_acts])
    if batch.conflicts:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO conflict (niu, centre, reason, message_id, sequence, stored_sha256,"
                " received_sha256, received) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (niu, message_id) DO NOTHING", batch.conflicts)
    if batch.mention_updates:
        with conn.cursor() as cur:
            cur.executemany(
                "UPDATE act SET record = jsonb_set(record, '{mentions}', %s::jsonb),"
                " mention_count = %s, updated_at = now() WHERE niu = %s AND reg_year = %s",
                batch.mention_updates)
        _mentions_applied(conn, [niu for _, _, niu, _ in batch.mention_updates])


def _flag_duplicates(conn: Conn, nius: list[str]) -> None:
    """Flag the new acts that look like an act of another centre (national duplicate review).

    The centres' own rule (``common.acts.summary.may_be_duplicates``): the same event
    type, principal person's name key and mother's key, event dates within
    ``DUPLICATE_WINDOW_DAYS`` (or either unknown).  One statement for the batch, in its
    transaction, on the ``act_duplicate_key`` index; each pair flagged queues a
    ``possible_duplicate`` notice for both centres, each about its own act."""
    flagged = [int(i) for (i,) in conn.execute(
        "INSERT INTO national_duplicate (niu, other_niu, event_type, centre, other_centre)"
        " SELECT n.niu, o.niu, n.event_type, n.centre, o.centre FROM act n"
        " JOIN act o ON o.event_type = n.event_type AND o.principal_key = n.principal_key"
        " AND o.mother_key IS NOT DISTINCT FROM n.mother_key AND o.centre <> n.centre"
        " AND (n.occurred_on IS NULL OR o.occurred_on IS NULL"
        "      OR abs(n.occurred_on - o.occurred_on) <= %s)"
        " WHERE n.niu = ANY(%s) AND n.principal_key IS NOT NULL"
        " ON CONFLICT (niu, other_niu) DO NOTHING RETURNING id",
        (DUPLICATE_WINDOW_DAYS, nius)).fetchall()]
    if flagged:
        pair_notices(conn, "possible_duplicate", flagged)


def pair_notices(conn: Conn, kind: str, items: list[int]) -> None:
    """Tell both centres of flagged pairs (``possible_duplicate``, with the event type)
    or of decided ones (``duplicate_resolved``, with the decision), each about its own act;
    caller's transaction."""
    conn.execute(
        "INSERT INTO notice (centre, body)"
        " SELECT side.centre, jsonb_build_object('kind', %(kind)s::text, 'niu', side.niu,"
        " 'other_niu', side.other_niu, 'other_centre', side.other_centre,"
        " 'reference', 'd:' || d.id, 'detail',"
        " CASE WHEN %(kind)s::text = 'possible_duplicate' THEN d.event_type"
        " ELSE d.resolution END)"
        " FROM national_duplicate d, LATERAL (VALUES"
        " (d.centre, d.niu, d.other_niu, d.other_centre),"
        " (d.other_centre, d.other_niu, d.niu, d.centre)) AS side (centre, niu, other_niu,"
        " other_centre) WHERE d.id = ANY(%(ids)s) ORDER BY d.id, side.centre",
        {"kind": kind, "ids": items})


def _mentions_applied(conn: Conn, nius: list[str]) -> None:
    """Routed mentions that came back written on their target act: tell their senders.

    The holding centre re-sends its act with every mention; a routed mention is
    applied when the act now carries a mention of the same kind, source act and
    text (``ecr.receive_mention`` writes exactly those)."""
    conn.execute(
        "WITH applied AS ("
        " UPDATE routed_mention r SET applied_at = now() FROM act a"
        " WHERE a.niu = r.target_niu AND a.reg_year = substr(r.target_niu, 7, 4)::smallint"
        " AND r.target_niu = ANY(%s) AND r.routed_in IS NOT NULL AND r.applied_at IS NULL"
        " AND EXISTS (SELECT 1 FROM jsonb_array_elements(a.record->'mentions') m"
        "  WHERE m->>'kind' = r.body->>'kind'"
        "  AND m->>'source_niu' IS NOT DISTINCT FROM r.body->>'source_niu'"
        "  AND m->>'text' IS NOT DISTINCT FROM r.body->>'text')"
        " RETURNING r.mention_id, r.from_centre, r.target_centre, r.target_niu, r.body)"
        " INSERT INTO notice (centre, body)"
        " SELECT from_centre, jsonb_build_object('kind', 'mention_applied', 'niu', target_niu,"
        " 'other_niu', body->>'source_niu', 'other_centre', target_centre,"
        " 'reference', mention_id, 'detail', body->>'kind') FROM applied"
        " WHERE body->>'source_niu' IS NOT NULL", (nius,))


def _mentions(conn: Conn, header: Header, mentions: list[dict[str, Any]]) -> _Batch:
    batch = _Batch()
    for mention in mentions:
        mid = mention_id(mention)
        if mention["origin_centre"] != header.centre:
            batch.entries.append(ReceiptEntry(mid, ActOutcome.REFUSED, "foreign_mention"))
            continue
        row = conn.execute(
            "INSERT INTO routed_mention (mention_id, from_centre, target_centre, target_niu,"
            " body, message_id) VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (mention_id) DO NOTHING RETURNING 1",
            (mid, header.centre, mention["niu"][:6], mention["niu"],
             json.dumps(mention, ensure_ascii=False), header.message_id)).fetchone()
        batch.entries.append(ReceiptEntry(mid, ActOutcome.STORED if row is not None
                                          else ActOutcome.ALREADY_STORED))
    return batch


def _record_audit_marks(conn: Conn, header: Header) -> None:
    """Anchor the centre's audit chain; a changed past is kept as a ``history_alert``."""
    for mark in header.audit:
        row = conn.execute(
            "INSERT INTO audit_mark (centre, audit_seq, hash, message_id) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (centre, audit_seq) DO UPDATE SET audit_seq = audit_mark.audit_seq"
            " RETURNING hash", (header.centre, mark.seq, mark.hash, header.message_id)).fetchone()
        if row is not None and bytes(row[0]) != mark.hash:
            conn.execute(
                "INSERT INTO history_alert (centre, audit_seq, recorded_hash, reported_hash,"
                " message_id) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (header.centre, mark.seq, bytes(row[0]), mark.hash, header.message_id))
            log.error("centre %s reports another hash for its audit row %d: its history "
                      "changed (restore, or rewritten)", header.centre, mark.seq)


# ----------------------------------------------------------------------------- answers
def centre_recipient(conn: Conn, code: str) -> Signer | None:
    """The certificate to seal for when the SCEC writes first to a centre (locks its row)."""
    row = conn.execute(
        "SELECT cc.der FROM centre c JOIN centre_certificate cc ON cc.centre_code = c.code"
        " WHERE c.code = %s AND c.status = 'active' AND cc.revoked_at IS NULL"
        " AND cc.not_after > now() ORDER BY cc.not_after DESC LIMIT 1 FOR UPDATE OF c",
        (code,)).fetchone()
    return None if row is None else Signer(code, x509.load_der_x509_certificate(bytes(row[0])))


def send(conn: Conn, pki: ScecPki, centre: str, to: Signer, kind: str,
         in_reply_to: uuid.UUID | None, message: Callable[[int], tuple[uuid.UUID, bytes]], *,
         crl_number: int | None = None) -> Outgoing:
    """Seal a container for ``centre`` under its next SCEC sequence and queue it (caller's txn).

    ``message(sequence)`` makes the message to sign (``batches.*_message``).  It is
    kept beside the sealed bytes with the key they are sealed for, so that a centre
    reinstated under a new key gets the very same containers again
    (``reseal_outgoing``).
    """
    row = conn.execute("UPDATE centre SET next_outgoing = next_outgoing + 1 WHERE code = %s"
                       " RETURNING next_outgoing - 1", (centre,)).fetchone()
    assert row is not None  # the signer is a known centre
    sequence = int(row[0])
    message_id, signed = message(sequence)
    recipient = RecipientCertificate.of(to.certificate)
    sealed = seal_message(signed, pki.sender_key(), recipient)
    out = conn.execute(
        "INSERT INTO outgoing (centre, sequence, kind, message_id, in_reply_to, crl_number, data,"
        " message, recipient_key_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (centre, sequence, kind, message_id, in_reply_to, crl_number, sealed, signed,
         recipient.key_identifier)).fetchone()
    assert out is not None
    return Outgoing(int(out[0]), centre, kind, sealed)


def reseal_outgoing(conn: Conn, pki: ScecPki, centre: str, *,
                    since: dt.timedelta = MAX_AGE) -> int:
    """Seal again, for the centre's current certificate, what was sealed for an older one.

    After a reinstatement the centre holds only its new key: receipts, answers and
    mentions sealed for the revoked one would never open.  Each is sealed again
    from its kept message (same sequence, message id and content), queued for
    publishing again (``published_at`` cleared) and written by the next T2D
    export.  Containers queued before the message was kept cannot be: they are
    left as they are, and ``t2d export`` leaves them out.  Returns how many.
    """
    with conn.transaction():
        to = centre_recipient(conn, centre)
        if to is None:
            return 0
        recipient = RecipientCertificate.of(to.certificate)
        rows = conn.execute(
            "SELECT id, message FROM outgoing WHERE centre = %s AND message IS NOT NULL"
            " AND recipient_key_id IS DISTINCT FROM %s AND created_at > now() - %s"
            " ORDER BY id FOR UPDATE", (centre, recipient.key_identifier, since)).fetchall()
        for id_, signed in rows:
            conn.execute(
                "UPDATE outgoing SET data = %s, recipient_key_id = %s, resealed_at = now(),"
                " published_at = NULL, attempted_at = NULL WHERE id = %s",
                (seal_message(bytes(signed), pki.sender_key(), recipient),
                 recipient.key_identifier, id_))
    if rows:
        log.info("%d containers for centre %s sealed again for its new certificate",
                 len(rows), centre)
    return len(rows)


def _replies(conn: Conn, message_ids: Sequence[uuid.UUID], kind: str) -> tuple[Outgoing, ...]:
    rows = conn.execute("SELECT id, centre, kind, data FROM outgoing"
                        " WHERE in_reply_to = ANY(%s) AND kind = %s ORDER BY id",
                        (list(message_ids), kind)).fetchall()
    return tuple(Outgoing(int(i), str(c), str(k), bytes(d)) for i, c, k, d in rows)


def _answer_sync(conn: Conn, pki: ScecPki, opened: OpenedMessage, data: bytes, carrier: str,
                 topic: str, now: dt.datetime) -> Ingested:
    header = opened.header
    centre = header.centre
    if dt.datetime.fromtimestamp(header.created, dt.UTC) < now - batches.SYNC_MAX_AGE:
        return _quarantine_alone(conn, data, carrier, topic, centre,
                                 ContainerRefused("too_old", "a sync request is answered "
                                                  "within 60 days"))
    try:
        request = decode_sync_request(opened.body)
    except ContainerRefused as refusal:
        return _quarantine_alone(conn, data, carrier, topic, centre, refusal)
    with conn.transaction():
        conn.execute("SELECT 1 FROM centre WHERE code = %s FOR UPDATE", (centre,))
        held = [uuid.UUID(str(m)) for (m,) in conn.execute(
            "SELECT message_id FROM seen_message WHERE sender = %s AND message_id = ANY(%s)",
            (centre, list(request.message_ids))).fetchall()]
        again = _replies(conn, [header.message_id], "STATUS")
        receipts = _replies(conn, held, "RECEIPT")
        if again:
            return Ingested("answered", centre, header.kind.name, 0, outgoing=again + receipts)
        entries = _held_entries(conn, centre, request.act_ids)
        highest = conn.execute("SELECT coalesce(max(sequence), 0) FROM seen_message"
                               " WHERE sender = %s", (centre,)).fetchone()
        assert highest is not None
        status = Status(header.message_id, int(highest[0]), entries, tuple(held))
        _record_audit_marks(conn, header)
        sent = send(conn, pki, centre, opened.signer, "STATUS", header.message_id,
                     lambda seq: batches.status_message(status, centre=centre, sequence=seq))
    return Ingested("answered", centre, header.kind.name, 0, entries=entries,
                    outgoing=(sent, *receipts))


def _held_entries(conn: Conn, centre: str, act_ids: Iterable[str]) -> tuple[ReceiptEntry, ...]:
    ids = list(act_ids)
    nius = [i for i in ids if not i.startswith("m:")]
    mids = [i for i in ids if i.startswith("m:")]
    stored = {str(n) for (n,) in conn.execute(
        "SELECT niu FROM act WHERE niu = ANY(%s) AND centre = %s", (nius, centre)).fetchall()}
    conflicts = {str(n) for (n,) in conn.execute(
        "SELECT niu FROM conflict WHERE niu = ANY(%s) AND centre = %s AND resolved_at IS NULL",
        (nius, centre)).fetchall()}
    mentions = {str(m) for (m,) in conn.execute(
        "SELECT mention_id FROM routed_mention WHERE mention_id = ANY(%s) AND from_centre = %s",
        (mids, centre)).fetchall()}
    out = []
    for i in ids:
        if i in conflicts:
            out.append(ReceiptEntry(i, ActOutcome.REFUSED, "niu_conflict"))
        elif i in stored or i in mentions:
            out.append(ReceiptEntry(i, ActOutcome.ALREADY_STORED))
    return tuple(out)


# ----------------------------------------------------------------------------- relay
def mark_published(conn: Conn, ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        conn.execute("UPDATE outgoing SET published_at = now() WHERE id = ANY(%s)"
                     " AND published_at IS NULL", (ids,))


def claim_unpublished(conn: Conn, *, older_than: dt.timedelta = dt.timedelta(seconds=10),
                      retry_after: dt.timedelta = dt.timedelta(seconds=60),
                      limit: int = 200) -> list[Outgoing]:
    """Outgoing containers nobody published (a worker killed after its commit): take them.

    ``SKIP LOCKED`` and ``attempted_at`` keep two relays from publishing the
    same row at once; publishing twice would be harmless anyway (receipts are
    idempotent at the centre, by message id).
    """
    with conn.transaction():
        rows = conn.execute(
            "UPDATE outgoing SET attempted_at = now() WHERE id IN ("
            " SELECT id FROM outgoing WHERE published_at IS NULL AND created_at < now() - %s"
            " AND (attempted_at IS NULL OR attempted_at < now() - %s)"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
            " RETURNING id, centre, kind, data", (older_than, retry_after, limit)).fetchall()
    return sorted((Outgoing(int(i), str(c), str(k), bytes(d)) for i, c, k, d in rows),
                  key=lambda o: o.id)


def refresh_statistics(conn: Conn, limit: int = 1000) -> int:
    """Fold stored acts into the national statistics' facts (the centres' SQL, unchanged)."""
    row = conn.execute("SELECT stats.refresh_pending(%s)", (limit,)).fetchone()
    return int(row[0]) if row else 0


#: A routed mention leaves only once the SCEC holds its target act (issue 15): a death
#: registered before the birth act reached the SCEC waits for it; a NIU that names no act
#: (a clerk's typo the check digits let through) is never sent to a centre that has none.
_ROUTABLE_CENTRES = (
    "SELECT DISTINCT target_centre FROM routed_mention m WHERE routed_in IS NULL"
    " AND EXISTS (SELECT 1 FROM act a WHERE a.niu = m.target_niu"
    " AND a.reg_year = substr(m.target_niu, 7, 4)::smallint) LIMIT 100")
_ROUTABLE = (
    "SELECT mention_id, body FROM routed_mention m WHERE target_centre = %s"
    " AND routed_in IS NULL AND EXISTS (SELECT 1 FROM act a WHERE a.niu = m.target_niu"
    " AND a.reg_year = substr(m.target_niu, 7, 4)::smallint)"
    " ORDER BY stored_at, mention_id LIMIT %s FOR UPDATE OF m SKIP LOCKED")


def route_mentions(conn: Conn, pki: ScecPki, *, limit: int = 500) -> list[Outgoing]:
    """Seal the stored mentions for the centres that hold their target acts (``MENTION_IN``).

    One transaction per target centre (its row lock numbers its containers), so
    workers never wait on each other's centres in a cycle.
    """
    sent: list[Outgoing] = []
    targets = [str(t) for (t,) in conn.execute(_ROUTABLE_CENTRES).fetchall()]
    for target in targets:
        with conn.transaction():
            signer = centre_recipient(conn, target)
            if signer is None:
                continue  # not enrolled yet, or revoked: routed when it can be
            rows = conn.execute(_ROUTABLE, (target, limit)).fetchall()
            if not rows:
                continue
            bodies: list[Mapping[str, Any]] = [dict(b) for _, b in rows]
            out = send(conn, pki, target, signer, "MENTION_IN", None,
                        lambda seq, bodies=bodies, target=target: batches.mentions_message(
                            bodies, centre=target, sequence=seq, kind=Kind.MENTION_IN))
            conn.execute("UPDATE routed_mention SET routed_in = (SELECT message_id FROM outgoing"
                         " WHERE id = %s) WHERE mention_id = ANY(%s)",
                         (out.id, [str(m) for m, _ in rows]))
            sent.append(out)
    return sent


def route_notices(conn: Conn, pki: ScecPki, *, limit: int = 1000) -> list[Outgoing]:
    """Seal the queued notices for their centres (``NOTICE``), one transaction per centre."""
    sent: list[Outgoing] = []
    targets = [str(t) for (t,) in conn.execute(
        "SELECT DISTINCT centre FROM notice WHERE sent_in IS NULL LIMIT 100").fetchall()]
    for target in targets:
        with conn.transaction():
            signer = centre_recipient(conn, target)
            if signer is None:
                continue  # revoked: told once it is reinstated
            rows = conn.execute(
                "SELECT id, body FROM notice WHERE centre = %s AND sent_in IS NULL"
                " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED", (target, limit)).fetchall()
            if not rows:
                continue
            bodies: list[Mapping[str, Any]] = [dict(b) for _, b in rows]
            out = send(conn, pki, target, signer, "NOTICE", None,
                        lambda seq, bodies=bodies, target=target: batches.notices_message(
                            bodies, centre=target, sequence=seq))
            conn.execute("UPDATE notice SET sent_in = (SELECT message_id FROM outgoing"
                         " WHERE id = %s) WHERE id = ANY(%s)",
                         (out.id, [int(i) for i, _ in rows]))
            sent.append(out)
    return sent


def route(conn: Conn, pki: ScecPki) -> list[Outgoing]:
    """Everything the SCEC writes to centres on its own: routed mentions, then notices."""
    return route_mentions(conn, pki) + route_notices(conn, pki)
