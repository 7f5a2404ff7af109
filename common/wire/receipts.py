"""The body of a RECEIPT: the SCEC's signed statement of what it stored.

A receipt answers one container (its message id and sequence) and lists, for
each act, its identifier (the NIU) and what happened: ``stored``,
``already_stored`` (a duplicate delivery, harmless: ingest is idempotent) or
``refused`` with a reason key.  The transmitter removes an act from its outbox
only on ``stored`` or ``already_stored``.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from common.wire.binary import Reader, Writer

MAX_RECEIPT_ENTRIES = 10_000


class ActOutcome(enum.IntEnum):
    STORED = 0
    ALREADY_STORED = 1
    REFUSED = 2


@dataclass(frozen=True)
class ReceiptEntry:
    act_id: str
    outcome: ActOutcome
    reason: str = ""


@dataclass(frozen=True)
class Receipt:
    acknowledged_message: uuid.UUID
    acknowledged_sequence: int
    entries: tuple[ReceiptEntry, ...]
    refusal: str = ""  # set when the whole container was refused (a ContainerRefused reason)


def encode_receipt(receipt: Receipt) -> bytes:
    w = Writer()
    w.raw(receipt.acknowledged_message.bytes)
    w.uint(receipt.acknowledged_sequence)
    w.text(receipt.refusal)
    w.uint(len(receipt.entries))
    for entry in receipt.entries:
        w.text(entry.act_id)
        w.byte(int(entry.outcome))
        w.text(entry.reason)
    return w.getvalue()


def decode_receipt(body: bytes) -> Receipt:
    r = Reader(body, "bad_payload")
    message = uuid.UUID(bytes=r.raw(16))
    sequence = r.uint()
    refusal = r.text(64)
    count = r.uint(MAX_RECEIPT_ENTRIES)
    entries = []
    for _ in range(count):
        act_id = r.text(64)
        outcome_value = r.byte()
        if outcome_value not in ActOutcome._value2member_map_:
            raise r.fail(f"unknown outcome {outcome_value}")
        entries.append(ReceiptEntry(act_id, ActOutcome(outcome_value), r.text(64)))
    r.end()
    return Receipt(message, sequence, tuple(entries), refusal)
