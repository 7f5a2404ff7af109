"""Each refusal reason of the opener, provoked on purpose (ContainerRefused.reason)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from common.acts.actjson import ActRecord
from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.wire import cms, compression
from common.wire.acts_codec import encode_acts
from common.wire.batches import open_act_batch, seal_act_batch
from common.wire.container import MAX_CONTAINER_BYTES, open_container, seal
from common.wire.errors import REASONS, ContainerRefused
from common.wire.message import Header, Kind, encode_message
from tests.common.pki import factory

NOW = dt.datetime.now(dt.UTC)


def birth(**changes) -> ActRecord:
    fields = {"status": "validated", "registered_on": REGISTERED_ON["birth"],
              "centre_code": "123456", "register_number": "12/2026", "timeliness": "current"}
    fields.update(changes)
    return ActRecord("birth", EXAMPLES["birth"], **fields)


def refused(reason: str, call) -> ContainerRefused:
    with pytest.raises(ContainerRefused) as err:
        call()
    assert err.value.reason == reason, err.value.message
    assert err.value.rule == reason
    assert err.value.message
    return err.value


def seal_stored(ca, centre, body=b"body", *, kind=Kind.ACT_BATCH, claimed="123456", sequence=1,
                created=None, sender=None):
    return seal(kind, claimed, sequence, body, sender or centre.sender,
                factory.scec_certificate(ca), created=created, dictionary=compression.STORED)[1]


def open_(ca, centre, data, directory=None, **kw):
    return open_container(data, factory.scec_recipient(ca), directory or factory.directory(centre),
                          **kw)


def signed_and_enveloped(ca, centre, content: bytes) -> bytes:
    signed = cms.sign(content, centre.key, centre.sender.key_identifier)
    return cms.envelope(signed, ca.encryption_key.public_key(),
                        factory.scec_certificate(ca).key_identifier)


def test_every_reason_has_a_french_message():
    from common.i18n import using_language

    with using_language("fr"):
        for reason, english in REASONS.items():
            assert ContainerRefused(reason).message != english, reason


def test_a_container_over_the_size_limit_is_refused(ca, centre):
    refused("too_large", lambda: open_(ca, centre, b"\x30" * (MAX_CONTAINER_BYTES + 1)))


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x30\x80", b"not a container",
                                  b"\x30\x03\x02\x01"])
def test_bytes_that_are_not_der_are_refused(ca, centre, data):
    refused("bad_der", lambda: open_(ca, centre, data))


def test_a_signed_data_without_envelope_is_refused_as_unsupported(ca, centre):
    signed = cms.sign(b"x", centre.key, centre.sender.key_identifier)
    refused("unsupported", lambda: open_(ca, centre, signed))


def test_a_container_for_another_recipient_is_refused(ca, centre):
    other = factory.authority()
    data = seal(Kind.ACT_BATCH, "123456", 1, b"x", centre.sender, factory.scec_certificate(other),
                dictionary=compression.STORED)[1]
    refused("wrong_recipient", lambda: open_(ca, centre, data))


def test_a_tampered_ciphertext_cannot_be_decrypted(ca, centre):
    data = bytearray(seal_stored(ca, centre, b"y" * 100))
    data[-20] ^= 0x01
    refused("undecryptable", lambda: open_(ca, centre, bytes(data)))


def test_a_signature_by_another_key_is_refused(ca, centre):
    impostor = factory.centre(ca, "123456")
    content = encode_message(Header(Kind.ACT_BATCH, "123456", 1, uuid.uuid4(), int(time.time()),
                                    compression.STORED, 1), b"x")
    signed = cms.sign(content, impostor.key, centre.sender.key_identifier)  # claims centre's SKI
    data = cms.envelope(signed, ca.encryption_key.public_key(),
                        factory.scec_certificate(ca).key_identifier)
    refused("bad_signature", lambda: open_(ca, centre, data))


def test_a_signer_the_scec_does_not_know_is_refused(ca, centre):
    stranger = factory.centre(factory.authority(), "123456")
    data = seal_stored(ca, centre, sender=stranger.sender)
    refused("unknown_signer", lambda: open_(ca, centre, data))


def test_a_revoked_signer_is_refused(ca, centre):
    data = seal_stored(ca, centre)
    directory = factory.directory(centre, revoked={centre.certificate.serial_number})
    refused("revoked_signer", lambda: open_(ca, centre, data, directory))


def test_an_expired_signer_is_refused(ca, centre):
    data = seal_stored(ca, centre)
    later = NOW + dt.timedelta(days=800)
    refused("expired_signer", lambda: open_(ca, centre, data, now=later,
                                            max_age=dt.timedelta(days=1000)))


def test_a_centre_cannot_send_in_another_centre_s_name(ca, centre):
    data = seal_stored(ca, centre, claimed="654321")
    refused("signer_mismatch", lambda: open_(ca, centre, data))


def test_a_centre_cannot_pretend_to_be_the_scec(ca, centre):
    data = seal_stored(ca, centre, kind=Kind.RECEIPT)
    refused("signer_mismatch", lambda: open_(ca, centre, data))


def test_a_container_already_received_is_a_replay(ca, centre):
    directory = factory.directory(centre)
    data = seal_stored(ca, centre, sequence=5)
    opened = open_(ca, centre, data, directory)
    directory.remember("123456", 5, opened.header.message_id)
    refused("replay", lambda: open_(ca, centre, data, directory))
    again = seal_stored(ca, centre, sequence=5)  # new message id, same sequence number
    refused("replay", lambda: open_(ca, centre, again, directory))


@pytest.mark.parametrize("created", [NOW - dt.timedelta(days=500), NOW + dt.timedelta(hours=2)],
                         ids=["too-old", "future"])
def test_an_implausibly_dated_container_is_refused(ca, centre, created):
    refused("too_old", lambda: open_(ca, centre, seal_stored(ca, centre, created=created)))


def test_a_container_of_the_wrong_kind_is_refused(ca, centre):
    data = seal_stored(ca, centre, kind=Kind.QUERY)
    refused("wrong_kind", lambda: open_(ca, centre, data, expected={Kind.ACT_BATCH}))


@pytest.mark.parametrize("content", [b"", b"XYZ\x01", b"ECR\x02\x01", b"ECR\x01\x63",
                                     b"ECR\x01\x01\x06123456"])
def test_malformed_signed_content_is_refused(ca, centre, content):
    refused("bad_payload", lambda: open_(ca, centre, signed_and_enveloped(ca, centre, content)))


def test_an_unknown_dictionary_version_is_refused(ca, centre):
    content = encode_message(Header(Kind.ACT_BATCH, "123456", 1, uuid.uuid4(), int(time.time()),
                                    99, 3), b"abc")
    refused("unknown_dictionary",
            lambda: open_(ca, centre, signed_and_enveloped(ca, centre, content)))


def test_a_declared_size_over_the_limit_is_a_decompression_bomb(ca, centre):
    content = encode_message(Header(Kind.ACT_BATCH, "123456", 1, uuid.uuid4(), int(time.time()),
                                    compression.CURRENT_DICTIONARY,
                                    compression.MAX_BODY_BYTES + 1), b"abc")
    refused("decompression_bomb",
            lambda: open_(ca, centre, signed_and_enveloped(ca, centre, content)))


def test_a_body_inflating_past_its_declared_size_is_a_decompression_bomb(ca, centre):
    bomb = compression.compress(b"\x00" * 3_000_000)
    content = encode_message(Header(Kind.ACT_BATCH, "123456", 1, uuid.uuid4(), int(time.time()),
                                    compression.CURRENT_DICTIONARY, 1000), bomb)
    refused("decompression_bomb",
            lambda: open_(ca, centre, signed_and_enveloped(ca, centre, content)))


def test_a_batch_holding_an_invalid_act_is_refused(ca, centre):
    bad = birth(registered_on=dt.date(2020, 1, 1))  # registered before the child was born
    _, data = seal_act_batch([birth(), bad], centre="123456", sequence=1, sender=centre.sender,
                             recipient=factory.scec_certificate(ca))
    err = refused("invalid_acts", lambda: open_act_batch(data, factory.scec_recipient(ca),
                                                         factory.directory(centre)))
    assert "act 2" in err.detail


def test_a_batch_with_undecodable_acts_is_refused(ca, centre):
    body = encode_acts([birth()])[:-3] + b"\xff\xff\xff"
    _, data = seal(Kind.ACT_BATCH, "123456", 1, body, centre.sender, factory.scec_certificate(ca))
    refused("invalid_acts", lambda: open_act_batch(data, factory.scec_recipient(ca),
                                                   factory.directory(centre)))


def test_a_valid_batch_opens_with_its_header_and_acts(ca, centre):
    acts = [birth(), birth(register_number="13/2026")]
    message_id, data = seal_act_batch(acts, centre="123456", sequence=3, sender=centre.sender,
                                      recipient=factory.scec_certificate(ca))
    batch = open_act_batch(data, factory.scec_recipient(ca), factory.directory(centre))
    assert batch.acts == acts
    assert (batch.header.centre, batch.header.sequence, batch.header.message_id) == (
        "123456", 3, message_id)
