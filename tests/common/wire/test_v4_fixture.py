"""The act encoding of dictionary v4, byte for byte, as main wrote it at 4e3c1ea.

``fixtures/v4_batch.body`` is the body ``encode_acts`` made (before zstd) of the 60 acts of
``fixtures/v4_batch.jsonl``: 20 from the generator, 20 from ``bench/foreign_corpus.py`` and
20 from ``bench/adversarial_corpus.py``, so that every string code, case and the character
model's escapes down to code points are exercised.  Any rewrite of the coder for speed must
keep both directions exact: what was sealed before it still opens, and what it seals opens
with an older copy of ECR.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.acts.actjson import parse_act_record
from common.wire import compression
from common.wire.acts_codec import decode_acts, encode_acts

FIXTURES = Path(__file__).parent / "fixtures"


def _acts():
    return [parse_act_record(line) for line in
            (FIXTURES / "v4_batch.jsonl").read_text("utf-8").splitlines()]


def test_todays_encoder_writes_the_v4_bytes_of_4e3c1ea():
    body = (FIXTURES / "v4_batch.body").read_bytes()
    assert encode_acts(_acts(), compression.vocabulary(4)) == body


def test_the_v4_bytes_of_4e3c1ea_still_decode():
    acts = decode_acts((FIXTURES / "v4_batch.body").read_bytes(), today=dt.date(2026, 12, 3),
                       vocabulary=compression.vocabulary(4))
    assert acts == _acts()
