"""A generated corpus of acts loaded straight into a centre database.

Statistics tests (and ``bench/stats.py``) need thousands to a million acts with
known content; taking each through draft → verify → validate would test the
workflow, not statistics, and take hours.  So the owner COPYs them into
``ecr.acts`` with ``session_replication_role = replica`` (triggers off: the
workflow guard would only accept drafts), already ``validated``, with the
register numbers, NIU and timeliness the workflow would have given.  A few acts
are loaded as drafts, verified or rejected: statistics must ignore them.  As
the triggers are off, the statistics facts are rebuilt at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from common.acts.generator import GeneratedAct, generate_acts
from common.acts.timeliness import categorize

COPY_COLUMNS = ("event_type", "status", "register_year", "register_serial", "niu", "data",
                "occurred_on", "registered_on", "timeliness", "drafted_by")
REGISTERED = ("validated", "transmitted", "acknowledged")
NOT_REGISTERED = ("draft", "verified", "rejected")


@dataclass(frozen=True)
class LoadedAct:
    """An act as loaded: what the reference counts read (act_id filled after loading)."""

    event_type: str
    status: str
    data: dict[str, Any]
    occurred_on: date
    registered_on: date
    timeliness: str
    niu: str | None


def statuses(i: int) -> str:
    """Mostly validated; every 50th act is transmitted or acknowledged, and every
    97th is a draft, verified or rejected act that statistics must leave out."""
    if i % 97 == 13:
        return NOT_REGISTERED[(i // 97) % 3]
    if i % 50 == 7:
        return ("transmitted", "acknowledged")[(i // 50) % 2]
    return "validated"


def as_loaded(acts: Iterable[GeneratedAct]) -> Iterator[LoadedAct]:
    for i, a in enumerate(acts):
        occurred = date.fromisoformat(a.data["occurred_on"])
        status = statuses(i)
        yield LoadedAct(a.event_type, status, a.data, occurred, a.registered_on,
                        categorize(a.event_type, occurred, a.registered_on),
                        None if status == "draft" else a.niu)


def corpus(n: int, seed: int, *, centre_code: str, today: date,
           years: tuple[int, int]) -> list[LoadedAct]:
    return list(as_loaded(generate_acts(n, seed=seed, centre_code=centre_code,
                                        year_range=years, today=today)))


def copy_acts(conn: Any, acts: Iterable[LoadedAct], drafted_by: int) -> int:
    """COPY the acts into ``ecr.acts`` through an owner (superuser) connection.

    Returns the number of rows.  Register serials run per event type and year of
    registration, as the workflow numbers them.
    """
    serials: dict[tuple[str, int], int] = {}
    n = 0
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        cols = ", ".join(COPY_COLUMNS)
        with conn.cursor().copy(f"COPY ecr.acts ({cols}) FROM STDIN") as cp:
            for a in acts:
                key = (a.event_type, a.registered_on.year)
                serials[key] = serials.get(key, 0) + 1
                cp.write_row((a.event_type, a.status, a.registered_on.year, serials[key], a.niu,
                              json.dumps(a.data, ensure_ascii=False), a.occurred_on,
                              a.registered_on, a.timeliness, drafted_by))
                n += 1
    conn.execute("ANALYZE ecr.acts")  # fresh statistics: the planner must know the table
    with conn.transaction():
        conn.execute("SELECT stats.rebuild_facts()")  # what the trigger would have done
    return n
