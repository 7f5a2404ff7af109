"""The transmitter's database adapter: the outbox and the transmission state (migration 0300).

Runs as the database owner (the transmitter is the one process allowed to
change transmission state; workstations only read the figures through
``ecr.transmission_status``).  Every method is one transaction; the decisions
come from ``core``.  The rules that make the outbox safe live here:

* a container's sequence, message id and bytes are inserted in the transaction
  that moves its entries to ``packed``, before anything is published;
* a container is never sealed while the centre needs a sync (protocol.md §5);
* act status changes go through ``ecr.mark_transmitted`` / ``ecr.mark_acknowledged``
  (the act guard allows only those on validated acts);
* an answer (receipt, STATUS) is applied once: its message id is kept.

This module never publishes and never touches files.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from common.acts.actjson import ActRecord
from common.wire.mentions import MENTION_KEYS, mention_id
from common.wire.message import AuditMark
from common.wire.receipts import Receipt
from common.wire.sync import Status, SyncRequest
from ecr_tk.services.acts import register_number

from . import core
from .sealing import Sealer

log = logging.getLogger("ecr.transmitter")

# pg advisory lock key of "the transmitter of this database" (any fixed number:
# advisory locks are per database).
LOCK_KEY = 0x0EC2_7A45


@dataclass(frozen=True)
class Packed:
    sequence: int
    message_id: uuid.UUID
    entries: int
    size: int


def _mention_body(payload: dict[str, Any], origin: str) -> dict[str, Any]:
    body = {key: payload.get(key) for key in MENTION_KEYS}
    body["origin_centre"] = origin
    return body


def _act_record(doc: dict[str, Any], centre: str) -> ActRecord:
    mentions = tuple({k: v for k, v in m.items() if k != "id"} for m in doc.get("mentions") or ())
    return ActRecord(
        event_type=doc["event_type"], data=doc["data"], status="validated", niu=doc["niu"],
        register_number=register_number(doc["register_serial"], doc["register_year"]),
        centre_code=centre, registered_on=dt.date.fromisoformat(doc["registered_on"]),
        timeliness=doc.get("timeliness"), mentions=mentions)


class TransmissionStore:
    def __init__(self, conn: psycopg.Connection[Any], centre: str) -> None:
        self.conn = conn  # autocommit; each method opens its own transaction
        self.centre = centre

    # ------------------------------------------------------------ the one transmitter
    def try_lock(self) -> bool:
        """Take the centre's transmitter lock for this connection's life (non-blocking)."""
        row = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        return bool(row and row[0])

    @staticmethod
    def lock_held_elsewhere(conn: psycopg.Connection[Any]) -> bool:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                           "objid = %s AND database = (SELECT oid FROM pg_database WHERE "
                           "datname = current_database())", (LOCK_KEY & 0xFFFFFFFF,)).fetchone()
        return bool(row and row[0])

    # ------------------------------------------------------------------------ reading
    def state(self) -> dict[str, Any]:
        with self.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute("SELECT * FROM ecr.tx_state").fetchone()
        assert row is not None
        return row

    def status(self) -> dict[str, Any]:
        row = self.conn.execute("SELECT ecr._transmission_status()").fetchone()
        assert row is not None
        figures: dict[str, Any] = row[0]
        with self.conn.cursor(row_factory=dict_row) as cur:
            figures["refused_entries"] = cur.execute(
                "SELECT * FROM ecr._transmission_refused()").fetchall()
        return figures

    def highest_recorded(self) -> int:
        row = self.conn.execute("SELECT next_sequence - 1 FROM ecr.tx_state").fetchone()
        return int(row[0]) if row else 0

    def pending(self) -> list[core.OutboxEntry]:
        rows = self.conn.execute(
            "SELECT id, kind, niu, target_centre, state FROM ecr.outbox "
            "WHERE state = 'pending' ORDER BY id").fetchall()
        return [core.OutboxEntry(*row) for row in rows]

    def unreceipted(self) -> list[core.RecordedContainer]:
        rows = self.conn.execute(
            "SELECT sequence, message_id, last_sent_at, sends, receipt_at FROM ecr.tx_containers "
            "WHERE receipt_at IS NULL ORDER BY sequence").fetchall()
        return [core.RecordedContainer(*row) for row in rows]

    def container(self, sequence: int) -> tuple[uuid.UUID, bytes]:
        row = self.conn.execute("SELECT message_id, data FROM ecr.tx_containers "
                                "WHERE sequence = %s", (sequence,)).fetchone()
        if row is None:
            raise KeyError(sequence)
        return row[0], bytes(row[1])

    def _audit_marks(self) -> tuple[int, list[AuditMark]]:
        """The audit head now, and the hash, read now, of the row the last container reported."""
        head = self.conn.execute("SELECT seq, hash FROM ecr.audit_head").fetchone()
        assert head is not None
        marks = [AuditMark.of(int(head[0]), bytes(head[1]))]
        prev = self.conn.execute(
            "SELECT c.audit_seq, l.hash FROM ecr.tx_containers c "
            "LEFT JOIN ecr.audit_log l ON l.seq = c.audit_seq "
            "ORDER BY c.sequence DESC LIMIT 1").fetchone()
        if prev is not None and prev[1] is not None and int(prev[0]) != int(head[0]):
            marks.append(AuditMark.of(int(prev[0]), bytes(prev[1])))
        return int(head[0]), marks

    # ------------------------------------------------------------------------ packing
    def pack(self, batch: core.Batch, sealer: Sealer, max_bytes: int) -> Packed | None:
        """Seal ``batch`` under the next sequence and record it; None if over ``max_bytes``.

        Refuses (returns None without recording) when the centre needs a sync.
        """
        with self.conn.transaction():
            state = self.conn.execute("SELECT next_sequence, needs_sync FROM ecr.tx_state "
                                      "FOR UPDATE").fetchone()
            assert state is not None
            sequence, needs_sync = int(state[0]), bool(state[1])
            if needs_sync:
                return None
            ids = [e.id for e in batch.entries]
            rows = self.conn.execute(
                "SELECT id, niu, payload FROM ecr.outbox WHERE id = ANY(%s) "
                "AND state = 'pending' ORDER BY id FOR UPDATE", (ids,)).fetchall()
            if len(rows) != len(ids):
                raise RuntimeError("outbox entries changed under the transmitter")
            audit_seq, marks = self._audit_marks()
            items: list[tuple[int, str]] = []
            if batch.kind == core.ACT_BATCH:
                nius = list(dict.fromkeys(r[1] for r in rows))
                docs = {d["niu"]: d for (d,) in self.conn.execute(
                    "SELECT ecr._act_json(a) FROM ecr.acts a WHERE a.niu = ANY(%s)", (nius,))}
                records = [_act_record(docs[n], self.centre) for n in nius]
                sealed = sealer.seal_acts(records, sequence, marks)
                items = [(r[0], r[1]) for r in rows]
                kind = core.ACT_BATCH
            else:
                bodies = [_mention_body(r[2], self.centre) for r in rows]
                sealed = sealer.seal_mentions(bodies, sequence, marks)
                items = [(r[0], mention_id(b)) for r, b in zip(rows, bodies, strict=True)]
                kind = core.MENTION_OUT
            message_id, data = sealed.message_id, sealed.data
            if len(data) > max_bytes and len(batch.entries) > 1:
                return None  # the caller splits; nothing recorded, sequence not used
            self.conn.execute(
                "INSERT INTO ecr.tx_containers (sequence, message_id, kind, data, entries, "
                "audit_seq, message, signer_key_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (sequence, message_id, kind, data, len(items), audit_seq, sealed.message,
                 sealer.key_identifier))
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO ecr.tx_container_entries (sequence, outbox_id, "
                                "item_id) VALUES (%s, %s, %s)",
                                [(sequence, i, item) for i, item in items])
            self.conn.execute("UPDATE ecr.outbox SET state = 'packed' WHERE id = ANY(%s)", (ids,))
            self.conn.execute("UPDATE ecr.tx_state SET next_sequence = %s, updated_at = now()",
                              (sequence + 1,))
        return Packed(sequence, message_id, len(items), len(data))

    # --------------------------------------------------------------- a new key
    def reseal_for_new_key(self, sealer: Sealer) -> list[int]:
        """Seal again, under the current key, the unreceipted containers another key sealed.

        After a revocation and a reinstatement (or a renewal) the old key's containers
        are refused by the SCEC; the recorded message of each (migration 0460) is
        signed again as it is, so each number keeps its message id, time, audit marks
        and acts (a number the SCEC has seen never carries other content).  Due again
        at once.  A container recorded before 0460 has no message kept and is left as
        it is.  The recorded sync question and unanswered national queries are sealed
        again too (same message ids).  Returns the sequences sealed again.
        """
        with self.conn.transaction():
            state = self.conn.execute("SELECT signer_key_id FROM ecr.tx_state FOR UPDATE"
                                      ).fetchone()
            assert state is not None
            if state[0] is not None and bytes(state[0]) != sealer.key_identifier:
                # questions sealed under the old key: asked again under the same ids
                self.conn.execute("UPDATE ecr.tx_state SET sync_message_id = NULL, "
                                  "sync_data = NULL")
                self.conn.execute("UPDATE ecr.national_query SET data = NULL "
                                  "WHERE answered_at IS NULL")
            self.conn.execute("UPDATE ecr.tx_state SET signer_key_id = %s",
                              (sealer.key_identifier,))
            rows = self.conn.execute(
                "SELECT sequence, message FROM ecr.tx_containers WHERE receipt_at IS NULL "
                "AND message IS NOT NULL AND signer_key_id <> %s ORDER BY sequence FOR UPDATE",
                (sealer.key_identifier,)).fetchall()
            done = []
            for sequence, message in rows:
                self.conn.execute(
                    "UPDATE ecr.tx_containers SET data = %s, signer_key_id = %s, "
                    "resealed_at = now(), last_sent_at = NULL WHERE sequence = %s",
                    (sealer.reseal(bytes(message)), sealer.key_identifier, sequence))
                done.append(int(sequence))
        if done:
            log.info("transmission: %d unreceipted containers sealed again under the "
                     "centre's new key (sequences %s)", len(done), done)
        return done

    # ---------------------------------------------------------------------- sending
    def sending(self, sequence: int) -> None:
        """Recorded before each publish (or export) attempt: drives the re-send delay."""
        self.conn.execute("UPDATE ecr.tx_containers SET last_sent_at = now(), sends = sends + 1 "
                          "WHERE sequence = %s", (sequence,))

    def forget_sends(self, sequences: Sequence[int]) -> None:
        """No PUBACK came for these (connection lost): due again at once."""
        self.conn.execute("UPDATE ecr.tx_containers SET last_sent_at = NULL WHERE sequence = "
                          "ANY(%s) AND receipt_at IS NULL", (list(sequences),))

    def resend_unpublished(self) -> None:
        """At start: what the broker never confirmed (a killed process) is due at once."""
        self.conn.execute("UPDATE ecr.tx_containers SET last_sent_at = NULL "
                          "WHERE published_at IS NULL AND receipt_at IS NULL")

    def published(self, sequence: int) -> None:
        """The broker took the container (PUBACK), or it was written to removable media."""
        with self.conn.transaction():
            self.conn.execute("UPDATE ecr.tx_containers SET published_at = "
                              "coalesce(published_at, now()) WHERE sequence = %s", (sequence,))
            rows = self.conn.execute(
                "UPDATE ecr.outbox o SET state = 'sent', sent_at = coalesce(o.sent_at, now()) "
                "FROM ecr.tx_container_entries e WHERE e.sequence = %s AND e.outbox_id = o.id "
                "AND o.state = 'packed' RETURNING o.kind, o.act_id", (sequence,)).fetchall()
            for kind, act_id in rows:
                if kind == "act":
                    self.conn.execute("SELECT ecr.mark_transmitted(%s)", (act_id,))

    # ---------------------------------------------------------------------- answers
    def _first_time(self, message_id: uuid.UUID, kind: str) -> bool:
        row = self.conn.execute("INSERT INTO ecr.tx_answers (message_id, kind) VALUES (%s, %s) "
                                "ON CONFLICT DO NOTHING RETURNING 1", (message_id, kind)).fetchone()
        return row is not None

    def _entries_of(self, sequences: Sequence[int] | None) -> dict[int, tuple[str, str]]:
        if sequences is None:
            rows = self.conn.execute(
                "SELECT o.id, coalesce(e.item_id, o.niu), o.state, o.kind, o.target_centre, "
                "o.payload FROM ecr.outbox o LEFT JOIN ecr.tx_container_entries e "
                "ON e.outbox_id = o.id WHERE o.state NOT IN ('acknowledged', 'refused')"
            ).fetchall()
            return {r[0]: (self._item_id(r[1], r[3], r[4], r[5]), r[2]) for r in rows}
        rows = self.conn.execute(
            "SELECT o.id, e.item_id, o.state FROM ecr.tx_container_entries e "
            "JOIN ecr.outbox o ON o.id = e.outbox_id WHERE e.sequence = ANY(%s)",
            (list(sequences),)).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def _item_id(self, item: str, kind: str, target: str, payload: dict[str, Any]) -> str:
        if kind == "mention" and target != self.centre and not item.startswith("m:"):
            return mention_id(_mention_body(payload, self.centre))
        return item

    def _apply(self, changes: Sequence[core.Change]) -> int:
        for change in changes:
            if change.state == core.ACKNOWLEDGED:
                row = self.conn.execute(
                    "UPDATE ecr.outbox SET state = 'acknowledged', acknowledged_at = now() "
                    "WHERE id = %s AND state NOT IN ('acknowledged', 'refused') "
                    "RETURNING kind, niu, target_centre", (change.outbox_id,)).fetchone()
                if row is not None and row[0] == "act":
                    self.conn.execute("SELECT ecr.mark_acknowledged(%s)", (row[1],))
            else:
                self.conn.execute(
                    "UPDATE ecr.outbox SET state = 'refused', refusal = %s, refused_at = now() "
                    "WHERE id = %s AND state NOT IN ('acknowledged', 'refused')",
                    (change.reason, change.outbox_id))
        return len(changes)

    def apply_receipt(self, answer_id: uuid.UUID, receipt: Receipt) -> int | None:
        """Apply a verified receipt once; how many entries it changed (None: applied before)."""
        with self.conn.transaction():
            self._contact()
            if not self._first_time(answer_id, "receipt"):
                return None
            row = self.conn.execute(
                "SELECT sequence FROM ecr.tx_containers WHERE message_id = %s AND sequence = %s",
                (receipt.acknowledged_message, receipt.acknowledged_sequence)).fetchone()
            if row is None:
                log.warning("receipt for an unknown container %s (sequence %s) ignored",
                            receipt.acknowledged_message, receipt.acknowledged_sequence)
                return 0
            changed = self._apply(core.receipt_changes(self._entries_of([row[0]]), receipt))
            self.conn.execute("UPDATE ecr.tx_containers SET receipt_at = coalesce(receipt_at, "
                              "now()), refusal = nullif(%s, '') WHERE sequence = %s",
                              (receipt.refusal, row[0]))
            return changed

    def apply_status(self, answer_id: uuid.UUID, status: Status, *,
                     floor: int = 1) -> tuple[int | None, list[int]]:
        """Apply a STATUS once: (entries changed or None if applied before, sequences to re-send).

        ``floor``: the next sequence is never below it (one past the high-water
        mark: a number sealed before a restore may sit on a USB stick).
        """
        with self.conn.transaction():
            self._contact()
            if not self._first_time(answer_id, "status"):
                return None, []
            state = self.state()
            unreceipted = {c.message_id: c.sequence for c in self.unreceipted()}
            outcome = core.status_outcome(status, self._entries_of(None), unreceipted,
                                          max(int(state["next_sequence"]), floor))
            changed = self._apply(outcome.changes)
            answers_ours = status.answers == state["sync_message_id"]
            self.conn.execute(
                "UPDATE ecr.tx_state SET next_sequence = %s, highest_at_scec = greatest("
                "highest_at_scec, %s), needs_sync = needs_sync AND NOT %s, sync_reason = CASE "
                "WHEN %s THEN NULL ELSE sync_reason END, sync_message_id = CASE WHEN %s THEN "
                "NULL ELSE sync_message_id END, sync_data = CASE WHEN %s THEN NULL ELSE "
                "sync_data END, updated_at = now()",
                (outcome.next_sequence, status.highest_sequence, answers_ours, answers_ours,
                 answers_ours, answers_ours))
            if outcome.resend:
                # due now: the SCEC does not hold them
                self.conn.execute("UPDATE ecr.tx_containers SET last_sent_at = NULL "
                                  "WHERE sequence = ANY(%s)", (outcome.resend,))
            return changed, outcome.resend

    def apply_mentions(self, answer_id: uuid.UUID,
                       mentions: Sequence[dict[str, Any]]) -> int | None:
        """Mentions the SCEC routed here for acts this centre holds (once; None: before).

        A mention for an act this centre does not hold is logged and skipped: the
        SCEC routed it wrongly, and one bad mention must not hold back the others.
        """
        with self.conn.transaction():
            self._contact()
            if not self._first_time(answer_id, "mentions"):
                return None
            added = 0
            for m in mentions:
                try:
                    with self.conn.transaction():
                        row = self.conn.execute(
                            "SELECT ecr.receive_mention(%s, %s, %s, %s, %s, %s, %s)",
                            (m["niu"], m["kind"], m["text"], m["source_niu"], m["event_date"],
                             m["court_decision_date"], m["court_reference"])).fetchone()
                    added += bool(row and row[0])
                except psycopg.Error as exc:
                    log.warning("routed mention for %s not applied: %s", m.get("niu"), exc)
            return added

    def apply_notices(self, answer_id: uuid.UUID,
                      notices: Sequence[dict[str, Any]]) -> int | None:
        """What the SCEC tells this centre (possible duplicates, mentions applied
        elsewhere): each recorded and audited once; how many were new (None: before)."""
        with self.conn.transaction():
            self._contact()
            if not self._first_time(answer_id, "notices"):
                return None
            added = 0
            for n in notices:
                try:
                    with self.conn.transaction():
                        row = self.conn.execute(
                            "SELECT ecr.receive_notice(%s, %s, %s, %s, %s, %s, %s)",
                            (n["kind"], n["niu"], n["other_niu"], n["other_centre"],
                             n["reference"], n["detail"], answer_id)).fetchone()
                    added += bool(row and row[0])
                except psycopg.Error as exc:  # one bad notice must not hold back the others
                    log.warning("notice %s for %s not recorded: %s", n.get("kind"),
                                n.get("niu"), exc)
            return added

    def first_answer(self, answer_id: uuid.UUID, kind: str) -> bool:
        """Record an answer with no outbox effect (a revocation list); False if seen before."""
        with self.conn.transaction():
            self._contact()
            return self._first_time(answer_id, kind)

    # ------------------------------------------------------------------------- sync
    def request_sync(self, reason: str) -> None:
        """The centre must ask before sealing anything new (restore, lost session)."""
        self.conn.execute("UPDATE ecr.tx_state SET needs_sync = true, sync_reason = "
                          "coalesce(sync_reason, %s), updated_at = now()", (reason,))

    def sync_request(self, sealer: Sealer, *, fresh: bool = False) -> tuple[uuid.UUID, bytes]:
        """The recorded SYNC_REQUEST (made now if there is none, or if ``fresh``)."""
        with self.conn.transaction():
            row = self.conn.execute("SELECT sync_message_id, sync_data FROM ecr.tx_state "
                                    "FOR UPDATE").fetchone()
            if row is not None and row[1] is not None and not fresh:
                return row[0], bytes(row[1])
            items = sorted({item for item, _ in self._entries_of(None).values()})
            message_ids = tuple(c.message_id for c in self.unreceipted())
            _, marks = self._audit_marks()
            message_id, data = sealer.seal_sync(SyncRequest(tuple(items), message_ids), marks)
            self.conn.execute("UPDATE ecr.tx_state SET sync_message_id = %s, sync_data = %s, "
                              "updated_at = now()", (message_id, data))
            return message_id, data

    def sync_sent(self) -> None:
        self.conn.execute("UPDATE ecr.tx_state SET sync_sent_at = now()")

    # ------------------------------------------------------------------------- link
    def _contact(self) -> None:
        self.conn.execute("UPDATE ecr.tx_state SET last_contact = now()")

    def set_link(self, link: str, next_retry: dt.datetime | None = None) -> None:
        self.conn.execute("UPDATE ecr.tx_state SET link = %s, next_retry = %s, updated_at = now()",
                          (link, next_retry))

