"""The transmitter's decisions without I/O (``ecr_tk.transmission.core``), table-driven."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest

from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry
from common.wire.sync import Status
from ecr_tk.transmission import core
from ecr_tk.transmission.core import (
    ACKNOWLEDGED,
    PACKED,
    PENDING,
    REFUSED,
    SENT,
    Change,
    HighWaterMark,
    OutboxEntry,
    RecordedContainer,
)

OWN = "221001"
T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def entry(i: int, kind: str = "act", niu: str | None = None, target: str = OWN) -> OutboxEntry:
    return OutboxEntry(i, kind, niu or f"{OWN}2026{i:09d}", target)


def test_batches_keep_order_size_and_put_an_act_once_with_its_mentions() -> None:
    entries = [entry(1), entry(2), entry(3, "mention", niu=entry(1).niu),
               entry(4, "mention", niu="3300071990000000042", target="330007"), entry(5)]
    batches = core.plan_batches(entries, OWN, batch_size=2)
    assert [(b.kind, [e.id for e in b.entries]) for b in batches] == [
        ("act_batch", [1, 2, 3]), ("mention_out", [4]), ("act_batch", [5])]


@pytest.mark.parametrize("size", [1, 2, 3, 10])
def test_splitting_a_batch_loses_no_entry_and_keeps_an_act_whole(size: int) -> None:
    entries = (*tuple(entry(i) for i in range(1, size + 1)), entry(99, "mention", niu=entry(1).niu))
    head, tail = core.split(core.Batch("act_batch", entries))
    assert sorted(e.id for e in head.entries + tail.entries) == sorted(e.id for e in entries)
    assert {e.niu for e in head.entries}.isdisjoint({e.niu for e in tail.entries})


@pytest.mark.parametrize(("sent_ago", "receipted", "busy", "due"), [
    (None, False, False, True),     # recorded, never sent: now
    (10, False, False, False),      # sent 10 s ago: wait for the receipt
    (200, False, False, True),      # past the re-send delay: again, same bytes
    (200, True, False, False),      # receipted: never again
    (None, False, True, False),     # in flight on this connection
])
def test_when_a_container_is_sent(sent_ago: int | None, receipted: bool, busy: bool,
                                  due: bool) -> None:
    c = RecordedContainer(7, uuid.uuid4(), None if sent_ago is None
                          else T0 - dt.timedelta(seconds=sent_ago), 1,
                          T0 if receipted else None)
    assert bool(core.due_for_sending([c], T0, core.Limits(), [7] if busy else [])) == due


def test_no_more_than_the_window_is_in_flight() -> None:
    containers = [RecordedContainer(i, uuid.uuid4(), None, 0) for i in range(1, 10)]
    assert core.due_for_sending(containers, T0, core.Limits(window=4), in_flight=[20]) == [1, 2, 3]


@pytest.mark.parametrize(("state", "outcome", "expected"), [
    (SENT, ActOutcome.STORED, Change(1, ACKNOWLEDGED)),
    (PACKED, ActOutcome.ALREADY_STORED, Change(1, ACKNOWLEDGED)),
    (SENT, ActOutcome.REFUSED, Change(1, REFUSED, "niu_conflict")),
    (ACKNOWLEDGED, ActOutcome.REFUSED, None),   # final: a late answer changes nothing
    (REFUSED, ActOutcome.STORED, None),
])
def test_a_receipt_changes_an_entry_once(state: str, outcome: ActOutcome,
                                         expected: Change | None) -> None:
    receipt = Receipt(uuid.uuid4(), 3, (ReceiptEntry("N1", outcome, "niu_conflict"
                                                     if outcome == ActOutcome.REFUSED else ""),))
    assert core.receipt_changes({1: ("N1", state)}, receipt) == ([expected] if expected else [])


def test_a_container_refused_as_a_whole_refuses_each_waiting_entry() -> None:
    receipt = Receipt(uuid.uuid4(), 3, (), refusal="revoked_signer")
    assert core.receipt_changes({1: ("a", SENT), 2: ("b", ACKNOWLEDGED)}, receipt) == [
        Change(1, REFUSED, "revoked_signer")]


def test_a_status_never_lowers_the_next_number_and_re_sends_what_the_scec_lacks() -> None:
    held, lost = uuid.uuid4(), uuid.uuid4()
    status = Status(uuid.uuid4(), 41, (ReceiptEntry("N1", ActOutcome.ALREADY_STORED),), (held,))
    outcome = core.status_outcome(status, {1: ("N1", PENDING)}, {held: 5, lost: 6}, 3)
    assert outcome.next_sequence == 42 and outcome.resend == [6]
    assert outcome.changes == []  # a NIU alone does not prove the same act: receipts decide
    assert core.status_outcome(status, {}, {}, 50).next_sequence == 50


@pytest.mark.parametrize(("mark", "recorded", "reason"), [
    (None, 0, "no_high_water_mark"),
    (HighWaterMark("999999", 3), 3, "no_high_water_mark"),
    (HighWaterMark(OWN, 9), 4, "database_older_than_history"),
    (HighWaterMark(OWN, 4), 4, ""),
    (HighWaterMark(OWN, 4), 6, ""),  # recorded, crashed before the mark was raised
])
def test_a_restored_database_is_suspected(mark: HighWaterMark | None, recorded: int,
                                          reason: str) -> None:
    assert core.restore_suspected(mark, OWN, recorded) == reason


def test_backoff_doubles_to_five_minutes_with_jitter() -> None:
    low = core.Backoff(lambda: 0.0)
    high = core.Backoff(lambda: 0.999999)
    lows = [low.next_delay() for _ in range(12)]
    highs = [high.next_delay() for _ in range(12)]
    assert lows[0] == pytest.approx(0.7) and highs[0] == pytest.approx(1.3, rel=1e-3)
    assert lows[-1] == pytest.approx(300 * 0.7) and highs[-1] == pytest.approx(390, rel=1e-3)
    assert all(b >= a for a, b in itertools.pairwise(lows))
    low.reset()
    assert low.next_delay() == pytest.approx(0.7)
