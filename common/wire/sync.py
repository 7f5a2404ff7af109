"""Getting a centre back in step with the SCEC: ``SYNC_REQUEST`` and its ``STATUS`` answer.

A centre restored from an older backup, or whose broker session expired, does
not know which of its containers the SCEC holds, nor the last sequence number
it used.  It asks (``SYNC_REQUEST``, sequence 0: a question, not a step of its
history) with the acts still in its outbox and the message ids of the
containers it recorded without a receipt; the SCEC answers (``STATUS``) with
the highest sequence it accepted from the centre and, for each act it holds,
how (``ALREADY_STORED``, or ``REFUSED`` with ``niu_conflict`` when it holds
other content under that NIU); it also re-sends the stored receipts of the
asked containers.  The centre then numbers its next container above
``highest_sequence`` and re-sends (same bytes, same message id) what the SCEC
does not hold.  Pure encoding; see docs/protocol.md §Sync.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from common.wire.binary import Reader, Writer
from common.wire.message import MAX_SEQUENCE
from common.wire.receipts import MAX_RECEIPT_ENTRIES, ActOutcome, ReceiptEntry

MAX_SYNC_ITEMS = 100_000


@dataclass(frozen=True)
class SyncRequest:
    act_ids: tuple[str, ...]  # NIUs (or mention ids) the centre still waits a receipt for
    message_ids: tuple[uuid.UUID, ...]  # containers recorded at the centre, no receipt yet


@dataclass(frozen=True)
class Status:
    answers: uuid.UUID  # the SYNC_REQUEST's message id
    highest_sequence: int  # 0: the SCEC accepted nothing from this centre yet
    entries: tuple[ReceiptEntry, ...]  # only the asked acts the SCEC holds (or conflicts on)
    held_messages: tuple[uuid.UUID, ...] = ()  # asked containers the SCEC holds


def encode_sync_request(request: SyncRequest) -> bytes:
    w = Writer()
    w.uint(len(request.act_ids))
    for act_id in request.act_ids:
        w.text(act_id)
    w.uint(len(request.message_ids))
    for message_id in request.message_ids:
        w.raw(message_id.bytes)
    return w.getvalue()


def decode_sync_request(body: bytes) -> SyncRequest:
    r = Reader(body, "bad_payload")
    act_ids = tuple(r.text(64) for _ in range(r.uint(MAX_SYNC_ITEMS)))
    message_ids = tuple(uuid.UUID(bytes=r.raw(16)) for _ in range(r.uint(MAX_SYNC_ITEMS)))
    r.end()
    return SyncRequest(act_ids, message_ids)


def encode_status(status: Status) -> bytes:
    w = Writer()
    w.raw(status.answers.bytes)
    w.uint(status.highest_sequence)
    w.uint(len(status.entries))
    for entry in status.entries:
        w.text(entry.act_id)
        w.byte(int(entry.outcome))
        w.text(entry.reason)
    w.uint(len(status.held_messages))
    for message_id in status.held_messages:
        w.raw(message_id.bytes)
    return w.getvalue()


def decode_status(body: bytes) -> Status:
    r = Reader(body, "bad_payload")
    answers = uuid.UUID(bytes=r.raw(16))
    highest = r.uint(MAX_SEQUENCE)
    entries = []
    for _ in range(r.uint(MAX_RECEIPT_ENTRIES * 10)):
        act_id = r.text(64)
        outcome = r.byte()
        if outcome not in ActOutcome._value2member_map_:
            raise r.fail(f"unknown outcome {outcome}")
        entries.append(ReceiptEntry(act_id, ActOutcome(outcome), r.text(64)))
    held = tuple(uuid.UUID(bytes=r.raw(16)) for _ in range(r.uint(MAX_SYNC_ITEMS)))
    r.end()
    return Status(answers, highest, tuple(entries), held)
