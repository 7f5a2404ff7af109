"""Load a large generated corpus of validated acts into a centre database, fast.

Benchmarks need a million acts; taking each through the workflow functions
(draft → verify → validate, one audited transaction each) would take hours.
So this loader computes exactly what the services compute and store for an act
(``common.acts.derived.derive``: summary, person search keys, duplicate keys,
timeliness, the values the centre database derives itself for an act drafted
through its API, and that tests/centre/test_act_sql.py holds equal), in worker
processes, and COPYs the rows into ``ecr.acts`` and
``ecr.act_person_keys`` as the owner with triggers off
(``session_replication_role = replica``), then rebuilds what
``_store_person_keys`` would have kept beside them: the name vocabulary's
counts and each act's name words (``ecr._rebuild_name_vocabulary``,
``ecr._rebuild_name_words``).
Each act is validated on the way (a generator bug would fail the load).  It is a
benchmark fixture, never a way in for real data: real acts only enter through
the SECURITY DEFINER API.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg

from common.acts.niu import make_niu

CHUNK = 2_000


@dataclass(frozen=True)
class LoadedCorpus:
    acts: int
    seconds: float
    nius: list[str]
    surnames: list[str]  # principal surname of a sample of acts
    given_names: list[str]
    dates: list[str]  # occurrence dates of the same sample


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: object) -> str:
    """A value as a field of COPY's text format (``\\N`` for NULL)."""
    if value is None:
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


def _derive_chunk(args: tuple[int, int, int, str]) -> tuple[list[tuple[Any, ...]], str]:
    """Generate acts ``start``..``start+count`` and derive what is stored beside them.

    Returns, per act, what the loader numbers (event type, registration date)
    with the rest of its row already in COPY text, and the chunk's person-key
    rows as COPY text: the worker processes do the JSON and text work, so the
    one process that writes to the database only numbers and writes.
    """
    from common.acts.derived import derive
    from common.acts.generator import generate_acts

    seed, start, count, centre = args
    acts: list[tuple[Any, ...]] = []
    keys: list[str] = []
    # Each chunk is a generator of its own, seeded by (seed, start): deterministic
    # whatever the number of worker processes.
    for i, act in enumerate(generate_acts(count, seed=seed * 1_000_003 + start,
                                          centre_code=centre)):
        act_id = start + i + 1
        derived = derive(act.event_type, act.data, today=act.registered_on,
                         registered_on=act.registered_on)
        if not derived.ok:
            raise ValueError(f"generated act {act_id} is invalid: {derived.report.errors[0]}")
        d = derived.stored()
        tail = "\t".join(_text(v) for v in (
            json.dumps(act.data, ensure_ascii=False), json.dumps(d["summary"], ensure_ascii=False),
            d["occurred_on"], act.registered_on, d["timeliness"], d["principal_key"],
            d["principal_date"], d["mother_key"]))
        principal = d["summary"].get("persons", [{}])[0]
        sample = (str(principal.get("surname") or ""), str(principal.get("given_names") or ""),
                  d["occurred_on"] or "")
        acts.append((act_id, act.event_type, act.registered_on, tail, sample))
        keys.extend(f"{act_id}\t{_text(k['role'])}\t{_text(k['part'])}\t{_text(k['key'])}\t"
                    f"{_text(k['phonetic'])}\n" for k in d["person_keys"])
    return acts, "".join(keys)


def _rows(chunks: Iterator[tuple[list[tuple[Any, ...]], str]], centre: str,
          officer: int, sample_every: int, corpus: dict[str, list[str]]
          ) -> Iterator[tuple[str, str, int]]:
    """COPY text of the acts and of their keys, chunk by chunk, numbered in order."""
    serial_by_year: dict[int, int] = {}
    register_by_key: dict[tuple[str, int], int] = {}
    for chunk, keys in chunks:
        lines: list[str] = []
        for act_id, event_type, registered_on, tail, sample in chunk:
            year = registered_on.year
            serial_by_year[year] = serial_by_year.get(year, 0) + 1
            reg = register_by_key.get((event_type, year), 0) + 1
            register_by_key[(event_type, year)] = reg
            niu = str(make_niu(centre, year, serial_by_year[year]))
            niu = "".join(ch for ch in niu if ch.isdigit())
            stamp = f"{registered_on.isoformat()} 10:00:00+00"
            lines.append(f"{act_id}\t{event_type}\tvalidated\t{year}\t{reg}\t{niu}\t{tail}\t"
                         f"{officer}\t{stamp}\t{stamp}\t{officer}\t{stamp}\t{officer}\t{stamp}\n")
            if act_id % sample_every == 0:
                corpus["nius"].append(niu)
                corpus["surnames"].append(sample[0])
                corpus["given_names"].append(sample[1])
                corpus["dates"].append(sample[2])
        yield "".join(lines), keys, len(chunk)


ACT_COLUMNS = ("id, event_type, status, register_year, register_serial, niu, data, summary,"
               " occurred_on, registered_on, timeliness, principal_key, principal_date,"
               " mother_key, drafted_by, drafted_at, updated_at, verified_by, verified_at,"
               " validated_by, validated_at")


def load(owner_dsn: str, n: int, *, seed: int = 20261128, centre: str = "000001",
         officer: int = 1, workers: int | None = None, samples: int = 2_000,
         progress: bool = True) -> LoadedCorpus:
    """Generate and load ``n`` validated acts; return a sample for building queries."""
    started = time.perf_counter()
    workers = workers or max(1, (os.cpu_count() or 1))
    tasks = [(seed, s, min(CHUNK, n - s), centre) for s in range(0, n, CHUNK)]
    corpus: dict[str, list[str]] = {"nius": [], "surnames": [], "given_names": [], "dates": []}
    sample_every = max(1, n // samples)
    with mp.get_context("spawn").Pool(workers) as pool, \
            psycopg.connect(owner_dsn, autocommit=False) as conn:
        conn.execute("SET session_replication_role = replica")  # triggers off: fixture load
        done = 0
        for acts, keys, count in _rows(pool.imap(_derive_chunk, tasks), centre, officer,
                                       sample_every, corpus):
            with conn.cursor().copy(f"COPY ecr.acts ({ACT_COLUMNS}) FROM STDIN") as copy:
                copy.write(acts.encode())
            with conn.cursor().copy(
                    "COPY ecr.act_person_keys (act_id, role, part, key, phonetic) FROM STDIN"
            ) as copy:
                copy.write(keys.encode())
            conn.commit()
            done += count
            if progress and done % 100_000 < CHUNK:
                print(f"  loaded {done:,} acts in {time.perf_counter() - started:.0f} s",
                      flush=True)
        conn.execute("SET session_replication_role = origin")
        conn.execute("SELECT setval(pg_get_serial_sequence('ecr.acts', 'id'), %s)", (n,))
        conn.execute("SELECT ecr._rebuild_name_vocabulary()")
        conn.execute("SELECT ecr._rebuild_name_words()")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE ecr.acts")
        conn.execute("VACUUM ANALYZE ecr.act_person_keys")
    return LoadedCorpus(acts=n, seconds=time.perf_counter() - started, **corpus)
