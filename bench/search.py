"""Search latency on a large centre database: name, NIU and date searches.

    python bench/search.py [--acts 1000000] [--queries 400] [--dsn ADMIN_DSN] [--keep]
    python bench/search.py --reuse DBNAME [--queries 400]   # a database kept earlier

Creates a database of its own on the PostgreSQL server (``--dsn``, default the
local service), initialises a centre in it, loads ``--acts`` realistic generated
acts (bench/corpus.py: thousands of surnames and given names with Zipf
frequencies, accents, apostrophes, hyphens, several scripts), then times
searches through the real path a workstation uses: ``Session.search`` →
``ecr.act_search`` (SECURITY DEFINER, audit-logged) as the application role.

Query values are drawn from a sample of the acts, so common names are searched
as often as they are common.  Name searches mix four kinds, reported apart in
``name_kinds`` and together in ``name``: a surname; a surname and the first
given name; either of them misspelt-tolerant (fuzzy); the first 2–4 letters of
a surname, page 0, 1 or 2 of 20.  NIU searches look up existing NIUs; date
searches one day of occurrence, half of them with an event type.  Kinds are
interleaved query by query, so the machine's noise falls on all alike.

Two same-run references: ``baseline`` is ``ecr.whoami`` (a session check, no
search, committed synchronously as every write is), and ``search_floor`` a name
search for a word no act holds (session check, vocabulary look-up, audit row,
commit: what every search costs before reading any act).  Prints one JSON object:

    {"acts": N, "name": {"p50_ms": …, "p95_ms": …}, "niu": {…}, "date": {…},
     "name_kinds": {…}, "baseline": {…}, "search_floor": {…}, "ratio_p95": {…}}
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
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus
from ecr_tk.services import Centre
from ecr_tk.services.values import SearchCriteria

OFFICER, PASSWORD = 1, "Bench-Officer-2026!"
EVENT_TYPES = ("birth", "death", "marriage")


def _summary(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2),
        "max_ms": round(samples[-1], 2),
        "queries": len(samples),
    }


def _dsn(admin: str, dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(admin)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]


def _sample(owner_dsn: str, n: int) -> dict[str, list[str]]:
    """NIUs, principal names and occurrence dates of ``n`` acts spread over the table."""
    with psycopg.connect(owner_dsn) as conn:
        rows = conn.execute(
            "SELECT niu, summary -> 'persons' -> 0 ->> 'surname',"
            " summary -> 'persons' -> 0 ->> 'given_names', occurred_on::text"
            " FROM ecr.acts TABLESAMPLE BERNOULLI (5) REPEATABLE (7)"
            " WHERE niu IS NOT NULL ORDER BY md5(id::text) LIMIT %s", (n,)).fetchall()
    return {"nius": [r[0] for r in rows], "surnames": [r[1] or "" for r in rows],
            "given_names": [r[2] or "" for r in rows], "dates": [r[3] or "" for r in rows]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=400, help="queries per kind")
    parser.add_argument("--dsn", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="DBNAME",
                        help="time searches on a database kept by an earlier --keep run")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args()

    dbname = args.reuse or f"ecr_bench_search_{uuid.uuid4().hex[:8]}"
    owner_dsn = _dsn(args.dsn, dbname)
    load_seconds = None
    if args.reuse:
        # as the database's application role: the kept schema is used as it is (no
        # migration; one older than this program is refused: `ecr db upgrade --db`)
        from common.db.connect import app_role_name

        centre = Centre.open(dsn=psycopg.conninfo.make_conninfo(
            owner_dsn, user=app_role_name(dbname)))
        with psycopg.connect(owner_dsn) as conn:
            row = conn.execute("SELECT count(*) FROM ecr.acts").fetchone()
        n_acts = int(row[0]) if row else 0
    else:
        with psycopg.connect(args.dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        home = Path(tempfile.mkdtemp(prefix="ecr-bench-"))
        centre = Centre.init(home / "centre", "000001", "Centre de banc d'essai", OFFICER,
                             "Officier Banc", PASSWORD, dsn=owner_dsn)
        print(f"loading {args.acts:,} acts into {dbname} …", file=sys.stderr, flush=True)
        loaded = corpus.load(owner_dsn, args.acts, seed=args.seed, officer=OFFICER,
                             progress=True)
        load_seconds = round(loaded.seconds, 1)
        n_acts = args.acts
        print(f"loaded in {loaded.seconds:.0f} s", file=sys.stderr, flush=True)
    try:
        result = _measure(centre, _sample(owner_dsn, 2_000), args.queries,
                          random.Random(args.seed))
        result = {"acts": n_acts, "load_seconds": load_seconds, **result}
        centre.close()
        print(json.dumps(result))
    finally:
        if args.keep or args.reuse:
            print(f"database kept: {dbname}", file=sys.stderr)
        else:
            with psycopg.connect(args.dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                             .format(sql.Identifier(dbname)))
    return 0


def _measure(centre: Centre, sample: dict[str, list[str]], n: int,
             rng: random.Random) -> dict[str, Any]:
    session = centre.login(OFFICER, PASSWORD, "bench")
    db = session._db  # the same pool the services use, for the references
    token = session.token
    people = [(s, g) for s, g in zip(sample["surnames"], sample["given_names"], strict=True)
              if s.strip()]
    days = [dt.date.fromisoformat(d) for d in sample["dates"] if d]

    def surname() -> None:
        session.search(SearchCriteria(surname=rng.choice(people)[0]))

    def surname_given() -> None:
        s, g = rng.choice(people)
        session.search(SearchCriteria(surname=s, given_names=g.split(" ")[0] or None))

    def fuzzy() -> None:
        s, g = rng.choice(people)
        session.search(SearchCriteria(surname=s, given_names=g.split(" ")[0] or None
                                      if rng.random() < 0.5 else None, fuzzy=True))

    def prefix() -> None:
        s = rng.choice(people)[0].replace("'", "").replace("-", "")
        session.search(SearchCriteria(surname=s[:rng.choice((2, 3, 4))] or s,
                                      page=rng.choice((0, 1, 2))))

    def niu() -> None:
        session.search(SearchCriteria(niu=rng.choice(sample["nius"])))

    def date() -> None:
        day = rng.choice(days)
        session.search(SearchCriteria(
            occurred_from=day, occurred_to=day,
            event_type=rng.choice(EVENT_TYPES) if rng.random() < 0.5 else None))

    def baseline() -> None:
        db.rows("SELECT * FROM ecr.whoami(%s)", (token,))

    def floor() -> None:
        session.search(SearchCriteria(surname="Qxzwvkj"))

    kinds: dict[str, Callable[[], None]] = {
        "surname": surname, "surname_given": surname_given, "fuzzy": fuzzy, "prefix": prefix,
        "niu": niu, "date": date, "baseline": baseline, "search_floor": floor}
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for i in range(n + 20):
        for kind, fn in kinds.items():
            t0 = time.perf_counter()
            fn()
            if i >= 20:  # warm-up: plans, caches, connections
                times[kind].append((time.perf_counter() - t0) * 1000)
    names = ("surname", "surname_given", "fuzzy", "prefix")
    result: dict[str, Any] = {
        "name": _summary([t for k in names for t in times[k]]),
        "niu": _summary(times["niu"]),
        "date": _summary(times["date"]),
        "name_kinds": {k: _summary(times[k]) for k in names},
        "baseline": _summary(times["baseline"]),
        "search_floor": _summary(times["search_floor"]),
    }
    base = max(result["baseline"]["p95_ms"], 0.01)
    result["ratio_p95"] = {k: round(result[k]["p95_ms"] / base, 1)
                           for k in ("name", "niu", "date", "search_floor")}
    session.logout()
    return result


if __name__ == "__main__":
    raise SystemExit(main())
