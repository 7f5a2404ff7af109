"""The range coder of a batch's structure: exact round trips, strict refusals, real gains."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.wire import acts_codec, compression
from common.wire.binary import Reader
from common.wire.corpus import MEASURE_SEED, realistic_records
from common.wire.errors import ContainerRefused
from common.wire.range_coder import (
    MAX_PROB,
    MIN_PROB,
    RangeDecoder,
    RangeEncoder,
    trained_probability,
)

_CONTEXTS = st.sampled_from(["a", "b", "birth:mother.3|1", "~0|2"])
_DECISIONS = st.lists(st.one_of(
    st.tuples(st.just("bit"), _CONTEXTS, st.integers(0, 1)),
    st.tuples(st.just("uint"), _CONTEXTS, st.integers(0, 2**63 - 2)),
    st.tuples(st.just("uint"), _CONTEXTS, st.integers(0, 5)),
), max_size=400)
_TRAINED = st.dictionaries(_CONTEXTS, st.integers(MIN_PROB, MAX_PROB))


def _encode(decisions, trained) -> bytes:
    encoder = RangeEncoder(trained)
    for kind, context, value in decisions:
        getattr(encoder, kind)(context, value)
    return encoder.finish()


def _decode(data, decisions, trained) -> list[int]:
    decoder = RangeDecoder(data, trained)
    out = [decoder.bit(c) if kind == "bit" else decoder.uint(c, 2**63) for kind, c, _ in decisions]
    decoder.end()
    return out


@given(_DECISIONS, _TRAINED)
def test_any_sequence_of_decisions_decodes_exactly_and_consumes_every_byte(decisions, trained):
    data = _encode(decisions, trained)
    assert _decode(data, decisions, trained) == [value for _, _, value in decisions]


def test_the_coded_bytes_are_frozen():
    # These bytes are the wire format: every container in circulation depends on them.
    # If this fails, the coder changed; a new format needs a new dictionary version.
    decisions = [("bit", "x", 0)] * 20 + [("bit", "x", 1), ("uint", "n", 0), ("uint", "n", 300),
                                         ("bit", "y", 1), ("uint", "n", 2**40)]
    data = _encode(decisions, {"y": 100})
    assert data.hex() == FROZEN
    assert _decode(data, decisions, {"y": 100}) == [v for _, _, v in decisions]


#: What the coder wrote when the format was fixed (dictionary version 3).
FROZEN = "000003dd36d757ffffffab160000002a750000"


def test_predictable_decisions_cost_a_fraction_of_a_bit():
    likely = _encode([("bit", "c", 0)] * 800, {"c": trained_probability(990, 10)})
    assert len(likely) < 800 // 8 // 10  # under a tenth of a bit each, flush included
    surprising = _encode([("bit", "c", 1)] * 8, {"c": MAX_PROB})
    assert len(surprising) > 5  # an unlikely decision is expensive, but still decodes
    assert _decode(surprising, [("bit", "c", 1)] * 8, {"c": MAX_PROB}) == [1] * 8


@pytest.mark.parametrize("data, detail", [
    (b"", "too short"),
    (b"\x01\x00\x00\x00\x00", "not starting with 0"),
])
def test_malformed_streams_are_refused(data, detail):
    with pytest.raises(ContainerRefused) as refused:
        RangeDecoder(data)
    assert refused.value.reason == "invalid_acts" and detail in refused.value.detail


def test_truncated_extended_and_over_bound_streams_are_refused():
    decisions = [("uint", "n", 1000)] * 30
    data = _encode(decisions, {})
    with pytest.raises(ContainerRefused, match="truncated"):
        _decode(data[:-3], decisions, {})
    with pytest.raises(ContainerRefused, match="left over"):
        _decode(data + b"\0", decisions, {})
    with pytest.raises(ContainerRefused, match="over 999"):
        RangeDecoder(data).uint("n", 999)


def test_the_structure_of_realistic_batches_costs_a_few_bytes_an_act():
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    acts = realistic_records(500, seed=MEASURE_SEED)
    structure = 0
    for start in range(0, 500, 50):
        body = acts_codec.encode_acts(acts[start:start + 50], vocabulary)
        reader = Reader(body, "invalid_acts")
        reader.uint()
        structure += len(reader.blob(len(body)))
        assert acts_codec.decode_acts(body, vocabulary=vocabulary) == acts[start:start + 50]
    # 3.0 bytes an act on the benchmark corpus with dictionary v3 (bitmaps: 18, 6.4 compressed)
    assert structure / 500 < 3.5, structure / 500


def test_untrained_contexts_still_work():
    # a field added to the data dictionary after the dictionary version was trained
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    acts = realistic_records(20, seed=MEASURE_SEED)
    empty = acts_codec.Vocabulary(vocabulary.words, vocabulary.predictors, vocabulary.tokens,
                                  vocabulary.date_offsets, {})
    assert acts_codec.decode_acts(acts_codec.encode_acts(acts, empty), vocabulary=empty) == acts
