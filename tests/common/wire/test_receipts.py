"""Signed receipts, SCEC → centre: what was stored, for the transmitter's outbox."""

from __future__ import annotations

import uuid

import pytest

from common.pki.identifiers import subject_key_identifier
from common.wire.batches import open_receipt, seal_receipt
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey
from common.wire.errors import ContainerRefused
from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry
from common.wire.trust import StaticDirectory


def _scec_signer(ca):
    return SenderKey(ca.signing_key, subject_key_identifier(ca.signing_key.public_key()))


def _centre_key(centre):
    return RecipientKey(centre.key, subject_key_identifier(centre.key.public_key()))


RECEIPT = Receipt(uuid.uuid4(), 41, (
    ReceiptEntry("1234562026000000147", ActOutcome.STORED),
    ReceiptEntry("1234562026000000250", ActOutcome.ALREADY_STORED),
    ReceiptEntry("1234562026000000353", ActOutcome.REFUSED, "invalid_acts"),
))


def test_a_centre_opens_the_receipt_the_scec_signed_for_it(ca, centre):
    _, data = seal_receipt(RECEIPT, centre="123456", sequence=7, sender=_scec_signer(ca),
                           recipient=RecipientCertificate.of(centre.certificate))
    scec = StaticDirectory.of([("SCEC", ca.signing_certificate)])
    opened, receipt = open_receipt(data, _centre_key(centre), scec, own_centre="123456")
    assert receipt == RECEIPT
    assert opened.signer.identity == "SCEC"


def test_a_receipt_addressed_to_another_centre_is_refused(ca, centre):
    _, data = seal_receipt(RECEIPT, centre="654321", sequence=7, sender=_scec_signer(ca),
                           recipient=RecipientCertificate.of(centre.certificate))
    scec = StaticDirectory.of([("SCEC", ca.signing_certificate)])
    with pytest.raises(ContainerRefused) as err:
        open_receipt(data, _centre_key(centre), scec, own_centre="123456")
    assert err.value.reason == "signer_mismatch"


def test_a_receipt_signed_by_anyone_but_the_scec_is_refused(ca, centre):
    forger = SenderKey(centre.key, subject_key_identifier(centre.key.public_key()))
    _, data = seal_receipt(RECEIPT, centre="123456", sequence=7, sender=forger,
                           recipient=RecipientCertificate.of(centre.certificate))
    scec = StaticDirectory.of([("SCEC", ca.signing_certificate), ("123456", centre.certificate)])
    with pytest.raises(ContainerRefused) as err:
        open_receipt(data, _centre_key(centre), scec, own_centre="123456")
    assert err.value.reason == "signer_mismatch"
