"""Benchmark: every statistics table over a large generated corpus.

Usage::

    .venv/bin/python bench/stats.py                 # 1,000,000 acts (minutes)
    .venv/bin/python bench/stats.py --acts 100000 --runs 3 --output result.json

Creates a temporary database, applies the centre migrations, makes a centre
(code, officer), COPYs ``--acts`` generated acts into ``ecr.acts`` (streamed,
never all in memory), runs VACUUM ANALYZE, then times every published table
(``SELECT *`` fully fetched, median of ``--runs`` runs) next to a baseline
measured in the same run: ``SELECT count(*) FROM stats_source.acts`` (the
cheapest full pass over the registered acts) and a full read of the act data
(``sum(length(data::text))``, what any jsonb-reading query pays).  Prints JSON:
timings, ratios to the baseline and whether each is under the target (2 s).
The baselines run as the owner (they read ``stats_source``); the tables are read
as ``ecr_stats``, with its role settings, as statisticians read them.
The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.acts.generator import generate_acts  # noqa: E402
from common.acts.generator_data import LOCALITIES  # noqa: E402
from common.db.migrate import load_migrations, migrate  # noqa: E402
from common.stats.catalogue import catalogue  # noqa: E402
from tests.stats.conftest import GRANT_LOGIN  # noqa: E402
from tests.stats.corpus import as_loaded, copy_acts  # noqa: E402

ADMIN_DSN = os.environ.get("ECR_TEST_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
CENTRE = "221001"
TARGET_S = 2.0


def _dsn(dbname: str) -> str:
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(ADMIN_DSN)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)


def _timed(conn: Any, query: Any, runs: int) -> tuple[float, list[float], int]:
    times, n = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        n = len(conn.execute(query).fetchall())
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, n


def load(dsn: str, n: int, seed: int) -> dict[str, float]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        migrate(conn, "centre")
        conn.execute("SELECT ecr.init_centre(%s, %s, 1, %s, %s, %s::jsonb, %s)",
                     (CENTRE, "Centre de banc d'essai", "Officier", os.urandom(16),
                      '{"time_cost": 2, "memory_cost": 19456, "parallelism": 1}',
                      os.urandom(32)))
    start = time.perf_counter()
    acts = as_loaded(generate_acts(n, seed=seed, centre_code=CENTRE, year_range=(2019, 2025),
                                   today=date(2025, 12, 31)))
    with psycopg.connect(dsn) as conn:
        copy_acts(conn, acts, 1)
        conn.commit()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        # the steady state autovacuum keeps: statistics, visibility map, hint bits
        conn.execute("VACUUM ANALYZE")
        size = conn.execute("SELECT pg_total_relation_size('ecr.acts')").fetchone()[0]
        facts = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                             "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
                             "n.nspname = 'stats' AND c.relname LIKE '%facts'").fetchone()[0]
    return {"generate_and_copy_s": round(loaded, 1),
            "vacuum_analyze_s": round(time.perf_counter() - start, 1),
            "table_mb": round(size / 2**20), "facts_mb": round(int(facts) / 2**20)}


def reference_figures(conn: Any) -> int:
    """Expected births and deaths and populations for every area and region (two-digit
    prefix) of the generated corpus and every year, so that completeness and crude
    rates have rows to compute; returns how many rows the two tables hold."""
    codes = sorted({code for _, code in LOCALITIES})
    areas = codes + sorted({c[:2] for c in codes})
    years = range(2019, 2026)
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO stats.expected_events (area_code, year, event_type, expected) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            [(a, y, e, 1000 if len(a) > 2 else 5000) for a in areas for y in years
             for e in ("birth", "death")])
        cur.executemany(
            "INSERT INTO stats.population (area_code, year, population) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(a, y, 50_000 if len(a) > 2 else 250_000) for a in areas for y in years])
    n = conn.execute("SELECT (SELECT count(*) FROM stats.expected_events) + "
                     "(SELECT count(*) FROM stats.population)").fetchone()[0]
    return int(n)


def reapply_statistics(dsn: str) -> float:
    """Drop the statistics objects of a kept database and apply the current
    statistics migrations (0100–0199) again, facts rebuild included: to time a
    change of the statistics SQL without reloading a million acts."""
    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS stats CASCADE")
        conn.execute("DROP SCHEMA IF EXISTS stats_source CASCADE")
        conn.execute("DROP TRIGGER IF EXISTS acts_statistics_insert ON ecr.acts")
        conn.execute("DROP TRIGGER IF EXISTS acts_statistics_update ON ecr.acts")
        conn.execute("DELETE FROM ecr_schema_migrations WHERE version BETWEEN 100 AND 199")
        for m in load_migrations("centre"):
            if 100 <= m.version <= 199:
                with conn.transaction():
                    conn.execute(m.sql.encode("utf-8"))
                    conn.execute("INSERT INTO ecr_schema_migrations (target, version, name, "
                                 "checksum) VALUES ('centre', %s, %s, %s)",
                                 (m.version, m.name, m.checksum))
        conn.execute("VACUUM ANALYZE")
    return round(time.perf_counter() - start, 1)


def _as_stats(dsn: str) -> str:
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(dsn)
    params["user"] = "ecr_stats"
    params.pop("password", None)
    return psycopg.conninfo.make_conninfo(**params)


def bench(dsn: str, runs: int, only: list[str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(GRANT_LOGIN)  # the tables are read as statisticians do
        out["reference_rows"] = reference_figures(conn)
        registered = conn.execute("SELECT count(*) FROM stats_source.acts").fetchone()[0]
        base = {
            "count_registered": "SELECT count(*) FROM stats_source.acts",
            "read_all_act_data": "SELECT sum(length(data::text)) FROM stats_source.acts",
        }
        out["registered_acts"] = registered
        out["baseline"] = {}
        for name, q in base.items():
            med, times, _ = _timed(conn, q, runs)
            out["baseline"][name] = {"median_s": round(med, 3), "runs_s": [round(t, 3)
                                                                           for t in times]}
        ref = out["baseline"]["count_registered"]["median_s"]
    out["tables"] = {}
    with psycopg.connect(_as_stats(dsn), autocommit=True) as conn:
        for p in catalogue():
            if p.kind == "input" or (only and p.key not in only):
                continue
            q = sql.SQL("SELECT * FROM stats.{}").format(sql.Identifier(p.view))
            med, times, rows = _timed(conn, q, runs)
            out["tables"][p.key] = {
                "median_s": round(med, 3), "runs_s": [round(t, 3) for t in times],
                "rows": rows, "ratio_to_count": round(med / ref, 1) if ref else None,
                "under_target": med < TARGET_S,
            }
            print(f"{p.key:24} {med:7.3f} s  {rows:7} rows", file=sys.stderr, flush=True)
    slowest = max(out["tables"].items(), key=lambda kv: kv[1]["median_s"])
    out["slowest"] = {"table": slowest[0], "median_s": slowest[1]["median_s"]}
    out["all_under_target"] = all(t["under_target"] for t in out["tables"].values())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", nargs="*", default=None, help="table keys to time")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--db", default=None, help="reuse this (already loaded) database")
    parser.add_argument("--reapply", action="store_true",
                        help="with --db: rebuild the statistics objects from the current SQL")
    args = parser.parse_args(argv)
    name = args.db or f"ecr_bench_stats_{uuid.uuid4().hex[:8]}"
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(),
               "platform": platform.platform(), "load_average": os.getloadavg()}
    result: dict[str, Any] = {"acts": args.acts, "runs": args.runs, "target_s": TARGET_S,
                              "machine": machine}
    if args.db is None:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        dsn = _dsn(name)
        with psycopg.connect(dsn) as conn:
            result["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        if args.db is None:
            result["load"] = load(dsn, args.acts, args.seed)
            print(f"loaded: {result['load']}", file=sys.stderr, flush=True)
        elif args.reapply:
            result["reapply_s"] = reapply_statistics(dsn)
            print(f"statistics reapplied in {result['reapply_s']} s", file=sys.stderr, flush=True)
        result.update(bench(dsn, args.runs, args.only))
        machine["load_average_after"] = os.getloadavg()  # the machine is shared: say how busy
    finally:
        if not args.keep and args.db is None:
            with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                             .format(sql.Identifier(name)))
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
