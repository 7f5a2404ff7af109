"""National search latency on the SCEC's database: NIU, name, and name + date searches.

    python bench/national_search.py [--acts 1000000] [--per-centre 1000] [--queries 300]
                                    [--dsn ADMIN_DSN] [--keep] [--reuse DBNAME]

Creates a database of its own (``--dsn``, default the local service), migrates
it as the SCEC's, and loads ``--acts`` realistic generated acts from many
centres (``--per-centre`` each: the generator's Zipf-distributed names, several
scripts) into the national register: each row is made by ingest's own
``_act_row`` from the act's derived summary (``common.acts.derived``), as a
worker stores it, and COPYed, in parallel worker processes.  Then it times the
search a national query runs (``xmserver.queries.search``, the real SQL) on
values drawn from a sample of the loaded acts, so that common names are asked as
often as they are common:

* ``niu``: an existing NIU;
* ``name``: a principal person's surname and given names;
* ``name_date``: a surname with the event type and a one-year window of the event.

``baseline`` is ``SELECT 1`` on the same connection (one round trip); ratios are
p95 ÷ baseline p95.  Prints one JSON object with ``acts`` (the size measured),
``load_s``, ``db_bytes`` and, per kind, ``p50_ms``, ``p95_ms``, ``max_ms`` and
the median number of matches.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

TARGET_P95_MS = 50.0


def _chunk(args: tuple[int, str, int]) -> tuple[list[tuple[Any, ...]], list[dict[str, str]]]:
    """One centre's acts as ``act`` rows, and a few samples of what to search for."""
    from common.acts.actjson import ActRecord, canonical_json
    from common.acts.derived import derive
    from common.acts.generator import generate_acts
    from common.acts.niu import make_niu
    from xmserver.ingest import _act_row, content_of

    seed, centre, count = args
    received = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    message_id = uuid.UUID(int=seed)
    rows, samples = [], []
    serial: dict[int, int] = {}
    for i, act in enumerate(generate_acts(count, seed=seed, centre_code=centre)):
        year = act.registered_on.year
        serial[year] = serial.get(year, 0) + 1
        record = ActRecord(act.event_type, act.data, "validated",
                           make_niu(centre, year, serial[year]).value,
                           f"{serial[year]}/{year}", centre, act.registered_on)
        derived = derive(act.event_type, act.data, today=act.registered_on,
                         registered_on=act.registered_on)
        summary = derived.summary
        row = _act_row(record, canonical_json(record.to_dict()).decode(),
                       __import__("hashlib").sha256(content_of(record)).digest(), summary,
                       message_id, received)
        rows.append(row)
        if i % 97 == 0 and summary.principal:
            p = summary.principal[0]
            samples.append({"niu": str(record.niu), "surname": p.surname or "",
                            "given_names": p.given_names or "", "event_type": act.event_type,
                            "occurred_on": summary.occurred_on.isoformat()
                            if summary.occurred_on else ""})
    return rows, samples


