"""Loading a backup's rows into a schema made by this program's own migrations.

At a restore, the only SQL that runs is ours: the migrations the backup records
are replayed from this program's files (:func:`common.db.migrate.replay`), then
the dump's rows are copied into the tables they made.  Nothing else of the dump
is used: its functions, views, triggers, roles and grants are neither run nor
created, so a dump rewritten to hold code (a function running ``COPY … TO
PROGRAM``, a materialized view or an index calling it) cannot run it, with any
rights, and the restored schema is exactly the one the migrations make.

The rows come from ``pg_restore``'s text output for the dump's ``TABLE DATA``
and ``SEQUENCE SET`` entries only, and that output is read as data, never run:
each ``COPY`` header is parsed and checked against the migrated schema (a table
the migrations made, with exactly its columns), the ``COPY`` we send is built
from the checked names, and the lines up to ``\\.`` are passed on as COPY data;
each ``setval`` is parsed and applied to a sequence the migrations made; ``SET``
lines and comments are skipped; anything else is refused.

While loading (in the caller's transaction): user triggers are disabled, so the
rows come back exactly as they were (the audit chain is not recomputed, guards
of validated acts do not refuse them); foreign keys are dropped and added back
afterwards, which checks every row; the seed rows the migrations wrote are
replaced by the dump's.  Every table the migrations made must get its rows from
the dump, and the dump's ``ecr_schema_migrations`` must list what was replayed.
ECR's migrations make no materialized view; one added later needs a ``REFRESH``
here.  Errors: :class:`DumpRefused` (reason in English), or psycopg's.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from common.db import migrate
from common.db.migrate import AppliedMigration

_COPY_BATCH = 1 << 16
_LIST_ENTRY = re.compile(r"^\d+; \d+ \d+ (TABLE DATA|SEQUENCE SET) ")
_IDENT = re.compile(r'"((?:[^"]|"")+)"|([^\W\d][\w$]*)')
_SETVAL = re.compile(r"^SELECT pg_catalog\.setval\('((?:[^']|'')+)', (-?\d{1,19}), "
                     r"(true|false)\);$")
_SET = re.compile(r"^SET [a-z_][a-z0-9_.]* = (?:'[^';\\]*'|[A-Za-z0-9_.-]+);$")
_ENCODING = re.compile(r"^SET client_encoding = '([A-Za-z0-9_]+)';$")
_SKIPPED = ("SELECT pg_catalog.set_config('search_path', '', false);",)
_TRIGGER_STATE = {"O": "ENABLE TRIGGER", "R": "ENABLE REPLICA TRIGGER",
                  "A": "ENABLE ALWAYS TRIGGER", "D": "DISABLE TRIGGER"}


class DumpRefused(Exception):
    """The dump holds something other than the rows of the migrated schema."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class _Table:
    oid: int
    schema: str
    name: str
    columns: frozenset[str]

    @property
    def ident(self) -> sql.Composable:
        return sql.Identifier(self.schema, self.name)

    def __str__(self) -> str:
        return f"{self.schema}.{self.name}"


