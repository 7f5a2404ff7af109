"""Derived measures and time series against figures computed independently in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from common.stats.reader import DirectReader, read_table
from tests.stats import reference
from tests.stats.conftest import EXPECTED, POPULATION, StatsCentre


def dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v)).quantize(Decimal("0.01"))


def rows_by(table: Any, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    out = {}
    for r in table.rows:
        k = tuple(r[c] for c in keys)
        assert k not in out, f"two rows for {k}"
        out[k] = {c: (dec(v) if isinstance(v, float) else v) for c, v in r.items()
                  if c not in keys}
    return out


def test_timeliness_shares_per_event_and_year(stats_centre: StatsCentre, stats_conn: Any) -> None:
    got = rows_by(read_table(DirectReader(stats_conn), "timeliness"), "event_type", "year")
    want = reference.timeliness(stats_centre.acts)
    assert got == want
    assert any(r["late"] > 0 for r in want.values()) and any(r["delayed"] > 0
                                                             for r in want.values())


def test_completeness_is_registered_over_expected_by_area_prefix(
        stats_centre: StatsCentre, stats_conn: Any) -> None:
    got = rows_by(read_table(DirectReader(stats_conn), "completeness"),
                  "area_code", "year", "event_type")
    want = {}
    for area, year, event, expected in EXPECTED:
        n = reference.count_in_area(stats_centre.acts, event, year, area)
        want[(area, year, event)] = {"expected": expected, "registered": n,
                                     "completeness_pct": reference.pct(n, expected)}
    assert got == want
    assert any(r["registered"] > 0 for r in want.values())


def test_crude_birth_and_death_rates_per_thousand(stats_centre: StatsCentre,
                                                  stats_conn: Any) -> None:
    got = rows_by(read_table(DirectReader(stats_conn), "crude-rates"), "area_code", "year")
    want = {}
    for area, year, population in POPULATION:
        b = reference.count_in_area(stats_centre.acts, "birth", year, area)
        d = reference.count_in_area(stats_centre.acts, "death", year, area)
        want[(area, year)] = {"population": population, "births": b, "deaths": d,
                              "crude_birth_rate": reference.pct(b, population, 1000),
                              "crude_death_rate": reference.pct(d, population, 1000)}
    assert got == want


@pytest.mark.parametrize(("key", "compute"), [
    ("sex-ratio", reference.sex_ratio),
    ("low-birth-weight", reference.low_birth_weight),
    ("infant-mortality", reference.infant_mortality),
    ("ill-defined-causes", reference.ill_defined),
])
def test_ratio_measures_per_residence_and_for_all_areas(
        key: str, compute: Any, stats_centre: StatsCentre, stats_conn: Any) -> None:
    got = rows_by(read_table(DirectReader(stats_conn), key), "year", "area_code")
    want = compute(stats_centre.acts)
    assert got == want
    assert any(k[1] is None for k in want), "a national row per year"


def test_the_corpus_exercises_every_measure(stats_centre: StatsCentre) -> None:
    acts = stats_centre.acts
    assert any(reference.is_infant_death(a) for a in acts)
    assert any(v["low_weight"] for v in reference.low_birth_weight(acts).values())
    assert any(v["ill_defined"] for v in reference.ill_defined(acts).values())


@pytest.mark.parametrize(("key", "registered", "value"), [
    ("monthly-registrations", True, "registrations"),
    ("monthly-occurrences", False, "events"),
])
def test_monthly_time_series(key: str, registered: bool, value: str,
                             stats_centre: StatsCentre, stats_conn: Any) -> None:
    table = read_table(DirectReader(stats_conn), key)
    got = {(r["event_type"], r["year"], r["month"]): r[value] for r in table.rows}
    assert got == dict(reference.monthly(stats_centre.acts, registered))
