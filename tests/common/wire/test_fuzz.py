"""Fuzzing the opener: every mutated, truncated or random input is refused with a reason.

h11's invariant: opening untrusted bytes raises only ``ContainerRefused``; any
other exception is a bug and fails this test with its traceback.  Mutations are
applied at every layer, re-sealing the outer layers with valid keys so that the
damage reaches each parser in turn (envelope, signed data, message header,
compressed body, act encoding, act validation).  Fixed seed, fixed case count,
and a per-case time bound: nothing may hang.
"""

from __future__ import annotations

import collections
import dataclasses
import random
import time

import pytest

from common.acts.actjson import ActRecord
from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.wire import cms, compression
from common.wire.acts_codec import encode_acts
from common.wire.batches import open_act_batch
from common.wire.container import seal
from common.wire.errors import REASONS, ContainerRefused
from common.wire.message import Kind, decode_message, encode_message
from tests.common.pki import factory

CASES_PER_LAYER = 500
MAX_SECONDS_PER_CASE = 2.0


def mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    op = rng.randrange(7)
    if op == 0 and data:  # flip bits
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif op == 1:  # truncate
        del data[rng.randrange(len(data) + 1):]
    elif op == 2:  # insert random bytes
        at = rng.randrange(len(data) + 1)
        data[at:at] = rng.randbytes(rng.randint(1, 16))
    elif op == 3 and data:  # delete a slice
        at = rng.randrange(len(data))
        del data[at:at + rng.randint(1, 16)]
    elif op == 4 and data:  # overwrite with extreme values (lengths, counts)
        at = rng.randrange(len(data))
        data[at:at + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x80\x80\x80\x80", b"\x00\x00"])
    elif op == 5 and len(data) > 8:  # duplicate a slice
        at = rng.randrange(len(data) - 4)
        data[at:at] = data[at:at + rng.randint(1, 64)]
    else:  # random bytes
        return rng.randbytes(rng.randint(0, 600))
    return bytes(data)


@pytest.fixture(scope="module")
def sample(ca, centre):
    acts = [ActRecord(k, EXAMPLES[k], status="validated", registered_on=REGISTERED_ON[k],
                      centre_code="123456", timeliness="current") for k in ("birth", "death")]
    body = encode_acts(acts)
    _, container = seal(Kind.ACT_BATCH, "123456", 1, body, centre.sender,
                        factory.scec_certificate(ca), dictionary=compression.STORED)
    inner = cms.open_envelope(container, factory.scec_recipient(ca))
    content = cms.read_signed(inner).content
    # the v4 encoding's character models, cases and batch references (names it never saw)
    named = [dataclasses.replace(a, data=_renamed(a.data)) for a in acts]
    body_v4 = encode_acts(named, compression.vocabulary(compression.CURRENT_DICTIONARY))
    return {"container": container, "signed": inner, "content": content, "body": body,
            "body_v4": body_v4}


def _renamed(data: object) -> object:
    names = iter(["ŁUKASZ-Ññ", "Παπαδόπουλος", "ЖУКОВ", "mcKAy", "O'Brien", "Ngozi", "İZMİR"] * 9)
    if isinstance(data, dict):
        return {k: (next(names) if k in ("surname", "given_names", "locality") and
                    isinstance(v, str) else _renamed(v)) for k, v in data.items()}
    return data


def _open(ca, centre, data: bytes, stats: collections.Counter) -> None:
    started = time.perf_counter()
    try:
        open_act_batch(data, factory.scec_recipient(ca), factory.directory(centre))
        stats["accepted"] += 1
    except ContainerRefused as refusal:
        assert refusal.reason in REASONS
        assert refusal.message
        stats[refusal.reason] += 1
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS_PER_CASE, f"one case took {elapsed:.1f} s"


def _envelope(ca, signed: bytes) -> bytes:
    return cms.envelope(signed, ca.encryption_key.public_key(),
                        factory.scec_certificate(ca).key_identifier)


def _sign(centre, content: bytes) -> bytes:
    return cms.sign(content, centre.key, centre.sender.key_identifier)


def _rebuild_body(content: bytes, body: bytes, dictionary: int) -> bytes:
    header, _ = decode_message(content)
    header = header.__class__(header.kind, header.centre, header.sequence, header.message_id,
                              header.created, dictionary, len(body))
    return encode_message(header, compression.compress(body, dictionary))


@pytest.mark.timeout(600)
@pytest.mark.parametrize("layer", ["container", "signed", "content", "body", "body_v4"])
def test_mutated_inputs_are_refused_with_a_reason_never_a_crash(ca, centre, sample, layer):
    rng = random.Random(f"ecr-fuzz-{layer}")
    stats: collections.Counter[str] = collections.Counter()
    for _ in range(CASES_PER_LAYER):
        damaged = mutate(rng, sample[layer])
        if layer == "container":
            data = damaged
        elif layer == "signed":
            data = _envelope(ca, damaged)
        elif layer == "content":
            data = _envelope(ca, _sign(centre, damaged))
        elif layer == "body_v4":
            content = _rebuild_body(sample["content"], damaged, compression.CURRENT_DICTIONARY)
            data = _envelope(ca, _sign(centre, content))
        else:
            dictionary = rng.choice([compression.STORED] + (
                [compression.CURRENT_DICTIONARY] if compression.available(
                    compression.CURRENT_DICTIONARY) else []))
            content = _rebuild_body(sample["content"], damaged, dictionary)
            data = _envelope(ca, _sign(centre, content))
        _open(ca, centre, data, stats)
    refused = sum(v for k, v in stats.items() if k != "accepted")
    assert refused > CASES_PER_LAYER * 0.8, stats
    assert len(stats) >= 2, stats


@pytest.mark.timeout(300)
def test_random_bytes_are_refused(ca, centre):
    rng = random.Random("ecr-fuzz-random")
    stats: collections.Counter[str] = collections.Counter()
    for _ in range(CASES_PER_LAYER):
        prefix = rng.choice([b"", b"\x30\x80", b"\x30\x82\x01\x00\x06\x09\x2a\x86\x48\x86\xf7"
                             b"\x0d\x01\x07\x03"])
        _open(ca, centre, prefix + rng.randbytes(rng.randint(0, 2000)), stats)
    assert stats["accepted"] == 0
