"""Where a batch's bytes go, by field kind and by field (issue 12, step 1).

    .venv/bin/python bench/foreign_corpus.py 600 --out /tmp/foreign600.jsonl
    .venv/bin/python bench/container_breakdown.py /tmp/foreign600.jsonl [--batch 50]

Prints JSON: ``raw_body_bytes_per_act`` (the encoded acts before compression),
``compressed_body_bytes_per_act`` (after the dictionary's zstd), and the raw
bytes per act each field kind (``by_kind``) and each field name (``by_field``,
the 12 largest) takes.  The per-leaf figures come from wrapping the encoder's
leaf function for this run only: a diagnostic, not a figure of the format.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.container import load_corpus  # noqa: E402
from common.wire import acts_codec, compression  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="one act JSON a line")
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    acts = load_corpus(args.corpus)
    vocabulary = compression.vocabulary(3)
    by_kind: collections.Counter[str] = collections.Counter()
    by_field: collections.Counter[str] = collections.Counter()
    encode_leaf = acts_codec._encode_leaf

    def counted(writer, field, value, *rest, **options):  # type: ignore[no-untyped-def]
        before = len(writer.getvalue())
        encode_leaf(writer, field, value, *rest, **options)
        size = len(writer.getvalue()) - before
        by_kind[field.kind.value] += size
        by_field[field.name] += size

    acts_codec._encode_leaf = counted  # type: ignore[assignment]
    raw = compressed = 0
    try:
        for start in range(0, len(acts), args.batch):
            body = acts_codec.encode_acts(acts[start:start + args.batch], vocabulary)
            raw += len(body)
            compressed += len(compression.compress(body))
    finally:
        acts_codec._encode_leaf = encode_leaf  # type: ignore[assignment]
    n = len(acts)
    print(json.dumps({
        "acts": n, "batch": args.batch,
        "raw_body_bytes_per_act": round(raw / n, 1),
        "compressed_body_bytes_per_act": round(compressed / n, 1),
        "by_kind": {k: round(v / n, 1) for k, v in by_kind.most_common()},
        "by_field": {k: round(v / n, 1) for k, v in by_field.most_common(12)},
    }, indent=2))


if __name__ == "__main__":
    main()
