"""The centre API for statistics: who may read, who may enter, what is audited."""

from __future__ import annotations

from typing import Any

import pytest

from common.stats.reader import DirectReader, StatisticsError, read_table
from ecr_tk.services.errors import CentreError, PermissionRefused
from tests.stats.conftest import StatsCentre


@pytest.mark.parametrize("key", ["LB-1", "DE-9", "sex-ratio", "completeness",
                                 "monthly-registrations", "urban-rural"])
def test_an_officer_and_a_secretary_read_what_ecr_stats_reads(
        key: str, stats_centre: StatsCentre, stats_conn: Any) -> None:
    direct = read_table(DirectReader(stats_conn), key)
    for session in (stats_centre.officer, stats_centre.secretary):
        via_api = read_table(session.stats_reader(), key)
        assert via_api.rows == direct.rows
    assert direct.rows


def test_an_agent_may_not_read_statistics(stats_centre: StatsCentre) -> None:
    agent = stats_centre.agent
    with pytest.raises(PermissionRefused) as info:
        read_table(agent.stats_reader(), "LB-1")
    assert info.value.rule == "action_not_permitted"


def test_only_the_officer_enters_figures(stats_centre: StatsCentre) -> None:
    for session in (stats_centre.secretary, stats_centre.agent):
        entry = session.stats_entry()
        with pytest.raises(PermissionRefused):
            entry.set_population("01", 2031, 10)
        with pytest.raises(PermissionRefused):
            entry.set_urban_rural("09", "rural")


def test_entries_are_audited_with_the_officer_and_the_values(stats_centre: StatsCentre,
                                                             owner_conn: Any) -> None:
    officer = stats_centre.officer
    entry = officer.stats_entry()
    entry.set_population("0999", 2031, 4321)
    entry.set_population("0999", 2031, None)
    rows = owner_conn.execute(
        "SELECT user_number, detail FROM ecr.audit_log WHERE action = 'stats.population.set' "
        "AND detail->>'area_code' = '0999' ORDER BY seq").fetchall()
    assert [(u, d["population"]) for u, d in rows] == [(1, 4321), (1, None)]
    assert owner_conn.execute("SELECT count(*) FROM stats.population WHERE area_code = '0999'"
                              ).fetchone() == (0,)


@pytest.mark.parametrize(("call", "field", "rule"), [
    (lambda e: e.set_expected("12a", 2024, "birth", 3), "area_code", "bad_area_code"),
    (lambda e: e.set_expected("12", 2024, "baptism", 3), "event_type", "bad_event_type"),
    (lambda e: e.set_expected("12", 2024, "birth", -1), "expected", "bad_count"),
    (lambda e: e.set_population("12", 99999, 3), "year", "bad_year"),
    (lambda e: e.set_population("12", 2024, 0), "population", "bad_count"),
    (lambda e: e.set_urban_rural("12", "suburban"), "urban_rural", "bad_urban_rural"),
])
def test_bad_entries_are_refused_naming_the_field_and_the_rule(
        call: Any, field: str, rule: str, stats_centre: StatsCentre) -> None:
    officer = stats_centre.officer
    with pytest.raises(StatisticsError) as info:
        call(officer.stats_entry())
    assert (info.value.field, info.value.rule) == (field, rule)


@pytest.mark.parametrize(("sql", "rule"), [
    ("SELECT stats.set_population(%s, '1x', 2024, 5)", "bad_area_code"),
    ("SELECT stats.set_expected(%s, '12', 2024, 'baptism', 5)", "bad_event_type"),
    ("SELECT stats.set_urban_rural(%s, '12', 'suburban')", "bad_urban_rural"),
    ("SELECT stats.read_table(%s, 'XX-9', NULL)", "unknown_statistics_table"),
    ("SELECT stats.read_table(%s, 'urban-rural', 2024)", "table_without_year"),
])
def test_the_database_refuses_bad_entries_by_itself(sql: str, rule: str,
                                                    stats_centre: StatsCentre) -> None:
    officer = stats_centre.officer
    with pytest.raises(CentreError) as info:
        officer._db.rows(sql, (officer.token,))  # the SQL API itself, as ecr_app
    assert info.value.rule == rule


def test_an_unknown_table_or_a_year_on_a_yearless_table_is_refused_before_asking(
        stats_conn: Any) -> None:
    with pytest.raises(StatisticsError) as info:
        read_table(DirectReader(stats_conn), "LB-4")
    assert info.value.rule == "unknown_statistics_table" and "LB-1" in info.value.message
    with pytest.raises(StatisticsError) as info:
        read_table(DirectReader(stats_conn), "urban-rural", 2024)
    assert info.value.rule == "table_without_year"