def load(conn: psycopg.Connection[Any], pg_restore: Path, dump: Path,
         applied: list[AppliedMigration], workdir: Path) -> None:
    """Replay ``applied`` and load ``dump``'s rows, in ``conn``'s open transaction."""
    migrate.replay(conn, applied)
    conn.execute("SELECT pg_catalog.set_config('search_path', '', true)")
    tables = _tables(conn)
    oids = [t.oid for t in tables.values()]
    foreign_keys = conn.execute(
        "SELECT conrelid, conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog."
        "pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s) ORDER BY conrelid, conname",
        (oids,)).fetchall()
    triggers = conn.execute(
        "SELECT tgrelid, tgname, tgenabled FROM pg_catalog.pg_trigger WHERE NOT tgisinternal"
        " AND tgrelid = ANY(%s) ORDER BY tgrelid, tgname", (oids,)).fetchall()
    by_oid = {t.oid: t for t in tables.values()}
    for relid, name, _definition in foreign_keys:
        conn.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
            by_oid[relid].ident, sql.Identifier(name)))
    for table in tables.values():
        conn.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(table.ident))
    if tables:
        conn.execute(sql.SQL("TRUNCATE TABLE {}").format(
            sql.SQL(", ").join(t.ident for t in tables.values())))
    loaded = _load_rows(conn, pg_restore, dump, tables, _sequences(conn), workdir)
    missing = sorted(str(t) for key, t in tables.items() if key not in loaded)
    if missing:
        raise DumpRefused(f"the dump has no rows for table {missing[0]} of its schema version")
    for relid, name, definition in foreign_keys:
        conn.execute(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            by_oid[relid].ident, sql.Identifier(name), sql.SQL(definition)))
    for relid, name, state in triggers:
        conn.execute(sql.SQL("ALTER TABLE {} {} {}").format(
            by_oid[relid].ident, sql.SQL(_TRIGGER_STATE[str(state)]), sql.Identifier(name)))
    recorded = migrate.applied_migrations(conn) or []
    if sorted(recorded, key=_order) != sorted(applied, key=_order):
        raise DumpRefused("the dump's ecr_schema_migrations differs from the backup's manifest")


def _order(a: AppliedMigration) -> tuple[str, int]:
    return a.target, a.version


def _tables(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], _Table]:
    rows = conn.execute("""
        SELECT c.oid, n.nspname, c.relname,
               coalesce(array_agg(a.attname::text) FILTER (WHERE a.attnum > 0
                        AND NOT a.attisdropped AND a.attgenerated = ''), '{}')
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_%%'
        GROUP BY c.oid, n.nspname, c.relname ORDER BY n.nspname, c.relname""").fetchall()
    return {(str(s), str(n)): _Table(int(o), str(s), str(n), frozenset(map(str, cols)))
            for o, s, n, cols in rows}


def _sequences(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], int]:
    rows = conn.execute("""
        SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_%%'""").fetchall()
    return {(str(s), str(n)): int(o) for o, s, n in rows}


def _load_rows(conn: psycopg.Connection[Any], pg_restore: Path, dump: Path,
               tables: dict[tuple[str, str], _Table], sequences: dict[tuple[str, str], int],
               workdir: Path) -> set[tuple[str, str]]:
    entries = _data_entries(pg_restore, dump)
    listing = workdir / "data.list"
    listing.write_text("".join(line + "\n" for line in entries), "utf-8")
    errors = workdir / "pg_restore.err"
    loaded: set[tuple[str, str]] = set()
    with errors.open("wb") as err, subprocess.Popen(  # noqa: S603 - our program, our arguments
            [str(pg_restore), "-L", str(listing), "-f", "-", str(dump)],
            stdout=subprocess.PIPE, stderr=err, env=_tool_env()) as proc:
        assert proc.stdout is not None
        try:
            _read_script(conn, iter(proc.stdout), tables, sequences, loaded)
        except BaseException:
            proc.kill()
            raise
        finally:
            proc.stdout.close()
    if proc.returncode != 0:
        raise DumpRefused(f"pg_restore failed: {_first_line(errors)}")
    return loaded


def _data_entries(pg_restore: Path, dump: Path) -> list[str]:
    try:
        listed = subprocess.run(  # noqa: S603 - our program, our arguments
            [str(pg_restore), "-l", str(dump)], capture_output=True, text=True, check=True,
            env=_tool_env(), timeout=600).stdout
    except subprocess.CalledProcessError as exc:
        raise DumpRefused(f"pg_restore cannot list the dump: {exc.stderr.strip()[:200]}"
                          ) from exc
    return [line for line in listed.splitlines() if _LIST_ENTRY.match(line)]


