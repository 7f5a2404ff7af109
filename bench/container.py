"""Sealed-container benchmark: bytes per act on the wire, and seal/open throughput.

    .venv/bin/python bench/container.py                 # realistic corpus (seed 7)
    .venv/bin/python bench/container.py --corpus acts.jsonl [--no-validate]

Prints JSON::

    {"batches": {"1": {"bytes_per_act": …, "body_bytes_per_act": …,
                       "overhead_bytes_per_container": …, "containers": …}, "10": …,
                 "50": …, "200": …},
     "seal_acts_per_s": …, "open_acts_per_s": …, "corpus": {…}, "dictionary": 2}

``bytes_per_act`` is everything that travels: the whole CMS container (envelope,
signature, header, compressed body) divided by the acts it carries.  The
realistic corpus is ``common.wire.corpus.realistic_records`` with a seed other
than the one the dictionary was trained on.  Throughput is measured on batches
of 50: sealing (encode, compress, sign, encrypt) and opening (decrypt, verify,
decompress, decode, validate every act).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.acts.actjson import ActRecord, parse_act_json, parse_act_record  # noqa: E402
from common.pki.authority import (  # noqa: E402
    build_centre_request,
    check_centre_request,
    create_country_authority,
    issue_centre_certificate,
)
from common.pki.identifiers import subject_key_identifier  # noqa: E402
from common.pki.keys import generate_key  # noqa: E402
from common.wire import compression  # noqa: E402
from common.wire.acts_codec import encode_acts  # noqa: E402
from common.wire.batches import open_act_batch, seal_act_batch  # noqa: E402
from common.wire.cms import RecipientKey  # noqa: E402
from common.wire.container import RecipientCertificate, SenderKey  # noqa: E402
from common.wire.corpus import MEASURE_SEED, TRAINING_SEED, realistic_records  # noqa: E402
from common.wire.trust import StaticDirectory  # noqa: E402

BATCH_SIZES = (1, 10, 50, 100, 200)
CENTRE = "123456"


def load_corpus(path: Path) -> list[ActRecord]:
    """One act JSON per line: a full export (``ecr-act/1``) or a draft ``{"type", "data"}``."""
    records = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            if '"format"' in line:
                records.append(parse_act_record(line))
            else:
                event_type, data = parse_act_json(line)
                records.append(ActRecord(event_type, data, status="validated",
                                         centre_code=CENTRE))
        except Exception as exc:
            raise SystemExit(f"{path}:{number}: {exc}") from None
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="acts as JSON lines")
    parser.add_argument("--acts", type=int, default=2000, help="realistic corpus size")
    parser.add_argument("--seed", type=int, default=MEASURE_SEED)
    parser.add_argument("--no-validate", action="store_true",
                        help="do not validate acts when opening (for corpora of drafts)")
    args = parser.parse_args()
    if args.corpus is None and args.seed == TRAINING_SEED:
        parser.error("measure on another seed than the dictionary's training seed")

    acts = load_corpus(args.corpus) if args.corpus else realistic_records(args.acts,
                                                                          seed=args.seed)
    authority = create_country_authority("SN", "Benchmark")
    key = generate_key()
    certificate = issue_centre_certificate(
        authority.issuing_key, authority.issuing_certificate,
        check_centre_request(build_centre_request(key, CENTRE), CENTRE), CENTRE)
    sender = SenderKey(key, subject_key_identifier(key.public_key()))
    recipient = RecipientCertificate.of(authority.encryption_certificate)
    scec_key = RecipientKey(authority.encryption_key,
                            subject_key_identifier(authority.encryption_key.public_key()))
    directory = StaticDirectory.of([(CENTRE, certificate)])

    sequence = 0
    batches: dict[str, dict[str, float]] = {}
    for size in BATCH_SIZES:
        total = body = containers = count = 0
        for start in range(0, len(acts) - size + 1, size):
            chunk = acts[start:start + size]
            sequence += 1
            _, data = seal_act_batch(chunk, centre=CENTRE, sequence=sequence, sender=sender,
                                     recipient=recipient)
            body += len(compression.compress(encode_acts(
                chunk, compression.vocabulary(compression.CURRENT_DICTIONARY))))
            total += len(data)
            containers += 1
            count += size
        if count:
            batches[str(size)] = {
                "bytes_per_act": round(total / count, 1),
                "body_bytes_per_act": round(body / count, 1),
                "overhead_bytes_per_container": round((total - body) / containers, 1),
                "containers": containers,
            }
    # Throughput on batches of 50 (or the whole corpus if smaller).
    size = min(50, len(acts))
    chunks = [acts[i:i + size] for i in range(0, len(acts) - size + 1, size)]
    began = time.perf_counter()
    sealed = [seal_act_batch(chunk, centre=CENTRE, sequence=sequence + n, sender=sender,
                             recipient=recipient)[1] for n, chunk in enumerate(chunks, 1)]
    seal_seconds = time.perf_counter() - began
    began = time.perf_counter()
    opened = 0
    for data in sealed:
        opened += len(open_act_batch(data, scec_key, directory,
                                     validate=not args.no_validate).acts)
    open_seconds = time.perf_counter() - began
    sealed_acts = size * len(chunks)
    result = {
        "batches": batches,
        "seal_acts_per_s": round(sealed_acts / seal_seconds) if seal_seconds else None,
        "open_acts_per_s": round(opened / open_seconds) if open_seconds else None,
        "corpus": {"source": str(args.corpus) if args.corpus else
                   f"realistic_records(seed={args.seed})", "acts": len(acts)},
        "dictionary": compression.CURRENT_DICTIONARY,
    }
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
