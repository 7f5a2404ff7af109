"""Is a known user number told from an unknown one by the time of a refused login?

    PYTHONPATH=. .venv/bin/python bench/login.py [ROUNDS [RESET_EVERY]]

Issue 11, finding 16: ``ecr.open_session`` answered a wrong proof for a known
number (0.58 ms median) more slowly than for an unknown one (0.49 ms), so
numbers could be enumerated by timing.  This makes two throwaway centres on the
local PostgreSQL in the same run: *before* (the centre migrations up to 0410,
without 0411) and *after* (all of them).  In each it calls, interleaved, round
after round: a wrong proof for the officer's number (known), and for two
numbers nobody has (unknown A and B; A against B is the baseline, it shows the
noise of the machine).  Every fourth round the owner resets the failure
counters, outside the timed calls (every round with RESET_EVERY=1: then
every call is a first failure, what an enumeration trying each number once
meets), so no account locks and no address is throttled.  Prints JSON: per
centre the median milliseconds of each series, the ratio known/unknown A and
the baseline ratio unknown B/unknown A, the median of the paired differences
(known minus unknown A, and unknown B minus unknown A as the baseline, in
microseconds); the same for ``ecr.login_parameters``.
The calls are made as the owner (the functions run as their owner anyway).
Not part of the test run.
"""
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from common.db.migrate import migrate
from ecr_tk.services import passwords

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
# Reset the counters every RESET_EVERY rounds: 1 measures only first failures
# (what one try per number, an enumeration, meets), 4 mostly later ones.
RESET_EVERY = int(sys.argv[2]) if len(sys.argv) > 2 else 4
ADMIN = os.environ.get("ECR_TEST_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
KNOWN, UNKNOWN_A, UNKNOWN_B = 1, 4242, 5353


def _dsn(dbname: str) -> str:
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(ADMIN)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)


def _centre(conn: psycopg.Connection[Any], folder: Path | None) -> None:
    if folder is None:
        migrate(conn, "centre")
    else:
        migrate(conn, "centre", folder=folder)
    salt = passwords.new_salt()
    proof = passwords.login_proof("officer-pass-1", salt, passwords.DEFAULT_PARAMS)
    conn.execute("SELECT ecr.init_centre('224001', 'Mesure', 1, 'Awa Diop', %s, %s::jsonb, %s)",
                 (salt, json.dumps(passwords.DEFAULT_PARAMS.as_dict()), proof))


def _reset(conn: psycopg.Connection[Any], after: bool) -> None:
    if after:
        conn.execute("UPDATE ecr.users SET locked = false, locked_at = NULL")
        conn.execute("DELETE FROM ecr.login_failures")
        conn.execute("DELETE FROM ecr.login_throttle")
    else:
        conn.execute("UPDATE ecr.users SET failed_logins = 0, locked = false")


def _timed(conn: psycopg.Connection[Any], query: str, params: tuple[Any, ...]) -> float:
    start = time.perf_counter()
    conn.execute(query, params).fetchall()  # type: ignore[arg-type]
    return (time.perf_counter() - start) * 1000


def _measure(conn: psycopg.Connection[Any], after: bool) -> dict[str, Any]:
    login = "SELECT * FROM ecr.open_session(%s, %s, 'bench')"
    params = "SELECT * FROM ecr.login_parameters(%s)"
    series: dict[str, dict[int, list[float]]] = {"open_session": {}, "login_parameters": {}}
    for name in series:
        series[name] = {KNOWN: [], UNKNOWN_A: [], UNKNOWN_B: []}
    order = [KNOWN, UNKNOWN_A, UNKNOWN_B]
    for i in range(ROUNDS):
        if i % RESET_EVERY == 0:
            _reset(conn, after)
        order = order[1:] + order[:1]  # each series goes first as often as the others
        for number in order:
            series["open_session"][number].append(_timed(conn, login, (number, os.urandom(32))))
            series["login_parameters"][number].append(_timed(conn, params, (number,)))
    result: dict[str, Any] = {}
    for name, by_number in series.items():
        medians = {n: statistics.median(v) for n, v in by_number.items()}
        paired = statistics.median(k - u for k, u in zip(by_number[KNOWN], by_number[UNKNOWN_A],
                                                          strict=True))
        paired_baseline = statistics.median(
            b - a for a, b in zip(by_number[UNKNOWN_A], by_number[UNKNOWN_B], strict=True))
        result[name] = {
            "median_ms_known": round(medians[KNOWN], 4),
            "median_ms_unknown_a": round(medians[UNKNOWN_A], 4),
            "median_ms_unknown_b": round(medians[UNKNOWN_B], 4),
            "ratio_known_to_unknown": round(medians[KNOWN] / medians[UNKNOWN_A], 3),
            "baseline_ratio_unknown_b_to_a": round(medians[UNKNOWN_B] / medians[UNKNOWN_A], 3),
            # the median of the differences of calls made one after the other: less
            # sensitive to the load of a shared machine than a ratio of medians
            "paired_median_us_known_minus_unknown": round(paired * 1000, 1),
            "baseline_paired_median_us_b_minus_a": round(paired_baseline * 1000, 1),
        }
    return result


def main() -> None:
    before_folder = Path(tempfile.mkdtemp())
    source = resources.files("common.db").joinpath("migrations", "centre")
    for entry in source.iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) <= 410:
            (before_folder / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    report: dict[str, Any] = {"rounds": ROUNDS, "reset_every": RESET_EVERY,
                              "load_average": os.getloadavg()}
    try:
        for label, folder in (("before", before_folder), ("after", None)):
            name = f"ecr_measure_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(ADMIN, autocommit=True) as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            try:
                with psycopg.connect(_dsn(name), autocommit=True) as conn:
                    _centre(conn, folder)
                    report[label] = _measure(conn, after=folder is None)
            finally:
                with psycopg.connect(ADMIN, autocommit=True) as admin:
                    admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                        sql.Identifier(name)))
                    for role in admin.execute(
                            "SELECT rolname FROM pg_roles WHERE rolname = %s",
                            ("ecr_app_" + name,)).fetchall():
                        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role[0])))
    finally:
        shutil.rmtree(before_folder, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
