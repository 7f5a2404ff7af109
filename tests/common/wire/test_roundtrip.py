"""Property-based round trips: random acts and batches survive encoding and sealing intact."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.wire import compression
from common.wire.acts_codec import decode_acts, encode_acts
from common.wire.batches import open_act_batch, seal_act_batch
from common.wire.corpus import realistic_records
from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry, decode_receipt, encode_receipt
from tests.common.pki import factory
from tests.common.wire.strategies import act_records


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(act_records(), max_size=5))
def test_any_well_typed_batch_decodes_to_what_was_encoded(acts):
    assert decode_acts(encode_acts(acts), validate=False) == acts


@pytest.mark.parametrize("dictionary", sorted(compression.DICTIONARY_FILES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(act_records(), max_size=5))
def test_any_well_typed_batch_decodes_under_every_dictionary(dictionary, acts):
    # v4 adds the text stream, v5 codes and booleans in it: every path, on any value
    vocabulary = compression.vocabulary(dictionary)
    assert decode_acts(encode_acts(acts, vocabulary), validate=False,
                       vocabulary=vocabulary) == acts


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), size=st.integers(1, 25))
def test_random_valid_batches_round_trip_through_sealed_containers(ca, centre, seed, size):
    acts = realistic_records(size, seed=seed, centre_code="123456")
    message_id, data = seal_act_batch(acts, centre="123456", sequence=seed, sender=centre.sender,
                                      recipient=factory.scec_certificate(ca))
    batch = open_act_batch(data, factory.scec_recipient(ca), factory.directory(centre))
    assert batch.acts == acts
    assert batch.header.message_id == message_id


@given(st.uuids(), st.integers(0, 2**40), st.lists(st.builds(
    ReceiptEntry, st.from_regex(r"[0-9]{19}", fullmatch=True), st.sampled_from(ActOutcome),
    st.text(max_size=20)), max_size=30))
def test_receipts_round_trip(message_id, sequence, entries):
    receipt = Receipt(message_id, sequence, tuple(entries))
    assert decode_receipt(encode_receipt(receipt)) == receipt


def test_dates_far_from_the_registration_date_survive():
    from common.acts.actjson import ActRecord

    act = ActRecord("birth", {"occurred_on": "1900-01-01"}, registered_on=dt.date(2099, 12, 31))
    assert decode_acts(encode_acts([act]), validate=False) == [act]
