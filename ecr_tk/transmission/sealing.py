"""The centre's keys as the transmitter uses them: seal for the SCEC, open its answers.

Built once from the enrolled keys folder (``common.pki.centre``).  Answers are
opened with ``common.wire`` and must be signed by the SCEC's signing certificate
and addressed to this centre; anything else raises ``ContainerRefused`` and is
ignored by the caller (logged, never applied).  Replays are not refused here:
a re-published receipt is normal, and the database (``tx_answers``) makes
applying it twice a no-op.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.acts.actjson import ActRecord
from common.pki.centre import CentreIdentity, load_centre_identity
from common.wire import batches
from common.wire.cms import RecipientKey
from common.wire.container import (
    OpenedMessage,
    RecipientCertificate,
    SenderKey,
    open_container,
    seal_message,
)
from common.wire.mentions import decode_mentions
from common.wire.message import SCEC, AuditMark, Kind
from common.wire.notices import decode_notices
from common.wire.query import Query, QueryAnswer
from common.wire.receipts import Receipt, decode_receipt
from common.wire.sync import Status, SyncRequest, decode_status
from common.wire.trust import Signer, StaticDirectory


class _ScecOnly(StaticDirectory):
    def already_seen(self, sender: str, sequence: int, message_id: uuid.UUID) -> bool:
        return False  # idempotence is the database's (tx_answers), not the opener's


@dataclass(frozen=True)
class Sealed:
    """A container just sealed: its message id, its bytes, and the message it signs."""

    message_id: uuid.UUID
    data: bytes
    message: bytes


@dataclass(frozen=True)
class Answer:
    """An opened container from the SCEC: one of its fields is set, by kind."""

    opened: OpenedMessage
    receipt: Receipt | None = None
    status: Status | None = None
    revocation_list: bytes | None = None  # DER
    mentions: tuple[dict[str, Any], ...] | None = None  # for acts held here
    query_answer: QueryAnswer | None = None  # acts found for a national query
    notices: tuple[dict[str, Any], ...] | None = None  # duplicates, mentions applied elsewhere


class Sealer:
    def __init__(self, identity: CentreIdentity) -> None:
        self.identity = identity
        self.centre = identity.centre_code
        self._sender = SenderKey(identity.key, identity.key_identifier)
        self._scec = RecipientCertificate.of(identity.scec_encryption)
        cert = identity.certificate
        self._own = RecipientKey(identity.key, identity.key_identifier,
                                 cert.issuer.public_bytes(), cert.serial_number)
        revoked = ({r.serial_number for r in identity.revocation_list}
                   if identity.revocation_list is not None else set())
        self._directory = _ScecOnly([Signer(SCEC, identity.scec_signing)], revoked)

    @classmethod
    def from_keys(cls, keys_dir: Path) -> Sealer:
        return cls(load_centre_identity(keys_dir))

    @property
    def key_identifier(self) -> bytes:
        """The identifier of the key this sealer signs with (kept with each container)."""
        return self._sender.key_identifier

    def seal_acts(self, acts: Sequence[ActRecord], sequence: int,
                  audit: Sequence[AuditMark]) -> Sealed:
        message_id, message = batches.act_batch_message(acts, centre=self.centre,
                                                        sequence=sequence, audit=audit)
        return Sealed(message_id, self.reseal(message), message)

    def seal_mentions(self, mentions: Sequence[Mapping[str, Any]], sequence: int,
                      audit: Sequence[AuditMark]) -> Sealed:
        message_id, message = batches.mentions_message(mentions, centre=self.centre,
                                                       sequence=sequence, audit=audit)
        return Sealed(message_id, self.reseal(message), message)

    def reseal(self, message: bytes) -> bytes:
        """Seal a recorded message under this centre's current key (a reinstated centre's
        pending containers: same sequence, message id, time and content)."""
        return seal_message(message, self._sender, self._scec)

    def seal_sync(self, request: SyncRequest,
                  audit: Sequence[AuditMark]) -> tuple[uuid.UUID, bytes]:
        return batches.seal_sync_request(request, centre=self.centre, sender=self._sender,
                                         recipient=self._scec, audit=audit)

    def seal_query(self, query: Query, message_id: uuid.UUID,
                   created: dt.datetime) -> tuple[uuid.UUID, bytes]:
        return batches.seal_query(query, centre=self.centre, sender=self._sender,
                                  recipient=self._scec, message_id=message_id, created=created)

    def open_query_answer(self, data: bytes) -> tuple[OpenedMessage, QueryAnswer]:
        return batches.open_query_answer(data, self._own, self._directory,
                                         own_centre=self.centre)

    def open_answer(self, data: bytes) -> Answer:
        """Open what the SCEC sends this centre; raises ``ContainerRefused`` otherwise."""
        opened = open_container(data, self._own, self._directory,
                                expected=(Kind.RECEIPT, Kind.STATUS, Kind.REVOCATION_LIST,
                                          Kind.MENTION_IN, Kind.QUERY_ANSWER, Kind.NOTICE),
                                own_centre=self.centre)
        kind = opened.header.kind
        if kind == Kind.RECEIPT:
            return Answer(opened, receipt=decode_receipt(opened.body))
        if kind == Kind.REVOCATION_LIST:
            return Answer(opened, revocation_list=opened.body)
        if kind == Kind.MENTION_IN:
            return Answer(opened, mentions=tuple(decode_mentions(opened.body)))
        if kind == Kind.QUERY_ANSWER:
            return Answer(opened, query_answer=batches.answer_of(opened))
        if kind == Kind.NOTICE:
            return Answer(opened, notices=tuple(decode_notices(opened.body)))
        return Answer(opened, status=decode_status(opened.body))
