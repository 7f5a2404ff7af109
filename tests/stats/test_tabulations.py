"""Every P&R tabulation, cell by cell, against counts computed independently in Python."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from common.stats.reader import DirectReader, read_table
from common.stats.tabulations import TABULATIONS, tabulation
from tests.stats import reference
from tests.stats.conftest import URBAN_RURAL, YEARS, StatsCentre


@pytest.fixture(scope="module")
def expected(stats_centre: StatsCentre) -> dict[str, reference.Cells]:
    return reference.tabulations(stats_centre.acts, URBAN_RURAL)


def cells(rows: list[dict[str, Any]], value: str) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for r in rows:
        key = tuple(v for k, v in r.items() if k != value)
        assert key not in out, f"two rows for the cell {key}"
        out[key] = r[value]
    return out


@pytest.mark.parametrize("key", [t.key for t in TABULATIONS])
def test_each_tabulation_holds_exactly_the_independently_counted_cells(
        key: str, stats_conn: Any, expected: dict[str, reference.Cells]) -> None:
    table = read_table(DirectReader(stats_conn), key)
    got = cells([dict(r) for r in table.rows], tabulation(key).value)
    want = expected[key]
    assert sum(want.values()) > 0
    assert got == want


@pytest.mark.parametrize("key", ["LB-1", "DE-5", "MA-3", "ST-1"])
def test_a_year_filter_keeps_exactly_that_year_of_occurrence(
        key: str, stats_conn: Any, expected: dict[str, reference.Cells]) -> None:
    year = YEARS[1]
    table = read_table(DirectReader(stats_conn), key, year)
    got = cells([dict(r) for r in table.rows], tabulation(key).value)
    assert got == Counter({k: v for k, v in expected[key].items() if k[0] == year})


def test_births_tabulations_count_every_registered_birth_once(
        stats_centre: StatsCentre, stats_conn: Any) -> None:
    births = sum(1 for a in stats_centre.acts if a.event_type == "birth")
    for key in ("LB-1", "LB-2", "LB-3", "LB-5", "LB-6", "LB-7", "LB-13", "LB-14"):
        rows = read_table(DirectReader(stats_conn), key).rows
        assert sum(r["births"] for r in rows) == births, key


def test_drafts_verified_and_rejected_acts_are_not_counted(stats_centre: StatsCentre,
                                                           stats_conn: Any) -> None:
    left_out = [a for a in stats_centre.loaded if a.status in ("draft", "verified", "rejected")]
    assert left_out, "the corpus must hold acts that statistics leave out"
    total = stats_conn.execute("SELECT sum(acts) FROM stats.events_by_area").fetchone()[0]
    assert total == len(stats_centre.acts) == len(stats_centre.loaded) - len(left_out)
