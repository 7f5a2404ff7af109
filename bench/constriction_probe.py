"""Is ``constriction`` (Rust entropy coders with Python bindings) worth it for the act codec?

    .venv/bin/pip install --target /tmp/cxlib --no-deps constriction==0.5.0
    PYTHONPATH=.:/tmp/cxlib .venv/bin/python bench/constriction_probe.py

Not a dependency of ECR: this measures the one question that decides it (issue 12).  ECR's
models are adaptive (the distribution of each symbol depends on the ones before it), so a
decoder on any library still makes one call from Python per symbol with that symbol's
distribution.  The probe decodes the same 20,000 symbols of one 40-symbol distribution with
(a) ``constriction.stream.queue.RangeDecoder`` given a ``Categorical`` model built per call
from a ready numpy array (the best case: an adaptive model would also have to update that
array), and (b) ECR's ``RangeDecoder.pick`` from a list of counts.  Prints JSON, µs per
symbol and the ratio.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import constriction
import numpy as np

from common.wire.range_coder import RangeDecoder, RangeEncoder

N = 20_000


def main() -> None:
    rng = np.random.default_rng(1)
    counts = [int(c) for c in rng.integers(1, 200, size=40)]
    total = sum(counts)
    probs = np.array(counts, dtype=np.float64) / total
    symbols = [int(s) for s in rng.choice(40, size=N, p=probs)]

    enc = constriction.stream.queue.RangeEncoder()
    for s in symbols:
        enc.encode(s, constriction.stream.model.Categorical(probs, perfect=False))
    compressed = enc.get_compressed()
    began = time.perf_counter()
    dec = constriction.stream.queue.RangeDecoder(compressed)
    theirs = [dec.decode(constriction.stream.model.Categorical(probs, perfect=False))
              for _ in range(N)]
    their_s = time.perf_counter() - began

    ours_enc = RangeEncoder()
    cumulative = [0, *itertools.accumulate(counts)]
    for s in symbols:
        ours_enc.symbol(cumulative[s], counts[s], total)
    data = ours_enc.finish()
    began = time.perf_counter()
    ours_dec = RangeDecoder(data)
    ours = [ours_dec.pick(counts, total, total) for _ in range(N)]
    our_s = time.perf_counter() - began

    assert [int(s) for s in theirs] == symbols == ours
    print(json.dumps({"symbols": N, "constriction_us_per_symbol": round(their_s / N * 1e6, 2),
                      "ecr_us_per_symbol": round(our_s / N * 1e6, 2),
                      "constriction_over_ecr": round(their_s / our_s, 3)}))


if __name__ == "__main__":
    main()
