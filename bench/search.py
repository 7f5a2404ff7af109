"""Search latency on a large centre database: name, NIU and date searches.

    python bench/search.py [--acts 1000000] [--queries 400] [--dsn ADMIN_DSN] [--keep]

Creates a database of its own on the PostgreSQL server (``--dsn``, default the
local service), initialises a centre in it, loads ``--acts`` realistic generated
acts (bench/corpus.py), then times searches through the real path a workstation
uses: ``Session.search`` → ``ecr.act_search`` (SECURITY DEFINER, audit-logged) as
the application role.  Query values are drawn from the corpus (existing
surnames with or without given names, fuzzy or not; existing NIUs; occurrence
dates, with or without an event type).  Prints one JSON object:

    {"acts": N, "name": {"p50_ms": …, "p95_ms": …}, "niu": {…}, "date": {…},
     "baseline": {"p50_ms": …, "p95_ms": …}, "ratio_p95": {"name": …, …}}

``baseline`` is the round trip of ``ecr.whoami`` (a session check, no search) on
the same connection pool in the same run, so the ratios stay comparable on a
shared, noisy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus
from ecr_tk.services import Centre
from ecr_tk.services.values import SearchCriteria

OFFICER, PASSWORD = 1, "Bench-Officer-2026!"
EVENT_TYPES = ("birth", "death", "marriage")


def _timed(fn: Callable[[], object], n: int) -> dict[str, float]:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "max_ms": round(samples[-1], 2),
        "queries": n,
    }


def _dsn(admin: str, dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(admin)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400, help="queries per kind")
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()

    dbname = f"ecr_bench_search_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    owner_dsn = _dsn(args.dsn, dbname)
    home = Path(tempfile.mkdtemp(prefix="ecr-bench-"))
    try:
        centre = Centre.init(home / "centre", "000001", "Centre de banc d'essai", OFFICER,
                             "Officier Banc", PASSWORD, dsn=owner_dsn)
        print(f"loading {args.acts:,} acts into {dbname} …", file=sys.stderr, flush=True)
        loaded = corpus.load(owner_dsn, args.acts, seed=args.seed, officer=OFFICER,
                             progress=True)
        print(f"loaded in {loaded.seconds:.0f} s", file=sys.stderr, flush=True)
        rng = random.Random(args.seed)
        session = centre.login(OFFICER, PASSWORD, "bench")
        db = session._db  # the same pool the services use, for the baseline
        token = session.token

        def name_query() -> None:
            i = rng.randrange(len(loaded.surnames))
            surname = loaded.surnames[i]
            given = loaded.given_names[i].split(" ")[0] if rng.random() < 0.5 else None
            session.search(SearchCriteria(surname=surname, given_names=given,
                                          fuzzy=rng.random() < 0.3))

        def niu_query() -> None:
            session.search(SearchCriteria(niu=rng.choice(loaded.nius)))

        def date_query() -> None:
            day = dt.date.fromisoformat(rng.choice([d for d in loaded.dates[:50] if d]))
            session.search(SearchCriteria(
                occurred_from=day, occurred_to=day,
                event_type=rng.choice(EVENT_TYPES) if rng.random() < 0.5 else None))

        def baseline() -> None:
            db.rows("SELECT * FROM ecr.whoami(%s)", (token,))

        for warm in (name_query, niu_query, date_query, baseline):
            _timed(warm, 20)
        result = {
            "acts": args.acts,
            "load_seconds": round(loaded.seconds, 1),
            "name": _timed(name_query, args.queries),
            "niu": _timed(niu_query, args.queries),
            "date": _timed(date_query, args.queries),
            "baseline": _timed(baseline, args.queries),
        }
        base = max(result["baseline"]["p95_ms"], 0.01)  # type: ignore[index]
        result["ratio_p95"] = {k: round(result[k]["p95_ms"] / base, 1)  # type: ignore[index]
                               for k in ("name", "niu", "date")}
        session.logout()
        centre.close()
        print(json.dumps(result))
    finally:
        if not args.keep:
            with psycopg.connect(args.dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                             .format(sql.Identifier(dbname)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