def _read_script(conn: psycopg.Connection[Any], lines: Iterator[bytes],
                 tables: dict[tuple[str, str], _Table], sequences: dict[tuple[str, str], int],
                 loaded: set[tuple[str, str]]) -> None:
    cursor = conn.cursor()
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").rstrip("\n")
        if not line.strip() or line.startswith("--") or line in _SKIPPED \
                or line.startswith(("\\restrict ", "\\unrestrict ")):
            continue
        if line.startswith("COPY "):
            table, columns = _copy_header(line, tables, loaded)
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                table.ident, sql.SQL(", ").join(map(sql.Identifier, columns)))
            with cursor.copy(statement) as copy:
                _copy_data(copy, lines, table)
            loaded.add((table.schema, table.name))
        elif (match := _SETVAL.match(line)) is not None:
            key = _qualified(match.group(1).replace("''", "'"))
            oid = sequences.get(key)
            if oid is None:
                raise DumpRefused(f"setval of {'.'.join(key)}, not a sequence of the schema")
            cursor.execute("SELECT pg_catalog.setval(%s::oid::regclass, %s, %s)",
                           (oid, int(match.group(2)), match.group(3) == "true"))
        elif (match := _ENCODING.match(line)) is not None:
            cursor.execute("SELECT pg_catalog.set_config('client_encoding', %s, true)",
                           (match.group(1),))
        elif not _SET.match(line):
            raise DumpRefused(f"unexpected statement in the dump's data: {line[:80]!r}")


def _copy_header(line: str, tables: dict[tuple[str, str], _Table],
                 loaded: set[tuple[str, str]]) -> tuple[_Table, list[str]]:
    pos = len("COPY ")
    schema, pos = _identifier(line, pos)
    if line[pos:pos + 1] != ".":
        raise DumpRefused(f"unreadable COPY header {line[:80]!r}")
    name, pos = _identifier(line, pos + 1)
    if line[pos:pos + 2] != " (":
        raise DumpRefused(f"unreadable COPY header {line[:80]!r}")
    pos += 2
    columns: list[str] = []
    while True:
        column, pos = _identifier(line, pos)
        columns.append(column)
        if line[pos:pos + 2] == ", ":
            pos += 2
            continue
        break
    if line[pos:] != ") FROM stdin;":
        raise DumpRefused(f"unreadable COPY header {line[:80]!r}")
    table = tables.get((schema, name))
    if table is None:
        raise DumpRefused(f"rows for {schema}.{name}, a table ECR's migrations do not make")
    if (schema, name) in loaded:
        raise DumpRefused(f"rows for {table} twice")
    if len(set(columns)) != len(columns) or set(columns) != table.columns:
        extra = sorted(set(columns) - table.columns)
        lacking = sorted(table.columns - set(columns))
        raise DumpRefused(f"the columns of {table} differ from the schema's "
                          f"(extra {extra}, missing {lacking})")
    return table, columns


def _copy_data(copy: psycopg.Copy, lines: Iterator[bytes], table: _Table) -> None:
    batch = bytearray()
    for raw in lines:
        if raw == b"\\.\n":
            if batch:
                copy.write(bytes(batch))
            return
        batch += raw
        if len(batch) >= _COPY_BATCH:
            copy.write(bytes(batch))
            batch.clear()
    raise DumpRefused(f"the rows of {table} end before their end marker")


def _identifier(text: str, pos: int) -> tuple[str, int]:
    match = _IDENT.match(text, pos)
    if match is None:
        raise DumpRefused(f"unreadable name in {text[:80]!r}")
    if match.group(1) is not None:
        return match.group(1).replace('""', '"'), match.end()
    return match.group(2).lower(), match.end()  # unquoted names fold to lower case


def _qualified(text: str) -> tuple[str, str]:
    schema, pos = _identifier(text, 0)
    if text[pos:pos + 1] != ".":
        raise DumpRefused(f"unqualified name {text[:80]!r}")
    name, end = _identifier(text, pos + 1)
    if end != len(text):
        raise DumpRefused(f"unreadable name {text[:80]!r}")
    return schema, name


def _tool_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_MESSAGES"] = "C"
    return env


def _first_line(path: Path) -> str:
    for line in path.read_text("utf-8", errors="replace").splitlines():
        if line.strip():
            return line.strip()[:200]
    return "no detail"
