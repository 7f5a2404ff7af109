"""What checking and deriving every act inside the database costs (issue 11, finding 4).

    PYTHONPATH=. .venv/bin/python bench/act_checks.py [N]

Makes two throwaway centres on the local PostgreSQL in the same run: the
*baseline*, migrated without the migrations of this change (0400–0409: the
client derives, ``ecr.act_draft`` takes its derived values and checks
nothing), and the *current* one (every migration: the database examines the
data at draft, verification and validation, and derives what it stores).  The
same N generated acts of every event type are taken through draft → verify →
validate in both, alternately, exactly as a workstation does (the client's own
one-pass examination, then the call).  Prints JSON: the median and 90th
percentile latency of each step in milliseconds for both, their difference,
the cost of ``ecr._act_examine`` alone, and how long refusing a 50 MB draft
takes.  Not part of the test run.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from common.acts.derived import derive
from common.acts.generator import generate_acts
from common.db import migrate as migrations
from ecr_tk.services import Centre, Session, _dictionary
from ecr_tk.services import centre as centre_service

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
THIS_CHANGE = range(400, 410)  # the migrations of this change (0400-0409)


@contextmanager
def centre(tmp: Path, baseline: bool) -> Iterator[tuple[Centre, str]]:
    name = f"ecr_measure_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={name}"
    real = migrations.load_migrations

    def before_this_change(target: str, folder: Any = None) -> list[migrations.Migration]:
        return [m for m in real(target, folder)
                if target != "centre" or m.version not in THIS_CHANGE]

    try:
        if baseline:  # (the centre service reads the list too, to check the schema)
            migrations.load_migrations = before_this_change  # type: ignore[assignment]
            centre_service.load_migrations = before_this_change  # type: ignore[assignment]
        try:
            made = Centre.init(tmp / ("baseline" if baseline else "current"), "224001", "Mesure",
                               1, "Awa Diop", "officer-pass-1", dsn=dsn)
        finally:
            migrations.load_migrations = real  # type: ignore[assignment]
            centre_service.load_migrations = real  # type: ignore[assignment]
        yield made, dsn
        made.close()
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as c:
            c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def staff(c: Centre) -> tuple[Session, Session, Session]:
    o = c.login(1, "officer-pass-1")
    o.users.add(2, "Moussa Fall", "secretary", "secretary-pass-1")
    o.users.add(3, "Fatou Sarr", "agent", "agent-pass-01")
    return o, c.login(2, "secretary-pass-1"), c.login(3, "agent-pass-01")


def draft_baseline(agent: Session, event_type: str, data: dict[str, Any]) -> int:
    """What the client did before: examine, derive, and send the derived values."""
    derived = _dictionary.examine(event_type, data, dt.date.today(),
                                  agent.settings.cached_rules())
    assert derived.ok
    row = agent.acts._db.row("SELECT * FROM ecr.act_draft(%s, %s, %s::jsonb, %s::jsonb)",
                             (agent.token, event_type, json.dumps(data),
                              json.dumps(derived.stored())))
    return int(row["id"])


def draft_current(agent: Session, event_type: str, data: dict[str, Any]) -> int:
    result = agent.acts.draft(event_type, data, confirm_duplicates=True)
    assert result.id is not None
    return result.id


def timed(f: Callable[[], Any], into: list[float]) -> Any:
    start = time.perf_counter()
    out = f()
    into.append((time.perf_counter() - start) * 1000)
    return out


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1], 2)}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    today = dt.date.today()
    # acts registered today, as the centres' drafts are (a generated act registered
    # long after its event would need the court decision it was not given)
    acts = [a for a in generate_acts(n * 6, seed=11, today=today)
            if derive(a.event_type, a.data, today=today, registered_on=today).ok][:n]
    tmp = Path(tempfile.mkdtemp())
    steps = ("draft", "verify", "validate")
    times: dict[str, dict[str, list[float]]] = {w: {s: [] for s in steps}
                                                for w in ("baseline", "current")}
    with centre(tmp, baseline=True) as (old, _), centre(tmp, baseline=False) as (new, dsn):
        sessions = {"baseline": staff(old), "current": staff(new)}
        for act in acts:
            for which, draft in (("baseline", draft_baseline), ("current", draft_current)):
                o, s, a = sessions[which]
                t = times[which]
                act_id = timed(lambda a=a, d=draft, x=act: d(a, x.event_type, x.data),
                               t["draft"])
                timed(lambda s=s, i=act_id: s.acts.verify(i), t["verify"])
                timed(lambda o=o, i=act_id: o.acts.validate(i), t["validate"])
        examine: list[float] = []
        with psycopg.connect(dsn) as owner:
            for act in acts:
                timed(lambda act=act: owner.execute(
                    "SELECT ecr._act_examine(%s, %s::jsonb, current_date, current_date,"
                    " ecr._act_rules())", (act.event_type, json.dumps(act.data))).fetchone(),
                    examine)
        _, _, agent = sessions["current"]
        huge = {**acts[0].data, "notes": "a" * (50 * 1024 * 1024)}
        start = time.perf_counter()
        try:
            agent.acts._db.row("SELECT * FROM ecr.act_draft(%s, %s, %s::jsonb)",
                               (agent.token, acts[0].event_type, json.dumps(huge)))
            refused = False
        except Exception:  # a refusal is what is measured
            refused = True
        huge_seconds = time.perf_counter() - start
    result: dict[str, Any] = {"acts": len(acts), "types": sorted({a.event_type for a in acts})}
    for step in steps:
        before, after = figures(times["baseline"][step]), figures(times["current"][step])
        result[step] = {"baseline": before, "current": after,
                        "added_median_ms": round(after["median_ms"] - before["median_ms"], 2)}
    result["examine_in_sql"] = figures(examine)
    result["refuse_50_mb_draft"] = {"refused": refused, "seconds": round(huge_seconds, 2)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
