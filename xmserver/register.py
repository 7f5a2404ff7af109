"""What the SCEC's administrators read and manage: acts, quarantine, conflicts, history alerts.

Read-only queries for ``xmserver act show|history``, ``quarantine list|show``,
``conflicts list|show``; ``purge_quarantine`` is the one deletion, and it
only forgets refused bytes (never an act, never a revoked signer's container).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from common.acts.niu import niu_problem
from common.errors import UserError
from common.i18n import translator
from xmserver.ingest import Conn, pair_notices

tr = translator("scec")


def _niu(text: str) -> str:
    value = "".join(text.split())
    problem = niu_problem(value)
    if problem is not None:
        raise UserError(tr("{value} is not a NIU: {problem}", value=text[:40], problem=problem),
                        field="niu", rule="niu_format")
    return value


def log_read(conn: Conn, operator: str, action: str, criteria: dict[str, Any],
             nius: Sequence[str]) -> None:
    """Keep an administrator's read of the national register (SCEC migration 0127)."""
    conn.execute("INSERT INTO admin_read (operator, action, criteria, nius)"
                 " VALUES (%s, %s, %s, %s)",
                 (operator.strip()[:200] or "?", action,
                  json.dumps(criteria, ensure_ascii=False, default=str), list(nius)))


def act(conn: Conn, niu_text: str) -> dict[str, Any]:
    niu = _niu(niu_text)
    row = conn.execute(
        "SELECT record, centre, event_type, stored_at, received_at, updated_at, message_id,"
        " mention_count FROM act WHERE niu = %s AND reg_year = %s",
        (niu, int(niu[6:10]))).fetchone()
    if row is None:
        raise UserError(tr("No act {niu} in the national register", niu=niu), field="niu",
                        rule="not_found")
    conflicts = conn.execute("SELECT id, reason, received_at FROM conflict WHERE niu = %s"
                             " ORDER BY id", (niu,)).fetchall()
    return {"niu": niu, "centre": row[1], "event_type": row[2], "stored_at": row[3],
            "received_at": row[4], "updated_at": row[5], "message_id": str(row[6]),
            "mentions": row[7], "record": row[0],
            "conflicts": [{"id": c[0], "reason": c[1], "received_at": c[2]} for c in conflicts]}


def history(conn: Conn, niu_text: str) -> dict[str, Any]:
    """Everything the SCEC did with an act, oldest first (``xmserver act history NIU``).

    Its storing (container, carrier, sequence), the mentions its record carries,
    other content received under its NIU (conflicts), mentions routed to it or
    from it, duplicate pairs it is in, the national queries whose answer held it
    (which centre, who asked), the SCEC's administrators' reads of it and the
    notices sent about it.  Read-only (the caller logs the read itself).
    """
    found = act(conn, niu_text)
    niu = found["niu"]
    events: list[dict[str, Any]] = []

    def add(at: Any, what: str, **detail: Any) -> None:
        events.append({"at": at, "event": what, **detail})

    row = conn.execute("SELECT sequence, carrier, received_at FROM seen_message"
                       " WHERE message_id = %s", (found["message_id"],)).fetchone()
    add(found["stored_at"], "stored", centre=found["centre"], message_id=found["message_id"],
        sequence=row[0] if row else None, carrier=row[1] if row else None)
    for m in found["record"].get("mentions") or []:
        add(m.get("created_at"), "mention", kind=m.get("kind"), source_niu=m.get("source_niu"))
    for c in found["conflicts"]:
        add(c["received_at"], "conflict", reason=c["reason"], id=c["id"])
    for mid, source, target, kind, stored, routed, applied in conn.execute(
            "SELECT mention_id, from_centre, target_centre, body->>'kind', stored_at,"
            " routed_in, applied_at FROM routed_mention WHERE target_niu = %s"
            " OR body->>'source_niu' = %s ORDER BY stored_at", (niu, niu)).fetchall():
        add(stored, "routed_mention", mention_id=mid, kind=kind, from_centre=source,
            to_centre=target, routed=routed is not None, applied_at=applied)
    for pair, one, other, flagged, decided, decision in conn.execute(
            "SELECT id, niu, other_niu, flagged_at, resolved_at, resolution"
            " FROM national_duplicate WHERE niu = %s OR other_niu = %s ORDER BY id",
            (niu, niu)).fetchall():
        add(flagged, "possible_duplicate", id=pair, other_niu=other if one == niu else one,
            resolved_at=decided, resolution=decision)
    for centre, who, role, asked, carrier in conn.execute(
            "SELECT centre, asked_by_name, role, asked_at, carrier FROM national_query"
            " WHERE returned @> ARRAY[%s] ORDER BY asked_at", (niu,)).fetchall():
        add(asked, "read_by_query", centre=centre, asked_by=who, role=role, carrier=carrier)
    for operator, action, at in conn.execute(
            "SELECT operator, action, read_at FROM admin_read WHERE nius @> ARRAY[%s]"
            " ORDER BY id", (niu,)).fetchall():
        add(at, "read_at_scec", operator=operator, action=action)
    for centre, kind, created, sent in conn.execute(
            "SELECT centre, body->>'kind', created_at, sent_in FROM notice"
            " WHERE body->>'niu' = %s OR body->>'other_niu' = %s ORDER BY id",
            (niu, niu)).fetchall():
        add(created, "notice", centre=centre, kind=kind, sent=sent is not None)
    events.sort(key=lambda e: _moment(e["at"]))
    return {"niu": niu, "centre": found["centre"], "event_type": found["event_type"],
            "events": events}


