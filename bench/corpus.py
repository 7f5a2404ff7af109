"""Load a large generated corpus of validated acts into a centre database, fast.

Benchmarks need a million acts; taking each through the workflow functions
(draft → verify → validate, one audited transaction each) would take hours.
So this loader computes exactly what the services compute and store for an act
(``ecr_tk.services._dictionary.derive``: validation, summary, person search keys,
duplicate keys, timeliness), in worker processes, and COPYs the rows into
``ecr.acts`` and ``ecr.act_person_keys`` as the owner with triggers off
(``session_replication_role = replica``).  It is a benchmark fixture, never a
way in for real data: real acts only enter through the SECURITY DEFINER API.
"""

from __future__ import annotations

import datetime as dt
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


def _derive_chunk(args: tuple[int, int, int, str]) -> list[tuple[Any, ...]]:
    """Generate acts ``start``..``start+count`` and derive what is stored beside them."""
    from common.acts.generator import generate_acts
    from ecr_tk.services import _dictionary
    from ecr_tk.services.settings import Rules

    seed, start, count, centre = args
    rules = Rules()
    out: list[tuple[Any, ...]] = []
    # Each chunk is a generator of its own, seeded by (seed, start): deterministic
    # whatever the number of worker processes.
    for i, act in enumerate(generate_acts(count, seed=seed * 1_000_003 + start,
                                          centre_code=centre)):
        derived = _dictionary.derive(act.event_type, act.data, act.registered_on, rules)
        if not derived.report.ok:
            raise RuntimeError(f"generated act {start + i} is invalid: {derived.report.errors}")
        out.append((start + i + 1, act.event_type, act.data, act.registered_on, derived))
    return out


def _rows(chunks: Iterator[list[tuple[Any, ...]]], centre: str,
          officer: int, sample_every: int, corpus: dict[str, list[str]]
          ) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    serial_by_year: dict[int, int] = {}
    register_by_key: dict[tuple[str, int], int] = {}
    for chunk in chunks:
        acts: list[tuple[Any, ...]] = []
        keys: list[tuple[Any, ...]] = []
        for act_id, event_type, data, registered_on, d in chunk:
            year = registered_on.year
            serial_by_year[year] = serial_by_year.get(year, 0) + 1
            reg = register_by_key.get((event_type, year), 0) + 1
            register_by_key[(event_type, year)] = reg
            niu = str(make_niu(centre, year, serial_by_year[year]))
            niu = "".join(ch for ch in niu if ch.isdigit())
            dup = d.duplicate
            stamp = dt.datetime.combine(registered_on, dt.time(10, 0), dt.UTC)
            acts.append((
                act_id, event_type, "validated", year, reg, niu, json.dumps(data),
                json.dumps(d.summary), d.occurred_on, registered_on, d.timeliness,
                dup.principal_key if dup else None, dup.principal_date if dup else None,
                dup.mother_key if dup else None, officer, stamp, stamp, officer, stamp,
                officer, stamp))
            for k in d.person_keys:
                keys.append((act_id, k["role"], k["part"], k["key"], k["phonetic"]))
            if act_id % sample_every == 0:
                corpus["nius"].append(niu)
                principal = d.summary.get("persons", [{}])[0]
                corpus["surnames"].append(str(principal.get("surname") or ""))
                corpus["given_names"].append(str(principal.get("given_names") or ""))
                corpus["dates"].append(d.occurred_on.isoformat() if d.occurred_on else "")
        yield acts, keys


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
        for acts, keys in _rows(pool.imap(_derive_chunk, tasks), centre, officer,
                                sample_every, corpus):
            with conn.cursor().copy(f"COPY ecr.acts ({ACT_COLUMNS}) FROM STDIN") as copy:
                for row in acts:
                    copy.write_row(row)
            with conn.cursor().copy(
                    "COPY ecr.act_person_keys (act_id, role, part, key, phonetic) FROM STDIN"
            ) as copy:
                for row in keys:
                    copy.write_row(row)
            conn.commit()
            done += len(acts)
            if progress and done % 100_000 < CHUNK:
                print(f"  loaded {done:,} acts in {time.perf_counter() - started:.0f} s",
                      flush=True)
        conn.execute("SET session_replication_role = origin")
        conn.execute("SELECT setval(pg_get_serial_sequence('ecr.acts', 'id'), %s)", (n,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE ecr.acts")
        conn.execute("VACUUM ANALYZE ecr.act_person_keys")
    return LoadedCorpus(acts=n, seconds=time.perf_counter() - started, **corpus)
