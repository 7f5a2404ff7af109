"""Compactness regression guard: the shipped dictionary keeps batches small.

The figures are measured on a corpus drawn with another seed than the one the
dictionary was trained on (bench/container.py reports them in full).
"""

from __future__ import annotations

from common.wire import compression
from common.wire.batches import open_act_batch, seal_act_batch
from common.wire.corpus import MEASURE_SEED, TRAINING_SEED, realistic_records
from tests.common.pki import factory


def test_the_shipped_dictionary_is_known_and_current():
    assert compression.available(compression.CURRENT_DICTIONARY)
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    assert vocabulary.words["locality"] and vocabulary.tokens["given_names"]
    assert not compression.available(max(compression.DICTIONARY_FILES) + 1)
    assert MEASURE_SEED != TRAINING_SEED


def test_batches_of_fifty_realistic_acts_stay_compact(ca, centre):
    # the benchmark's corpus density: 2,000 acts over 2019–2026, batches in validation order
    acts = realistic_records(2000, seed=MEASURE_SEED)[:200]
    total = 0
    for start in range(0, 200, 50):
        _, data = seal_act_batch(acts[start:start + 50], centre="123456", sequence=start,
                                 sender=centre.sender, recipient=factory.scec_certificate(ca))
        batch = open_act_batch(data, factory.scec_recipient(ca), factory.directory(centre))
        assert batch.acts == acts[start:start + 50]
        total += len(data)
    # dictionary v4: 57.0 bytes per act on the benchmark's 2,000 (v3: 59.3 on these 200,
    # 58.2 on the 2,000);
    # issue 4's target is 60, and a regression past it fails here.
    assert total / 200 <= 60, total / 200


def test_dictionary_compression_beats_storing(ca, centre):
    acts = realistic_records(50, seed=MEASURE_SEED + 1)
    sizes = {}
    for dictionary in (compression.STORED, compression.CURRENT_DICTIONARY):
        _, data = seal_act_batch(acts, centre="123456", sequence=1, sender=centre.sender,
                                 recipient=factory.scec_certificate(ca), dictionary=dictionary)
        sizes[dictionary] = len(data)
    assert sizes[compression.CURRENT_DICTIONARY] * 2 < sizes[compression.STORED]


def test_batches_of_fifty_acts_from_another_source_stay_compact(ca, centre):
    # names, places and occupations no dictionary or model was fitted to (Faker, other
    # locales than the character models'), surnames in capitals half the time
    from bench.foreign_corpus import build

    acts, _ = build(200)
    total = 0
    for start in range(0, 200, 50):
        _, data = seal_act_batch(acts[start:start + 50], centre="123456", sequence=start,
                                 sender=centre.sender, recipient=factory.scec_certificate(ca))
        batch = open_act_batch(data, factory.scec_recipient(ca), factory.directory(centre))
        assert batch.acts == acts[start:start + 50]
        total += len(data)
    # dictionary v5: about 92 bytes per act on these 200 (v4: 102.2, whose name models knew
    # no Latin letter; v3: 114.8, its literals and capitals); issue 12's target is 60 and is
    # not reached yet: this guards what v5 reached
    assert total / 200 <= 95, total / 200