def _moment(value: Any) -> dt.datetime:
    """A time to sort by: a timestamp, or the ISO text a record holds (unknown: first)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, dt.datetime):
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


#: What a revoked signer's container said (migration 0124), and what superseded it.
_EVIDENCE_KEYS = ("sender", "sequence", "message_id", "superseded_at", "superseded_by",
                  "superseded_same_content", "reinstatement_id")


def quarantine_list(conn: Conn, *, limit: int = 100, reason: str | None = None,
                    superseded: bool | None = None) -> list[dict[str, Any]]:
    """Newest first; ``superseded`` True/False keeps only the revoked signers' containers
    that a reinstated centre's new key did (or did not yet) send again."""
    rows = conn.execute(
        "SELECT id, received_at, last_seen_at, times, carrier, claimed_sender, reason, detail,"
        " size, sender, sequence, message_id::text, superseded_at, superseded_by::text,"
        " superseded_same_content, reinstatement_id"
        " FROM quarantine WHERE (%s::text IS NULL OR reason = %s)"
        " AND (%s::boolean IS NULL OR (superseded_at IS NOT NULL) = %s)"
        " ORDER BY id DESC LIMIT %s",
        (reason, reason, superseded, superseded, max(1, min(limit, 10_000)))).fetchall()
    keys = ("id", "received_at", "last_seen_at", "times", "carrier", "claimed_sender", "reason",
            "detail", "size", *_EVIDENCE_KEYS)
    return [dict(zip(keys, r, strict=True)) for r in rows]


def quarantine_item(conn: Conn, item: int) -> tuple[dict[str, Any], bytes]:
    row = conn.execute(
        "SELECT id, received_at, last_seen_at, times, carrier, topic, claimed_sender, reason,"
        " detail, size, encode(sha256, 'hex'), sender, sequence, message_id::text,"
        " superseded_at, superseded_by::text, superseded_same_content, reinstatement_id,"
        " data FROM quarantine"
        " WHERE id = %s", (item,)).fetchone()
    if row is None:
        raise UserError(tr("No quarantined container {id}", id=item), field="id",
                        rule="not_found")
    keys = ("id", "received_at", "last_seen_at", "times", "carrier", "topic", "claimed_sender",
            "reason", "detail", "size", "sha256", *_EVIDENCE_KEYS)
    return dict(zip(keys, row[:-1], strict=True)), bytes(row[-1])


def purge_quarantine(conn: Conn, *, item: int | None = None,
                     older_than_days: int | None = None) -> int:
    if item is None and older_than_days is None:
        raise UserError(tr("Say what to purge: --id ID or --older-than DAYS"), field="id",
                        rule="required")
    if older_than_days is not None and older_than_days < 0:
        raise UserError(tr("--older-than must be a number of days ≥ 0"), field="older_than",
                        rule="out_of_range")
    # a revoked signer's container (``sender`` known) is evidence: never purged, and
    # the database refuses it anyway (migration 0126)
    with conn.transaction():
        if item is not None:
            row = conn.execute("SELECT sender FROM quarantine WHERE id = %s",
                               (item,)).fetchone()
            if row is not None and row[0] is not None:
                raise UserError(tr("Quarantined container {id} is kept as evidence: it is "
                                   "signed by a revoked certificate of centre {code}",
                                   id=item, code=row[0]), field="id", rule="evidence_kept")
            return conn.execute("DELETE FROM quarantine WHERE id = %s", (item,)).rowcount
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days or 0)
        return conn.execute("DELETE FROM quarantine WHERE last_seen_at < %s"
                            " AND sender IS NULL", (cutoff,)).rowcount


