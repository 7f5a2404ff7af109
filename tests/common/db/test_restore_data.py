"""The data script of a dump is read as data: any statement that is not a checked COPY,
a setval of one of our sequences, a SET or a comment is refused, never run.

``pg_restore`` copies a TOC entry's COPY statement verbatim, so a dump can be
rewritten to carry any SQL there; these lines play such a dump, against a schema
made by the real centre migrations (in a transaction rolled back at the end).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.db import migrate, restore_data
from common.db.restore_data import DumpRefused


@pytest.fixture(scope="module")
def centre_db(admin_dsn: str) -> Iterator[str]:
    """A database made by the real centre migrations, shared by this module's tests."""
    name = f"ecr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    params["dbname"] = name
    dsn = psycopg.conninfo.make_conninfo(**params)
    try:
        with psycopg.connect(dsn) as conn:
            migrate.migrate(conn, "centre")
        yield dsn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@pytest.fixture
def migrated(centre_db: str) -> Iterator[psycopg.Connection[Any]]:
    """A transaction on it, rolled back at the end of the test."""
    with psycopg.connect(centre_db) as conn:
        conn.execute("SELECT pg_catalog.set_config('search_path', '', true)")
        yield conn
        conn.rollback()


def _read(conn: psycopg.Connection[Any], script: str) -> set[tuple[str, str]]:
    loaded: set[tuple[str, str]] = set()
    lines = iter(line.encode() + b"\n" for line in script.splitlines())
    restore_data._read_script(conn, lines, restore_data._tables(conn),
                              restore_data._sequences(conn), loaded)
    return loaded


@pytest.mark.parametrize(("script", "reason"), [
    ("COPY (SELECT 1) TO PROGRAM 'touch /tmp/x';", "unreadable"),
    ("COPY ecr.acts (id) FROM stdin; SELECT pg_sleep(0);", "unreadable"),
    ("SELECT public.smuggled();", "unexpected statement"),
    ("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';",
     "unexpected statement"),
    ("\\! touch /tmp/x", "unexpected statement"),
    ("SET role = postgres; DROP SCHEMA ecr CASCADE;", "unexpected statement"),
    ("COPY pg_catalog.pg_authid (rolname) FROM stdin;", "a table ECR's migrations do not make"),
    ("COPY public.smuggled (note) FROM stdin;", "a table ECR's migrations do not make"),
    ("COPY ecr.users (number) FROM stdin;\n\\.", "columns of ecr.users differ"),
    ("SELECT pg_catalog.setval('pg_catalog.pg_authid', 1, true);", "not a sequence"),
    ("SELECT pg_catalog.setval('ecr.acts_id_seq', 1, true); SELECT 1;", "unexpected statement"),
], ids=["copy to program", "statement after a copy", "function call", "create function",
        "psql shell escape", "set role", "catalogue table", "foreign table", "missing columns",
        "setval of a catalogue", "statement after a setval"])
def test_anything_but_data_in_the_dump_is_refused(
        migrated: psycopg.Connection[Any], script: str, reason: str) -> None:
    with pytest.raises(DumpRefused, match=reason):
        _read(migrated, script)


def test_rows_for_the_same_table_twice_or_without_an_end_are_refused(
        migrated: psycopg.Connection[Any]) -> None:
    columns = ", ".join(sorted(restore_data._tables(migrated)[("ecr", "fee_schedule")].columns))
    header = f"COPY ecr.fee_schedule ({columns}) FROM stdin;"
    with pytest.raises(DumpRefused, match="twice"):
        _read(migrated, f"{header}\n\\.\n{header}\n\\.")
    with pytest.raises(DumpRefused, match="end before their end marker"):
        _read(migrated, header)


def test_rows_and_sequences_of_the_schema_are_loaded(migrated: psycopg.Connection[Any]) -> None:
    migrated.execute("ALTER TABLE ecr.audit_head DISABLE TRIGGER USER")
    migrated.execute("TRUNCATE ecr.audit_head")
    loaded = _read(migrated, "\n".join([
        "--", "-- PostgreSQL database dump", "\\restrict abc", "SET statement_timeout = 0;",
        "SET client_encoding = 'UTF8';", "SELECT pg_catalog.set_config('search_path', '', false);",
        'COPY "ecr"."audit_head" (singleton, seq, "hash") FROM stdin;',
        "t\t41\t\\\\x00ff",
        "\\.",
        "SELECT pg_catalog.setval('ecr.acts_id_seq', 41, true);",
        "\\unrestrict abc"]))
    assert loaded == {("ecr", "audit_head")}
    assert migrated.execute("SELECT seq, hash FROM ecr.audit_head").fetchall() == \
        [(41, b"\x00\xff")]
    assert migrated.execute("SELECT last_value FROM ecr.acts_id_seq").fetchone() == (41,)
