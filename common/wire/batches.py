"""Typed sealing and opening: batches of acts, receipts, revocation lists.

The one-call API the transmitter, the SCEC's ingest and T2D use::

    message_id, data = seal_act_batch(acts, centre="123456", sequence=41,
                                      sender=centre_key, recipient=scec_certificate)
    batch = open_act_batch(data, scec_key, directory)      # → OpenedBatch or ContainerRefused

    data = seal_receipt(receipt, centre="123456", sequence=9, sender=scec_signing_key,
                        recipient=centre_certificate)
    receipt = open_receipt(data, centre_key, directory, own_centre="123456")

plus the routed mentions (``seal_mentions`` / ``open_mentions``), the sync
exchange (``seal_sync_request`` / ``open_sync_request``, ``seal_status`` /
``open_status``) and national queries (``seal_query`` / ``open_query``,
``seal_query_answer`` / ``open_query_answer``) and the SCEC's notices
(``seal_notices`` / ``open_notices``).  Every container a centre sends
may carry audit marks (``audit=``, see ``message.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from common.acts.actjson import ActRecord
from common.wire import compression
from common.wire.acts_codec import decode_acts, encode_acts
from common.wire.cms import RecipientKey
from common.wire.container import (
    OpenedMessage,
    RecipientCertificate,
    SenderKey,
    make_message,
    open_container,
    seal,
    seal_message,
)
from common.wire.mentions import decode_mentions, encode_mentions
from common.wire.message import AuditMark, Header, Kind
from common.wire.notices import decode_notices, encode_notices
from common.wire.query import (
    Query,
    QueryAnswer,
    decode_answer,
    decode_query,
    encode_answer,
    encode_query,
)
from common.wire.receipts import Receipt, decode_receipt, encode_receipt
from common.wire.sync import (
    Status,
    SyncRequest,
    decode_status,
    decode_sync_request,
    encode_status,
    encode_sync_request,
)
from common.wire.trust import Signer, SignerDirectory

ACT_KINDS = (Kind.ACT_BATCH,)
#: How long a sync question stays answerable: it is asked and answered online,
#: or within one T2D round trip.
SYNC_MAX_AGE = dt.timedelta(days=60)


@dataclass(frozen=True)
class OpenedBatch:
    header: Header
    signer: Signer
    acts: list[ActRecord]


def seal_act_batch(acts: Sequence[ActRecord], *, centre: str, sequence: int, sender: SenderKey,
                   recipient: RecipientCertificate, kind: Kind = Kind.ACT_BATCH,
                   message_id: uuid.UUID | None = None, created: dt.datetime | None = None,
                   dictionary: int = compression.CURRENT_DICTIONARY,
                   audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """Seal validated acts; an act the dictionary cannot encode raises ``invalid_acts``."""
    message_id, message = act_batch_message(acts, centre=centre, sequence=sequence, kind=kind,
                                            message_id=message_id, created=created,
                                            dictionary=dictionary, audit=audit)
    return message_id, seal_message(message, sender, recipient)


def act_batch_message(acts: Sequence[ActRecord], *, centre: str, sequence: int,
                      kind: Kind = Kind.ACT_BATCH, message_id: uuid.UUID | None = None,
                      created: dt.datetime | None = None,
                      dictionary: int = compression.CURRENT_DICTIONARY,
                      audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """The signed message of an act batch, before sealing (see ``container.make_message``)."""
    if kind not in ACT_KINDS:
        raise ValueError(f"{kind!r} does not carry acts")
    body = encode_acts(acts, compression.vocabulary(dictionary))
    return make_message(kind, centre, sequence, body, message_id=message_id, created=created,
                        dictionary=dictionary, audit=audit)


def open_act_batch(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                   expected: Sequence[Kind] = (Kind.ACT_BATCH,), validate: bool = True,
                   **checks: Any) -> OpenedBatch:
    """Open a container of acts: every check of ``open_container``, then decode and validate."""
    opened = open_container(data, recipient, directory, expected=expected, **checks)
    now = checks.get("now") or dt.datetime.now(dt.UTC)
    acts = decode_acts(opened.body, today=now.date() + dt.timedelta(days=1), validate=validate,
                       vocabulary=compression.vocabulary(opened.header.dictionary))
    return OpenedBatch(opened.header, opened.signer, acts)


def seal_receipt(receipt: Receipt, *, centre: str, sequence: int, sender: SenderKey,
                 recipient: RecipientCertificate,
                 dictionary: int = compression.STORED) -> tuple[uuid.UUID, bytes]:
    """A receipt; ``dictionary`` should be the one of the container it answers.

    NIUs of one container share most of their digits, so compressed a receipt costs
    about 2.5 bytes per act instead of 22 (200 entries: 499 bytes, 4,420 stored), and
    the centre surely knows the dictionary it sealed its own container with (a newer
    one would be refused by an older centre as ``unknown_dictionary``).
    """
    return _sealed(receipt_message(receipt, centre=centre, sequence=sequence,
                                   dictionary=dictionary), sender, recipient)


def receipt_message(receipt: Receipt, *, centre: str, sequence: int,
                    dictionary: int = compression.STORED) -> tuple[uuid.UUID, bytes]:
    """The message of a receipt, before sealing (see ``container.make_message``)."""
    if dictionary != compression.STORED and not compression.available(dictionary):
        dictionary = compression.STORED
    return make_message(Kind.RECEIPT, centre, sequence, encode_receipt(receipt),
                        dictionary=dictionary)


def _sealed(message: tuple[uuid.UUID, bytes], sender: SenderKey,
            recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    message_id, signed = message
    return message_id, seal_message(signed, sender, recipient)


def open_receipt(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                 own_centre: str, **checks: Any) -> tuple[OpenedMessage, Receipt]:
    opened = open_container(data, recipient, directory, expected=(Kind.RECEIPT,),
                            own_centre=own_centre, **checks)
    return opened, decode_receipt(opened.body)


def seal_revocation_list(crl_der: bytes, *, centre: str, sequence: int, sender: SenderKey,
                         recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    """The SCEC sends a centre the current CRL (already compact DER: stored, not compressed)."""
    return _sealed(revocation_list_message(crl_der, centre=centre, sequence=sequence),
                   sender, recipient)


def revocation_list_message(crl_der: bytes, *, centre: str,
                            sequence: int) -> tuple[uuid.UUID, bytes]:
    return make_message(Kind.REVOCATION_LIST, centre, sequence, crl_der,
                        dictionary=compression.STORED)


def open_revocation_list(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                         own_centre: str, **checks: Any) -> bytes:
    opened = open_container(data, recipient, directory, expected=(Kind.REVOCATION_LIST,),
                            own_centre=own_centre, **checks)
    return opened.body


@dataclass(frozen=True)
class OpenedMentions:
    header: Header
    signer: Signer
    mentions: list[dict[str, Any]]


def seal_mentions(mentions: Sequence[Mapping[str, Any]], *, centre: str, sequence: int,
                  sender: SenderKey, recipient: RecipientCertificate,
                  kind: Kind = Kind.MENTION_OUT, message_id: uuid.UUID | None = None,
                  created: dt.datetime | None = None,
                  audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """Routed mentions (``MENTION_OUT`` centre → SCEC, ``MENTION_IN`` SCEC → centre)."""
    message_id, message = mentions_message(mentions, centre=centre, sequence=sequence, kind=kind,
                                           message_id=message_id, created=created, audit=audit)
    return message_id, seal_message(message, sender, recipient)


def mentions_message(mentions: Sequence[Mapping[str, Any]], *, centre: str, sequence: int,
                     kind: Kind = Kind.MENTION_OUT, message_id: uuid.UUID | None = None,
                     created: dt.datetime | None = None,
                     audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """The signed message of routed mentions, before sealing."""
    if kind not in (Kind.MENTION_OUT, Kind.MENTION_IN):
        raise ValueError(f"{kind!r} does not carry mentions")
    return make_message(kind, centre, sequence, encode_mentions(mentions),
                        message_id=message_id, created=created, audit=audit)


def open_mentions(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                  expected: Sequence[Kind] = (Kind.MENTION_OUT,),
                  **checks: Any) -> OpenedMentions:
    opened = open_container(data, recipient, directory, expected=expected, **checks)
    return OpenedMentions(opened.header, opened.signer, decode_mentions(opened.body))


def seal_notices(notices: Sequence[Mapping[str, Any]], *, centre: str, sequence: int,
                 sender: SenderKey, recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    """What the SCEC tells a centre about its acts (``NOTICE``, SCEC → centre)."""
    return _sealed(notices_message(notices, centre=centre, sequence=sequence), sender, recipient)


def notices_message(notices: Sequence[Mapping[str, Any]], *, centre: str,
                    sequence: int) -> tuple[uuid.UUID, bytes]:
    return make_message(Kind.NOTICE, centre, sequence, encode_notices(notices))


def open_notices(data: bytes, recipient: RecipientKey, directory: SignerDirectory,
                 **checks: Any) -> tuple[OpenedMessage, list[dict[str, Any]]]:
    opened = open_container(data, recipient, directory, expected=(Kind.NOTICE,), **checks)
    return opened, decode_notices(opened.body)


def seal_sync_request(request: SyncRequest, *, centre: str, sender: SenderKey,
                      recipient: RecipientCertificate, message_id: uuid.UUID | None = None,
                      created: dt.datetime | None = None,
                      audit: Sequence[AuditMark] = ()) -> tuple[uuid.UUID, bytes]:
    """Sequence 0: a question, so a restored centre can ask before it knows its numbers."""
    return seal(Kind.SYNC_REQUEST, centre, 0, encode_sync_request(request), sender, recipient,
                message_id=message_id, created=created, audit=audit)


def open_sync_request(data: bytes, recipient: RecipientKey, directory: SignerDirectory,
                      **checks: Any) -> tuple[OpenedMessage, SyncRequest]:
    checks.setdefault("max_age", SYNC_MAX_AGE)
    opened = open_container(data, recipient, directory, expected=(Kind.SYNC_REQUEST,), **checks)
    return opened, decode_sync_request(opened.body)


def seal_status(status: Status, *, centre: str, sequence: int, sender: SenderKey,
                recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    return _sealed(status_message(status, centre=centre, sequence=sequence), sender, recipient)


def status_message(status: Status, *, centre: str, sequence: int) -> tuple[uuid.UUID, bytes]:
    return make_message(Kind.STATUS, centre, sequence, encode_status(status))


def open_status(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                own_centre: str, **checks: Any) -> tuple[OpenedMessage, Status]:
    opened = open_container(data, recipient, directory, expected=(Kind.STATUS,),
                            own_centre=own_centre, **checks)
    return opened, decode_status(opened.body)


def seal_query(query: Query, *, centre: str, sender: SenderKey, recipient: RecipientCertificate,
               message_id: uuid.UUID | None = None,
               created: dt.datetime | None = None) -> tuple[uuid.UUID, bytes]:
    """Sequence 0, like a sync request: a question is not a step of the centre's history.

    Sealed with the current dictionary: the answer is compressed with the same one,
    which this centre surely reads."""
    return seal(Kind.QUERY, centre, 0, encode_query(query), sender, recipient,
                message_id=message_id, created=created)


def open_query(data: bytes, recipient: RecipientKey, directory: SignerDirectory,
               **checks: Any) -> tuple[OpenedMessage, Query]:
    checks.setdefault("max_age", SYNC_MAX_AGE)
    opened = open_container(data, recipient, directory, expected=(Kind.QUERY,), **checks)
    return opened, decode_query(opened.body)


def seal_query_answer(answer: QueryAnswer, *, centre: str, sequence: int, sender: SenderKey,
                      recipient: RecipientCertificate,
                      dictionary: int = compression.CURRENT_DICTIONARY
                      ) -> tuple[uuid.UUID, bytes]:
    """``dictionary``: the one of the query it answers (the asking centre knows it)."""
    return _sealed(query_answer_message(answer, centre=centre, sequence=sequence,
                                        dictionary=dictionary), sender, recipient)


def query_answer_message(answer: QueryAnswer, *, centre: str, sequence: int,
                         dictionary: int = compression.CURRENT_DICTIONARY
                         ) -> tuple[uuid.UUID, bytes]:
    if not compression.available(dictionary) or dictionary == compression.STORED:
        dictionary = compression.CURRENT_DICTIONARY
    body = encode_answer(answer, compression.vocabulary(dictionary))
    return make_message(Kind.QUERY_ANSWER, centre, sequence, body, dictionary=dictionary)


def open_query_answer(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                      own_centre: str, **checks: Any) -> tuple[OpenedMessage, QueryAnswer]:
    opened = open_container(data, recipient, directory, expected=(Kind.QUERY_ANSWER,),
                            own_centre=own_centre, **checks)
    return opened, answer_of(opened, checks.get("now"))


def answer_of(opened: OpenedMessage, now: dt.datetime | None = None) -> QueryAnswer:
    """The answer in an opened ``QUERY_ANSWER`` (its acts validated by the data dictionary)."""
    now = now or dt.datetime.now(dt.UTC)
    return decode_answer(opened.body, compression.vocabulary(opened.header.dictionary),
                         today=now.date() + dt.timedelta(days=1))