def _dsn(admin: str, dbname: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    return make_conninfo(**{**conninfo_to_dict(admin), "dbname": dbname})


def load(dsn: str, acts: int, per_centre: int) -> tuple[float, list[dict[str, str]]]:
    from xmserver.ingest import _ACT_COLUMNS

    started = time.perf_counter()
    centres = [f"{300000 + i:06d}" for i in range((acts + per_centre - 1) // per_centre)]
    jobs = [(7_000_000 + i, code, min(per_centre, acts - i * per_centre))
            for i, code in enumerate(centres)]
    samples: list[dict[str, str]] = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        with conn.cursor() as cur, cur.copy("COPY centre (code, name, status) FROM STDIN") as cp:
            for code in centres:
                cp.write_row((code, f"Centre {code}", "active"))
        for year in range(1990, 2027):
            conn.execute("SELECT ensure_act_partition(%s)", (year,))
        with mp.get_context("spawn").Pool(max(1, os.cpu_count() or 1)) as pool:
            for rows, sampled in pool.imap_unordered(_chunk, jobs, chunksize=2):
                years = {r[1] for r in rows}
                for year in years - set(range(1990, 2027)):
                    conn.execute("SELECT ensure_act_partition(%s)", (year,))
                with conn.cursor() as cur, cur.copy(
                        f"COPY act ({', '.join(_ACT_COLUMNS)}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
                samples += sampled
        conn.execute("ANALYZE act")
    return time.perf_counter() - started, samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2), "n": len(ordered)}


def measure(dsn: str, samples: list[dict[str, str]], queries: int) -> dict[str, Any]:
    from common.wire.query import Query
    from xmserver.queries import search

    rng = random.Random(20261204)
    times: dict[str, list[float]] = {"baseline": [], "niu": [], "name": [], "name_date": []}
    found: dict[str, list[int]] = {"niu": [], "name": [], "name_date": []}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(queries):
            s = rng.choice(samples)
            criteria = {
                "niu": {"niu": s["niu"]},
                "name": {"surname": s["surname"], "given_names": s["given_names"]},
                "name_date": {"surname": s["surname"], "event_type": s["event_type"],
                              **({"occurred_from": f"{s['occurred_on'][:4]}-01-01",
                                  "occurred_to": f"{s['occurred_on'][:4]}-12-31"}
                                 if s["occurred_on"] else {})},
            }
            t = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times["baseline"].append(time.perf_counter() - t)
            for kind in ("niu", "name", "name_date"):  # interleaved: noise falls on all
                c = {k: v for k, v in criteria[kind].items() if v}
                if not ({"niu", "surname", "given_names"} & set(c)):
                    continue
                t = time.perf_counter()
                count, _ = search(conn, Query(1, "bench", "officer", c))
                times[kind].append(time.perf_counter() - t)
                found[kind].append(count)
    out: dict[str, Any] = {k: _summary(v) for k, v in times.items()}
    for kind, counts in found.items():
        out[kind]["matches_p50"] = statistics.median(counts)
    base = out["baseline"]["p95_ms"] or 0.01
    out["ratio_p95"] = {k: round(out[k]["p95_ms"] / base, 1) for k in found}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--per-centre", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", default=None, metavar="DBNAME",
                        help="measure a database kept earlier (its samples are re-read)")
    args = parser.parse_args()
    from common.db.migrate import migrate

    dbname = args.reuse or f"ecr_bench_national_{os.getpid()}"
    if not args.reuse:
        with psycopg.connect(args.dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{dbname}"')
    dsn = _dsn(args.dsn, dbname)
    try:
        load_s = 0.0
        if not args.reuse:
            with psycopg.connect(dsn, autocommit=True) as conn:
                migrate(conn, "scec")
            load_s, samples = load(dsn, args.acts, args.per_centre)
        else:
            samples = _samples_of(dsn)
        with psycopg.connect(dsn) as conn:
            n = conn.execute("SELECT count(*) FROM act").fetchone()[0]  # type: ignore[index]
            size = conn.execute("SELECT pg_database_size(current_database())"
                                ).fetchone()[0]  # type: ignore[index]
        result = {"acts": n, "centres": (n + args.per_centre - 1) // args.per_centre,
                  "load_s": round(load_s, 1), "db_bytes": size,
                  "target_p95_ms": TARGET_P95_MS, **measure(dsn, samples, args.queries)}
        print(json.dumps(result))
    finally:
        if not args.keep and not args.reuse:
            with psycopg.connect(args.dsn, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return 0


def _samples_of(dsn: str) -> list[dict[str, str]]:
    """Search values from a kept database: one act in a thousand, its principal person."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT niu, event_type, occurred_on::text, record FROM act TABLESAMPLE SYSTEM (1)"
            " LIMIT 3000").fetchall()
    from common.acts.summary import summarize

    out = []
    for niu, event_type, occurred, record in rows:
        principal = summarize(event_type, record["data"]).principal
        if principal:
            out.append({"niu": niu, "surname": principal[0].surname or "",
                        "given_names": principal[0].given_names or "",
                        "event_type": event_type, "occurred_on": occurred or ""})
    return out


if __name__ == "__main__":
    raise SystemExit(main())
