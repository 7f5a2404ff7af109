"""Typed sealing and opening: batches of acts, receipts, revocation lists.

The one-call API the transmitter, the SCEC's ingest and T2D use::

    message_id, data = seal_act_batch(acts, centre="123456", sequence=41,
                                      sender=centre_key, recipient=scec_certificate)
    batch = open_act_batch(data, scec_key, directory)      # → OpenedBatch or ContainerRefused

    data = seal_receipt(receipt, centre="123456", sequence=9, sender=scec_signing_key,
                        recipient=centre_certificate)
    receipt = open_receipt(data, centre_key, directory, own_centre="123456")
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
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
    open_container,
    seal,
)
from common.wire.message import Header, Kind
from common.wire.receipts import Receipt, decode_receipt, encode_receipt
from common.wire.trust import Signer, SignerDirectory

ACT_KINDS = (Kind.ACT_BATCH, Kind.QUERY_ANSWER, Kind.MENTION_IN, Kind.MENTION_OUT)


@dataclass(frozen=True)
class OpenedBatch:
    header: Header
    signer: Signer
    acts: list[ActRecord]


def seal_act_batch(acts: Sequence[ActRecord], *, centre: str, sequence: int, sender: SenderKey,
                   recipient: RecipientCertificate, kind: Kind = Kind.ACT_BATCH,
                   message_id: uuid.UUID | None = None, created: dt.datetime | None = None,
                   dictionary: int = compression.CURRENT_DICTIONARY) -> tuple[uuid.UUID, bytes]:
    """Seal validated acts; an act the dictionary cannot encode raises ``invalid_acts``."""
    if kind not in ACT_KINDS:
        raise ValueError(f"{kind!r} does not carry acts")
    body = encode_acts(acts, compression.vocabulary(dictionary))
    return seal(kind, centre, sequence, body, sender, recipient,
                message_id=message_id, created=created, dictionary=dictionary)


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
                 recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    return seal(Kind.RECEIPT, centre, sequence, encode_receipt(receipt), sender, recipient,
                dictionary=compression.STORED)


def open_receipt(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                 own_centre: str, **checks: Any) -> tuple[OpenedMessage, Receipt]:
    opened = open_container(data, recipient, directory, expected=(Kind.RECEIPT,),
                            own_centre=own_centre, **checks)
    return opened, decode_receipt(opened.body)


def seal_revocation_list(crl_der: bytes, *, centre: str, sequence: int, sender: SenderKey,
                         recipient: RecipientCertificate) -> tuple[uuid.UUID, bytes]:
    """The SCEC sends a centre the current CRL (already compact DER: stored, not compressed)."""
    return seal(Kind.REVOCATION_LIST, centre, sequence, crl_der, sender, recipient,
                dictionary=compression.STORED)


def open_revocation_list(data: bytes, recipient: RecipientKey, directory: SignerDirectory, *,
                         own_centre: str, **checks: Any) -> bytes:
    opened = open_container(data, recipient, directory, expected=(Kind.REVOCATION_LIST,),
                            own_centre=own_centre, **checks)
    return opened.body
