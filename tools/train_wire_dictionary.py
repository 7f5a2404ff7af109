"""Train the zstandard dictionary shipped as ``common/wire/dictionaries/vN.zdict``.

Deterministic input: ``common.wire.corpus.realistic_records`` with the fixed
``TRAINING_SEED`` (the benchmark measures on another seed).  Each training
sample is one act in the canonical compact encoding, exactly what a batch body
concatenates.  A released dictionary is never replaced: a new one takes the next
version (append it to ``compression.DICTIONARY_FILES`` and make it current).

Usage::

    .venv/bin/python tools/train_wire_dictionary.py --version 1 [--acts 20000] [--size 65536]
    .venv/bin/python tools/train_wire_dictionary.py --version 1 --check   # rebuild & compare
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import zstandard  # noqa: E402

from common.wire.acts_codec import encode_act  # noqa: E402
from common.wire.binary import Writer  # noqa: E402
from common.wire.corpus import TRAINING_SEED, realistic_records  # noqa: E402

OUT = ROOT / "common" / "wire" / "dictionaries"


def samples(n: int, seed: int) -> list[bytes]:
    out = []
    for record in realistic_records(n, seed=seed):
        w = Writer()
        encode_act(w, record)
        out.append(w.getvalue())
    return out


def train(n: int, size: int, seed: int = TRAINING_SEED) -> bytes:
    data = zstandard.train_dictionary(size, samples(n, seed), level=19, k=256, d=8,
                                      threads=1, dict_id=0x45435200 + 1)
    return data.as_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--acts", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=64 * 1024)
    parser.add_argument("--check", action="store_true",
                        help="rebuild and compare with the shipped file instead of writing")
    args = parser.parse_args()
    data = train(args.acts, args.size)
    target = OUT / f"v{args.version}.zdict"
    if args.check:
        same = target.exists() and target.read_bytes() == data
        print(f"{target}: {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    if target.exists():
        print(f"{target} exists; released dictionaries are never replaced", file=sys.stderr)
        return 1
    target.write_bytes(data)
    print(f"wrote {target} ({len(data)} bytes, {args.acts} acts, seed {TRAINING_SEED})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
