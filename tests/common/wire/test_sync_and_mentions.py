"""The sync exchange, routed mentions and audit marks: round trips and strict refusals."""

from __future__ import annotations

import uuid

import pytest

from common.pki.identifiers import subject_key_identifier
from common.wire.batches import (
    open_act_batch,
    open_mentions,
    open_status,
    open_sync_request,
    seal_act_batch,
    seal_mentions,
    seal_status,
    seal_sync_request,
)
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey
from common.wire.errors import ContainerRefused
from common.wire.mentions import decode_mentions, encode_mentions, mention_id
from common.wire.message import AuditMark, Kind
from common.wire.receipts import ActOutcome, ReceiptEntry
from common.wire.sync import Status, SyncRequest
from common.wire.trust import StaticDirectory
from tests.common.wire.test_refusals import birth

MENTION = {"niu": "3300072026000000147", "kind": "death", "source_niu": "1234562026000000250",
           "event_date": "2026-11-02", "text": None, "court_decision_date": None,
           "court_reference": None, "origin_centre": "123456"}


def _centre_sender(centre):
    return SenderKey(centre.key, subject_key_identifier(centre.key.public_key()))


def _scec_recipient(ca):
    return (RecipientKey(ca.encryption_key, subject_key_identifier(ca.encryption_key.public_key())),
            RecipientCertificate.of(ca.encryption_certificate))


def _directory(ca, centre):
    return StaticDirectory.of([("SCEC", ca.signing_certificate), ("123456", centre.certificate)])


def test_a_sync_request_has_sequence_zero_and_round_trips(ca, centre):
    key, cert = _scec_recipient(ca)
    request = SyncRequest(("1234562026000000147", mention_id(MENTION)),
                          (uuid.uuid4(), uuid.uuid4()))
    _, data = seal_sync_request(request, centre="123456", sender=_centre_sender(centre),
                                recipient=cert)
    opened, got = open_sync_request(data, key, _directory(ca, centre))
    assert got == request
    assert opened.header.sequence == 0 and opened.header.kind is Kind.SYNC_REQUEST


def test_a_status_answer_round_trips_for_its_centre(ca, centre):
    status = Status(uuid.uuid4(), 41, (ReceiptEntry("1234562026000000147",
                                                    ActOutcome.ALREADY_STORED),
                                       ReceiptEntry("1234562026000000250", ActOutcome.REFUSED,
                                                    "niu_conflict")), (uuid.uuid4(),))
    scec = SenderKey(ca.signing_key, subject_key_identifier(ca.signing_key.public_key()))
    _, data = seal_status(status, centre="123456", sequence=3, sender=scec,
                          recipient=RecipientCertificate.of(centre.certificate))
    centre_key = RecipientKey(centre.key, subject_key_identifier(centre.key.public_key()))
    _, got = open_status(data, centre_key, _directory(ca, centre), own_centre="123456")
    assert got == status
    with pytest.raises(ContainerRefused) as err:
        open_status(data, centre_key, _directory(ca, centre), own_centre="654321")
    assert err.value.reason == "signer_mismatch"


def test_routed_mentions_round_trip_and_are_named_the_same_on_both_sides(ca, centre):
    key, cert = _scec_recipient(ca)
    _, data = seal_mentions([MENTION], centre="123456", sequence=5,
                            sender=_centre_sender(centre), recipient=cert)
    opened = open_mentions(data, key, _directory(ca, centre))
    assert opened.mentions == [MENTION]
    assert mention_id(opened.mentions[0]) == mention_id(dict(MENTION))
    assert mention_id({**MENTION, "event_date": "2026-11-03"}) != mention_id(MENTION)


@pytest.mark.parametrize("body", [
    b"", b"{}", b"[1]", b'[{"niu": "1"}]', b"\xff", b"[" * 5000,
    encode_mentions([MENTION]).replace(b'"kind":"death"', b'"kind":"DEATH"'),
    encode_mentions([MENTION]).replace(b"2026-11-02", b"2026-1-2"),
    encode_mentions([MENTION]) + b" ",
])
def test_a_malformed_mention_body_is_refused_and_nothing_else_escapes(body):
    with pytest.raises(ContainerRefused) as err:
        decode_mentions(body)
    assert err.value.reason == "bad_payload"


def test_audit_marks_travel_signed_in_the_header(ca, centre):
    key, cert = _scec_recipient(ca)
    marks = (AuditMark.of(719, bytes(range(32))), AuditMark.of(650, bytes(32)))
    _, data = seal_act_batch([birth()], centre="123456", sequence=1,
                             sender=_centre_sender(centre), recipient=cert, audit=marks)
    batch = open_act_batch(data, key, _directory(ca, centre))
    assert batch.header.audit == marks
    with pytest.raises(ValueError):
        AuditMark(1, b"short")
