"""The transmitter's decisions, as plain functions and values (sans-IO).

What to pack next, when to re-send, how a receipt or a STATUS changes outbox
entries, whether the centre must get back in step, how long to wait before the
next connection attempt: all decided here from values handed in, so that each
rule is tested without a database or a broker.  The database adapter
(``store.py``) and the carriers (``link.py``, ``t2d.py``) do the I/O.

This module must never import a database, broker, file or GUI library, and
never read the clock or a random source itself (both are passed in).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry
from common.wire.sync import Status

# Outbox entry states (docs/protocol.md §6).
PENDING, PACKED, SENT, ACKNOWLEDGED, REFUSED = (
    "pending", "packed", "sent", "acknowledged", "refused")
FINAL = frozenset({ACKNOWLEDGED, REFUSED})
# Which state an entry may move to on each event; anything else is ignored, so
# applying an answer twice, or a late answer after a final one, changes nothing.
TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    "pack": {PENDING: PACKED},
    "puback": {PACKED: SENT},
    "stored": {PENDING: ACKNOWLEDGED, PACKED: ACKNOWLEDGED, SENT: ACKNOWLEDGED},
    "refused": {PENDING: REFUSED, PACKED: REFUSED, SENT: REFUSED},
}

ACT_BATCH, MENTION_OUT = "act_batch", "mention_out"


@dataclass(frozen=True)
class Limits:
    """How containers are cut and paced (centre settings; defaults sized for 22 kbps).

    At 22 kbps (≈ 2.7 kB/s) an act costs some tens of bytes once compressed: 200
    acts make a container of a few kilobytes, sent in a few seconds, so that
    an outage loses little work and a satellite round trip (0.6–1.5 s) is
    covered by keeping ``window`` containers in flight.
    """

    batch_size: int = 200
    max_bytes: int = 48 * 1024
    window: int = 4
    resend_after: dt.timedelta = dt.timedelta(seconds=120)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= 10_000 or not 1024 <= self.max_bytes <= 1024 * 1024:
            raise ValueError("batch size 1–10000, container bytes 1 kB–1 MB")


@dataclass(frozen=True)
class OutboxEntry:
    """One outbox row as the transmitter sees it."""

    id: int
    kind: str  # 'act' | 'mention'
    niu: str
    target_centre: str
    state: str = PENDING


@dataclass(frozen=True)
class Batch:
    """Entries to seal into one container: ``items`` are the receipt identifiers."""

    kind: str  # ACT_BATCH | MENTION_OUT
    entries: tuple[OutboxEntry, ...]


def container_kind(entry: OutboxEntry, own_centre: str) -> str:
    """An act, or a mention on an act held here, travels as its act; others are routed."""
    if entry.kind == "act" or entry.target_centre == own_centre:
        return ACT_BATCH
    return MENTION_OUT


def plan_batches(pending: Sequence[OutboxEntry], own_centre: str, batch_size: int) -> list[Batch]:
    """Cut pending entries, oldest first, into batches of at most ``batch_size`` items.

    In an act batch an act appears once however many of its entries are pending
    (its act entry and mention entries): it is sent once, with all its mentions,
    and the receipt for its NIU answers all of them.
    """
    by_kind: dict[str, list[OutboxEntry]] = {ACT_BATCH: [], MENTION_OUT: []}
    for entry in sorted(pending, key=lambda e: e.id):
        by_kind[container_kind(entry, own_centre)].append(entry)
    batches: list[Batch] = []
    for kind, entries in by_kind.items():
        current: list[OutboxEntry] = []
        items: set[str] = set()
        for entry in entries:
            key = entry.niu if kind == ACT_BATCH else f"#{entry.id}"
            if key not in items and len(items) >= batch_size:
                batches.append(Batch(kind, tuple(current)))
                current, items = [], set()
            current.append(entry)
            items.add(key)
        if current:
            batches.append(Batch(kind, tuple(current)))
    batches.sort(key=lambda b: b.entries[0].id)
    return batches


def split(batch: Batch) -> tuple[Batch, Batch]:
    """Halve a batch whose container came out over the size limit (acts kept together)."""
    if batch.kind == ACT_BATCH:
        nius = list(dict.fromkeys(e.niu for e in batch.entries))
        first = set(nius[: max(1, len(nius) // 2)])
        head = tuple(e for e in batch.entries if e.niu in first)
        tail = tuple(e for e in batch.entries if e.niu not in first)
    else:
        half = max(1, len(batch.entries) // 2)
        head, tail = batch.entries[:half], batch.entries[half:]
    return Batch(batch.kind, head), Batch(batch.kind, tail)


@dataclass(frozen=True)
class RecordedContainer:
    """A sealed container as recorded in the database."""

    sequence: int
    message_id: uuid.UUID
    last_sent_at: dt.datetime | None
    sends: int
    receipt_at: dt.datetime | None = None


def due_for_sending(containers: Iterable[RecordedContainer], now: dt.datetime,
                    limits: Limits, in_flight: Iterable[int] = ()) -> list[int]:
    """Sequences to publish now: never sent, or unreceipted past the re-send delay.

    ``in_flight``: published on this connection, PUBACK not yet received (not
    re-sent meanwhile).  Oldest first; at most ``limits.window`` in flight.
    """
    busy = set(in_flight)
    room = max(0, limits.window - len(busy))
    due = []
    for c in sorted(containers, key=lambda c: c.sequence):
        if c.receipt_at is not None or c.sequence in busy:
            continue
        if c.last_sent_at is None or now - c.last_sent_at >= limits.resend_after:
            due.append(c.sequence)
    return due[:room]


def stale(containers: Iterable[RecordedContainer], limits: Limits) -> bool:
    """Containers re-sent twice already without a receipt: ask the SCEC where we stand."""
    return any(c.receipt_at is None and c.sends >= 3 for c in containers)


@dataclass(frozen=True)
class Change:
    """What an answer does to one outbox entry of a container."""

    outbox_id: int
    state: str  # ACKNOWLEDGED | REFUSED
    reason: str = ""


def entry_changes(entries: Mapping[int, tuple[str, str]],
                  answers: Iterable[ReceiptEntry]) -> list[Change]:
    """Outbox entries ``{outbox id: (item id, state)}`` changed by receipt entries.

    An entry already final is left alone (receipts are idempotent); an item the
    answer does not name stays where it is (still waiting).
    """
    by_item: dict[str, ReceiptEntry] = {a.act_id: a for a in answers}
    changes = []
    for outbox_id, (item, state) in sorted(entries.items()):
        answer = by_item.get(item)
        if answer is None or state in FINAL:
            continue
        if answer.outcome in (ActOutcome.STORED, ActOutcome.ALREADY_STORED):
            changes.append(Change(outbox_id, ACKNOWLEDGED))
        else:
            changes.append(Change(outbox_id, REFUSED, answer.reason or "refused"))
    return changes


def receipt_changes(entries: Mapping[int, tuple[str, str]], receipt: Receipt) -> list[Change]:
    """A receipt for one container; a refusal of the whole container refuses each entry."""
    if receipt.refusal:
        return [Change(i, REFUSED, receipt.refusal) for i, (_, state) in sorted(entries.items())
                if state not in FINAL]
    return entry_changes(entries, receipt.entries)


@dataclass(frozen=True)
class SyncOutcome:
    changes: list[Change]
    next_sequence: int
    resend: list[int]  # recorded containers the SCEC does not hold: re-send now, same bytes


def status_outcome(status: Status, entries: Mapping[int, tuple[str, str]],
                   unreceipted: Mapping[uuid.UUID, int], next_sequence: int) -> SyncOutcome:
    """Apply a STATUS: never number at or below the SCEC's highest; re-send what it lacks.

    The STATUS's per-act entries are *not* applied as acknowledgements: a
    SYNC_REQUEST names acts by NIU only, and a centre restored from an old
    backup may have given a NIU again to another act (its counters came back
    old too), so "the SCEC holds this NIU" does not say it holds *this* act.
    Every unacknowledged entry is acknowledged or refused by the receipt of a
    container, where the SCEC compares contents: the receipts of the held
    containers are re-published by the SCEC, the others are re-sent, and pending
    entries are packed as usual.  (``entries`` is kept for the signature: the
    caller's view of what was asked.)
    """
    held = set(status.held_messages)
    del entries
    return SyncOutcome(
        changes=[],
        next_sequence=max(next_sequence, status.highest_sequence + 1),
        resend=sorted(seq for mid, seq in unreceipted.items() if mid not in held))


# ---------------------------------------------------------------- getting back in step


@dataclass(frozen=True)
class HighWaterMark:
    """The highest sequence this centre ever recorded, kept where backups do not reach."""

    centre: str
    highest_sequence: int


def restore_suspected(mark: HighWaterMark | None, centre: str, recorded_highest: int) -> str:
    """Why the database may be older than the centre's history ('' when it is not).

    A backup restores the database *and* the home's settings and keys, so a
    marker kept in either comes back old too; the mark is kept in the
    transmission spool, which backups leave out.  No mark at all (a restore
    into a fresh home, a new machine) is a doubt, and a doubt means: ask.
    """
    if mark is None or mark.centre != centre:
        return "no_high_water_mark"
    if mark.highest_sequence > recorded_highest:
        return "database_older_than_history"
    return ""


# ---------------------------------------------------------------------- reconnecting


@dataclass
class Backoff:
    """Exponential backoff with jitter: 1 s doubling to 5 min, ±30 % (protocol.md §1)."""

    random: Callable[[], float]  # uniform in [0, 1)
    first: float = 1.0
    ceiling: float = 300.0
    jitter: float = 0.3
    attempts: int = 0

    def next_delay(self) -> float:
        base = min(self.ceiling, self.first * 2.0 ** min(self.attempts, 30))
        self.attempts += 1
        return base * (1 - self.jitter + 2 * self.jitter * self.random())

    def reset(self) -> None:
        self.attempts = 0
