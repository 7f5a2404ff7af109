"""The statisticians' role ecr_stats reads schema stats and nothing else.

Every relation is enumerated from the catalog, never from a hand list, so a
table added later by anyone is covered by these tests the day it appears.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.acts.dictionary import EVENTS
from common.stats.views import event_views, is_identifying
from tests.stats.conftest import StatsCentre

OTHER_RELATIONS = """
    SELECT n.nspname, c.relname, c.relkind FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'stats')
      AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
    ORDER BY 1, 2"""

# Relations holding a person's name, or act data from which names can be read.
WITH_NAMES = """
    SELECT DISTINCT n.nspname, c.relname FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND (format_type(a.atttypid, a.atttypmod) IN ('jsonb', 'json')
           OR a.attname ~ '(^|_)(name|names|surname|given_names|phonetic|niu|text|payload)$')
    ORDER BY 1, 2"""


def refused(conn: Any, schema: str, rel: str) -> bool:
    try:
        conn.execute(sql.SQL("SELECT * FROM {}.{} LIMIT 1").format(
            sql.Identifier(schema), sql.Identifier(rel)))
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_ecr_stats_is_refused_on_every_relation_outside_schema_stats(
        owner_conn: Any, stats_conn: Any) -> None:
    relations = owner_conn.execute(OTHER_RELATIONS).fetchall()
    names = {(s, r) for s, r, _ in relations}
    assert {("ecr", "acts"), ("ecr", "users"), ("ecr", "act_person_keys"),
            ("stats_source", "acts")} <= names
    readable = [f"{s}.{r}" for s, r, _ in relations if not refused(stats_conn, s, r)]
    assert readable == []


def test_ecr_stats_is_refused_on_every_relation_holding_names_or_act_data(
        owner_conn: Any, stats_conn: Any) -> None:
    holding = owner_conn.execute(WITH_NAMES).fetchall()
    assert ("stats_source", "acts") in holding and ("ecr", "acts") in holding
    readable = [f"{s}.{r}" for s, r in holding if not refused(stats_conn, s, r)]
    assert readable == []


def test_every_view_of_schema_stats_is_readable_by_ecr_stats_and_holds_no_json(
        owner_conn: Any, stats_conn: Any) -> None:
    rels = owner_conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'stats' AND c.relkind IN ('r', 'v') ORDER BY 1").fetchall()
    assert len(rels) > 40
    for (rel,) in rels:
        assert not refused(stats_conn, "stats", rel), rel
    json_cols = owner_conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'stats' AND data_type IN ('json', 'jsonb')").fetchall()
    assert json_cols == []


@pytest.mark.parametrize("event_key", list(EVENTS))
def test_typed_views_leave_out_every_identifying_field(event_key: str, owner_conn: Any) -> None:
    ev = EVENTS[event_key]
    columns = {r[0] for r in owner_conn.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'stats' AND table_name = %s", (event_key,))}
    assert columns == {c.name for c in event_views()[event_key].columns}
    identifying = [p for p, f in ev.leaves() if is_identifying(f)]
    assert any(p.endswith("surname") for p in identifying)
    for path in identifying:
        # spouses[].surname would be spouses_1_surname, cause.part1[].text cause_part1_a_text
        pattern = re.compile("^" + path.replace("[].", "_[a-z0-9]+_").replace(".", "_") + "$")
        assert [c for c in columns if pattern.match(c)] == [], path
    for c in columns:
        assert not re.search(r"(surname|given_names|locality|_niu$|number$|reference$)", c), c


def test_ecr_stats_cannot_call_the_centre_api_nor_create_anything(stats_conn: Any) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        stats_conn.execute("SELECT stats.read_table(gen_random_uuid(), 'LB-1', NULL)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        stats_conn.execute("SELECT stats.set_population(gen_random_uuid(), '01', 2024, 5)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        stats_conn.execute("CREATE TABLE stats.mine (x int)")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        stats_conn.execute("INSERT INTO stats.population (area_code, year, population) "
                           "VALUES ('01', 2030, 5)")


def test_the_application_role_reads_statistics_only_through_the_api(
        stats_centre: StatsCentre) -> None:
    with psycopg.connect(stats_centre.app_dsn(), autocommit=True) as conn:
        for rel in ("birth", "lb_1", "population"):
            assert refused(conn, "stats", rel), rel
