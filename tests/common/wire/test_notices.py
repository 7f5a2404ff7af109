"""NOTICE containers (SCEC → centre): round trip, addressee, strict refusal of a bad body."""

from __future__ import annotations

import pytest

from common.pki.identifiers import subject_key_identifier
from common.wire.batches import open_notices, seal_notices
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey
from common.wire.errors import ContainerRefused
from common.wire.message import Kind
from common.wire.notices import decode_notices, encode_notices
from common.wire.trust import StaticDirectory

DUPLICATE = {"kind": "possible_duplicate", "niu": "1234562026000000147",
             "other_niu": "3300072026000000250", "other_centre": "330007", "reference": "d:12",
             "detail": "birth"}
APPLIED = {"kind": "mention_applied", "niu": "3300072026000000250",
           "other_niu": "1234562026000000147", "other_centre": "330007",
           "reference": "m:" + "0123456789abcdef" * 2, "detail": "death"}


def test_notices_round_trip_for_their_centre_only(ca, centre):
    scec = SenderKey(ca.signing_key, subject_key_identifier(ca.signing_key.public_key()))
    _, data = seal_notices([DUPLICATE, APPLIED], centre="123456", sequence=4, sender=scec,
                           recipient=RecipientCertificate.of(centre.certificate))
    key = RecipientKey(centre.key, subject_key_identifier(centre.key.public_key()))
    directory = StaticDirectory.of([("SCEC", ca.signing_certificate),
                                    ("123456", centre.certificate)])
    opened, notices = open_notices(data, key, directory, own_centre="123456")
    assert notices == [DUPLICATE, APPLIED] and opened.header.kind is Kind.NOTICE
    with pytest.raises(ContainerRefused) as err:
        open_notices(data, key, directory, own_centre="654321")
    assert err.value.reason == "signer_mismatch"


@pytest.mark.parametrize("notice", [
    {**DUPLICATE, "kind": "anything"},
    {**DUPLICATE, "reference": "m:" + "0" * 32},  # a duplicate names a review item
    {**APPLIED, "reference": "d:1"},
    {**DUPLICATE, "niu": "123"},
    {**DUPLICATE, "detail": "Birth; DROP"},
    {k: v for k, v in DUPLICATE.items() if k != "detail"},
    {**DUPLICATE, "extra": 1},
])
def test_the_scec_cannot_seal_a_malformed_notice(notice):
    with pytest.raises(ValueError):
        encode_notices([notice])


@pytest.mark.parametrize("body", [
    b"", b"{}", b"[1]", b"\xff", b"[" * 5000,
    encode_notices([DUPLICATE]).replace(b'"birth"', b'"BIRTH"'),
    encode_notices([DUPLICATE]) + b" ",
])
def test_a_malformed_notice_body_is_refused_and_nothing_else_escapes(body):
    with pytest.raises(ContainerRefused) as err:
        decode_notices(body)
    assert err.value.reason == "bad_payload"