def conflicts(conn: Conn, *, open_only: bool = True, limit: int = 100) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, niu, centre, reason, sequence, received_at, resolved_at FROM conflict"
        " WHERE NOT %s OR resolved_at IS NULL ORDER BY id DESC LIMIT %s",
        (open_only, max(1, min(limit, 10_000)))).fetchall()
    keys = ("id", "niu", "centre", "reason", "sequence", "received_at", "resolved_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def conflict(conn: Conn, item: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT c.id, c.niu, c.centre, c.reason, c.message_id, c.sequence, c.received_at,"
        " c.resolved_at, c.resolution, c.received, a.record"
        " FROM conflict c LEFT JOIN act a ON a.niu = c.niu"
        " AND a.reg_year = substr(c.niu, 7, 4)::smallint WHERE c.id = %s", (item,)).fetchone()
    if row is None:
        raise UserError(tr("No conflict {id}", id=item), field="id", rule="not_found")
    keys = ("id", "niu", "centre", "reason", "message_id", "sequence", "received_at",
            "resolved_at", "resolution", "received", "stored")
    out = dict(zip(keys, row, strict=True))
    out["message_id"] = str(out["message_id"])
    return out


def history_alerts(conn: Conn) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT centre, audit_seq, encode(recorded_hash, 'hex'),"
                        " encode(reported_hash, 'hex'), seen_at FROM history_alert"
                        " ORDER BY id").fetchall()
    keys = ("centre", "audit_seq", "recorded_hash", "reported_hash", "seen_at")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def duplicates(conn: Conn, *, open_only: bool = True, limit: int = 100) -> list[dict[str, Any]]:
    """Pairs of acts of two centres that look like the same event, newest first."""
    rows = conn.execute(
        "SELECT id, niu, other_niu, event_type, centre, other_centre, flagged_at, resolved_at,"
        " resolution FROM national_duplicate WHERE NOT %s OR resolved_at IS NULL"
        " ORDER BY id DESC LIMIT %s", (open_only, max(1, min(limit, 10_000)))).fetchall()
    keys = ("id", "niu", "other_niu", "event_type", "centre", "other_centre", "flagged_at",
            "resolved_at", "resolution")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def duplicate(conn: Conn, item: int) -> dict[str, Any]:
    """One flagged pair with both acts as the SCEC holds them."""
    row = conn.execute(
        "SELECT id, niu, other_niu, event_type, centre, other_centre, flagged_at, resolved_at,"
        " resolution, note FROM national_duplicate WHERE id = %s", (item,)).fetchone()
    if row is None:
        raise UserError(tr("No flagged pair {id}", id=item), field="id", rule="not_found")
    found = dict(zip(("id", "niu", "other_niu", "event_type", "centre", "other_centre",
                      "flagged_at", "resolved_at", "resolution", "note"), row, strict=True))
    found["act"] = act(conn, found["niu"])["record"]
    found["other_act"] = act(conn, found["other_niu"])["record"]
    return found


def resolve_duplicate(conn: Conn, item: int, resolution: str, note: str) -> dict[str, Any]:
    """Record a person's decision and tell both centres; both acts stay (a same event is
    corrected by its centres)."""
    if resolution not in ("same_event", "different_events"):
        raise UserError(tr("A decision is same_event or different_events"), field="resolution",
                        rule="bad_resolution")
    if not note.strip():
        raise UserError(tr("Say why (--note): the decision is kept with the pair"),
                        field="note", rule="required")
    with conn.transaction():
        row = conn.execute(
            "UPDATE national_duplicate SET resolved_at = now(), resolution = %s, note = %s"
            " WHERE id = %s AND resolved_at IS NULL RETURNING id",
            (resolution, note.strip()[:1000], item)).fetchone()
        if row is None:
            raise UserError(tr("No open flagged pair {id}", id=item), field="id",
                            rule="not_found")
        # both centres are told, by the next relay or T2D export
        pair_notices(conn, "duplicate_resolved", [item])
    return duplicate(conn, item)
