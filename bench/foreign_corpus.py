"""A corpus of acts that no ECR dictionary, vocabulary or threshold was fitted to.

    PYTHONPATH=. .venv/bin/python bench/foreign_corpus.py 3000 --out /tmp/foreign.jsonl

The review's lesson: measure on data you did not make.  The acts' structure
(event types, dates, codes, the registration envelope) comes from the project's
generator, but every NAME and free TEXT value is replaced by one from Faker
(a widely used fake-data library with its own name, city and job lists for
many countries), drawn from several locales, some in other scripts (Arabic,
Cyrillic, Greek), with surnames written in capitals about half the time as
French-style registers write them.  Which leaves are names or texts is read
from the data dictionary (``Kind.NAME`` / ``Kind.TEXT``), never listed here.
Each act is checked again with the dictionary's validator; the few that a
foreign value makes invalid (a length, a pattern) are dropped and counted.

Output: one full ``ecr-act/1`` record per line (validated, with NIU), the
format ``bench/link.py --corpus`` and ``bench/ingest.py --corpus`` read.
Needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from faker import Faker

from common.acts.actjson import ActRecord
from common.acts.dictionary import event
from common.acts.model import Kind
from common.acts.validation import validate
from common.wire.corpus import CORPUS_TODAY, realistic_records

#: Locales and their weights: mostly Latin script, a few others.
LOCALES = {"fr_FR": 3, "pt_PT": 2, "es_ES": 2, "en_GB": 2, "it_IT": 1, "de_DE": 1, "tr_TR": 1,
           "pl_PL": 1, "ar_AA": 1, "ru_RU": 1, "el_GR": 1}
#: A seed of its own (the dictionary's training seed and the generator's are others).
SEED = 4_242_001


def _paths(data: Any, prefix: str = "") -> Iterator[tuple[str, list[Any] | dict[str, Any], Any]]:
    """(dictionary path, container, key) of every leaf in an act's data."""
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict | list):
                yield from _paths(value, path)
            else:
                yield path, data, key
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, dict | list):
                yield from _paths(value, f"{prefix}[]")
            else:
                yield f"{prefix}[]", data, i


def _what(field_name: str, kind: Kind) -> str | None:
    """Which Faker list replaces a leaf: by the dictionary's kind, and for free texts by
    what the leaf holds (an occupation, a locality); other texts (document numbers,
    addresses) keep the generator's values."""
    if kind is Kind.NAME:
        return "surname" if "surname" in field_name else "given"
    if kind is Kind.TEXT:
        if "occupation" in field_name:
            return "job"
        if "locality" in field_name or "place" in field_name:
            return "city"
    return None


def foreign(record: ActRecord, fakers: list[Faker], rng: random.Random,
            seen: dict[tuple[str, str], str]) -> ActRecord:
    """The act with its names and places replaced.

    The same generated value always becomes the same foreign value (``seen``), so the
    corpus keeps the generator's repetitions (the father who declares, a family's
    surname, a town's frequency) but with strings ECR never saw.  Capitals are a
    register's habit: decided per act.
    """
    kinds = dict(event(record.event_type).leaves())
    data = json.loads(json.dumps(record.data))
    capitals = rng.random() < 0.5
    for path, container, key in list(_paths(data)):
        field = kinds.get(path)
        original = container[key]  # type: ignore[index]
        if field is None or not isinstance(original, str):
            continue
        what = _what(field.name, field.kind)
        if what is None or field.pattern:  # a coded text (ISCO…) keeps its code
            continue
        value = seen.get((what, original))
        if value is None:
            fake = rng.choice(fakers)
            value = {"surname": fake.last_name, "given": fake.first_name, "job": fake.job,
                     "city": fake.city}[what]()
            seen[(what, original)] = value
        if what == "surname" and capitals:
            value = value.upper()
        if field.max_length:
            value = value[:field.max_length]
        container[key] = value  # type: ignore[index]
    return dataclasses.replace(record, data=data)


def build(n: int, seed: int = SEED) -> tuple[list[ActRecord], int]:
    rng = random.Random(seed)
    fakers = []
    for locale, weight in LOCALES.items():
        f = Faker(locale)
        f.seed_instance(rng.randrange(1 << 30))
        fakers.extend([f] * weight)
    kept, dropped = [], 0
    seen: dict[tuple[str, str], str] = {}
    for record in realistic_records(n, seed=seed, centre_code="224100"):
        changed = foreign(record, fakers, rng, seen)
        report = validate(changed.event_type, changed.data, today=CORPUS_TODAY,
                          registered_on=changed.registered_on)
        if report.errors:
            dropped += 1
            continue
        kept.append(changed)
    return kept, dropped


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args()
    records, dropped = build(args.n, args.seed)
    with Path(args.out).open("wb") as out:
        for r in records:
            out.write(r.to_json() + b"\n")
    json.dump({"acts": len(records), "dropped_invalid": dropped, "out": args.out}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
