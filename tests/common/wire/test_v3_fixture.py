"""A batch encoded by the code of main at 78c1322 (dictionary v3) keeps decoding.

The fixture (``fixtures/v3_batch.ecr``: an ECR message, header + zstd body, 20
generated and 20 foreign acts) was written before any change to the act
encoding; whatever version comes next, this one must stay readable.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.acts.actjson import parse_act_record
from common.wire import compression
from common.wire.acts_codec import decode_acts
from common.wire.message import decode_message

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_v3_batch_made_by_todays_code_still_opens():
    header, packed = decode_message((FIXTURES / "v3_batch.ecr").read_bytes())
    assert header.dictionary == 3
    body = compression.decompress(packed, header.dictionary, header.body_length)
    acts = decode_acts(body, today=dt.date(2026, 7, 1),
                       vocabulary=compression.vocabulary(header.dictionary))
    expected = [parse_act_record(line) for line in
                (FIXTURES / "v3_batch.jsonl").read_text("utf-8").splitlines()]
    assert acts == expected
