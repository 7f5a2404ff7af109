"""The released act encoding (the current dictionary), byte for byte, on all three corpora.

``fixtures/encoding_digests.json`` holds the SHA-256 of the bodies ``encode_acts`` wrote at
cb36816 for 400 acts of the generator, of ``bench/foreign_corpus.py`` and of
``bench/adversarial_corpus.py``, in batches of 1 (the first 50 acts), 50 and 200.  Any rewrite
of the coder or the models for speed must leave every digest as it is.  The digest of each
corpus itself (its acts as JSON) is kept too: if Faker or the generator changes, the test says
that the corpus moved, not the encoding.  Regenerate only for a new dictionary version::

    PYTHONHASHSEED=0 PYTHONPATH=. .venv/bin/python tests/common/wire/test_encoding_digests.py

The digests are taken in a child process with ``PYTHONHASHSEED=0``: the foreign corpus is not
the same from one process to the next otherwise (some Faker draw depends on string hashing).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from common.acts.actjson import ActRecord
from common.wire import compression
from common.wire.acts_codec import decode_acts, encode_acts
from common.wire.corpus import MEASURE_SEED, realistic_records

FIXTURE = Path(__file__).parent / "fixtures" / "encoding_digests.json"
ACTS = 400
SIZES = (1, 50, 200)


def corpora() -> dict[str, list[ActRecord]]:
    from bench import adversarial_corpus, foreign_corpus

    return {"generator": realistic_records(ACTS, seed=MEASURE_SEED),
            "foreign": foreign_corpus.build(ACTS)[0],
            "adversarial": adversarial_corpus.build(ACTS)[0]}


def batches(acts: list[ActRecord], size: int) -> list[list[ActRecord]]:
    count = 50 if size == 1 else len(acts)
    return [acts[i:i + size] for i in range(0, count - size + 1, size)]


def digests(built: dict[str, list[ActRecord]]) -> dict[str, str]:
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    out = {"dictionary": str(compression.CURRENT_DICTIONARY)}
    for name, acts in built.items():
        out[f"{name}/corpus"] = hashlib.sha256(b"\n".join(a.to_json() for a in acts)).hexdigest()
        for size in SIZES:
            h = hashlib.sha256()
            for batch in batches(acts, size):
                h.update(encode_acts(batch, vocabulary))
            out[f"{name}/{size}"] = h.hexdigest()
    return out


ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def taken() -> dict[str, str]:
    """The digests as a child process with a fixed string hashing takes them."""
    done = subprocess.run([sys.executable, __file__, "--print"], cwd=ROOT, capture_output=True,
                          text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)})
    result: dict[str, str] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def built() -> dict[str, list[ActRecord]]:
    return corpora()


def test_the_corpora_are_the_ones_the_digests_were_taken_on(taken):
    expected = json.loads(FIXTURE.read_text("utf-8"))
    assert expected["dictionary"] == str(compression.CURRENT_DICTIONARY)
    for key, value in expected.items():
        if key.endswith("/corpus"):
            assert taken[key] == value, f"{key}: the corpus changed, not the encoding"


def test_todays_encoder_writes_the_released_bytes_on_every_corpus(taken):
    expected = json.loads(FIXTURE.read_text("utf-8"))
    got = taken
    assert {k: v for k, v in got.items() if not k.endswith("/corpus")} == {
        k: v for k, v in expected.items() if not k.endswith("/corpus")}


@pytest.mark.parametrize("size", [50, 200])
def test_the_released_bytes_decode_to_the_same_acts(built, size):
    vocabulary = compression.vocabulary(compression.CURRENT_DICTIONARY)
    for acts in built.values():
        for batch in batches(acts, size)[:2]:
            body = encode_acts(batch, vocabulary)
            assert decode_acts(body, validate=False, vocabulary=vocabulary) == batch


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":
        raise SystemExit("run with PYTHONHASHSEED=0")
    found = digests(corpora())
    if "--print" in sys.argv:
        print(json.dumps(found))
    else:
        FIXTURE.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", "utf-8")
