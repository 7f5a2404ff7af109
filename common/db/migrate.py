"""Versioned SQL migrations, applied automatically at start-up.

A migration set is a folder of files named ``NNNN_what_it_does.sql`` (for
example ``common/db/migrations/centre``).  Each file is applied once, in order,
in its own transaction, and recorded with its SHA-256 in
``ecr_schema_migrations``.  A file whose content changed after it was applied is
refused: released migrations are never edited, a new file is added instead.

The same mechanism serves the centre database and the SCEC's central database,
which differ only by the folder (``centre`` / ``scec``).  Migrations run as the
database owner, never as the application role that workstations use.

A restore rebuilds a schema with :func:`replay`: exactly the migrations a
backup records, from this program's own files, in the restore's transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import psycopg

from common.errors import EcrError, UserError
from common.i18n import translator

tr = translator("db")

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# One advisory lock key for every migrator, so two processes starting together
# (two workstations, two XMServer workers) apply each file exactly once.
LOCK_KEY = 0x45435201
_HISTORY_TABLE = """CREATE TABLE IF NOT EXISTS ecr_schema_migrations (
                        target text NOT NULL,
                        version integer NOT NULL,
                        name text NOT NULL,
                        checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (target, version))"""


class MigrationError(EcrError):
    """A migration could not be applied, or an applied one was edited."""


class NewerSchema(UserError):
    """The database was upgraded by a newer ECR than this one: refuse, change nothing.

    Going back to an older program after an upgrade would run old code on a
    schema it does not know (the rules that matter live in that schema), so the
    older program stops before touching anything and says which version to use.
    """

    def __init__(self, target: str, version: int, name: str) -> None:
        super().__init__(tr("This database was upgraded by a newer version of ECR (schema "
                            "{target} {name}): use that version or a newer one; nothing was "
                            "changed", target=target, name=name),
                         field="database", rule="newer_schema")
        self.version = version


@dataclass(frozen=True)
class AppliedMigration:
    """One row of ``ecr_schema_migrations``: what a database says it was built from."""

    target: str
    version: int
    name: str
    checksum: str


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()


#: A migration file of one set that is another set's file, byte for byte:
#: ``-- same as: centre/0101_stats_schema.sql`` (its only line).  The SCEC applies
#: the centre's statistics SQL unchanged this way, with one copy in the tree.
_SAME_AS = re.compile(r"^-- same as: ([a-z]+/\d{4}_[a-z0-9_]+\.sql)\s*$")


def _shared(text: str, name: str) -> str:
    match = _SAME_AS.match(text)
    if match is None:
        return text
    other = resources.files("common.db").joinpath("migrations", *match.group(1).split("/"))
    if not other.is_file():
        raise MigrationError(f"{name} refers to {match.group(1)}, which does not exist")
    return other.read_text("utf-8")


def load_migrations(target: str, folder: Traversable | Path | None = None) -> list[Migration]:
    """Read the migration files of ``common/db/migrations/<target>`` in version order.

    ``folder`` replaces the packaged folder (tests, tools); ``target`` still
    names the set in ``ecr_schema_migrations``.
    """
    if folder is None:
        folder = resources.files("common.db").joinpath("migrations", target)
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name,
                                   _shared(entry.read_text("utf-8"), entry.name)))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a version number in {target}: {versions}")
    return found


def migrate(conn: psycopg.Connection[Any], target: str = "centre",
            folder: Traversable | Path | None = None) -> list[str]:
    """Apply the pending migrations of ``target``; return the names applied.

    ``conn`` must be an owner connection in autocommit mode or idle; each file
    runs in its own transaction so a failure leaves the schema at the previous
    version.
    """
    migrations = load_migrations(target, folder)  # a bad folder is reported before any lock
    conn.autocommit = True
    applied_now: list[str] = []
    # The lock comes first: two concurrent "CREATE TABLE IF NOT EXISTS" can both
    # miss the table and one then fails on the catalogue's unique index.
    conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
    try:
        conn.execute(_HISTORY_TABLE)
        rows: list[tuple[Any, ...]] = conn.execute(
            "SELECT version, name, checksum FROM ecr_schema_migrations WHERE target = %s",
            (target,),
        ).fetchall()
        applied = {int(v): (str(n), str(c)) for v, n, c in rows}
        known = {m.version for m in migrations}
        newer = sorted(v for v in applied if v not in known and v > max(known, default=0))
        if newer:
            raise NewerSchema(target, newer[-1], applied[newer[-1]][0])
        for m in migrations:
            if m.version in applied:
                name, checksum = applied[m.version]
                if checksum != m.checksum:
                    raise MigrationError(
                        f"migration {m.name} was changed after it was applied "
                        f"(recorded as {name}); add a new migration instead"
                    )
                continue
            try:
                with conn.transaction():
                    conn.execute(m.sql.encode("utf-8"))
                    conn.execute(
                        "INSERT INTO ecr_schema_migrations (target, version, name, checksum)"
                        " VALUES (%s, %s, %s, %s)",
                        (target, m.version, m.name, m.checksum),
                    )
            except psycopg.Error as exc:
                raise MigrationError(f"migration {m.name} failed: {exc}") from exc
            applied_now.append(m.name)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    return applied_now


def applied_migrations(conn: psycopg.Connection[Any]) -> list[AppliedMigration] | None:
    """The migrations recorded in this database, in order; None when it has no record."""
    if conn.execute("SELECT to_regclass('public.ecr_schema_migrations')").fetchone() == (None,):
        return None
    rows = conn.execute("SELECT target, version, name, checksum FROM public.ecr_schema_migrations"
                        " ORDER BY target, version").fetchall()
    return [AppliedMigration(str(t), int(v), str(n), str(c)) for t, v, n, c in rows]


def replay(conn: psycopg.Connection[Any], applied: list[AppliedMigration]) -> None:
    """Apply exactly the migrations ``applied`` lists, from this program's own files.

    For a restore: the schema a backup's data goes into is made by our own SQL,
    never by SQL read from the backup.  Runs in the caller's transaction (no
    commit here), so the migrations of a set must stay replayable one after the
    other in a single transaction (no ``CREATE INDEX CONCURRENTLY``, no use of
    an enum value added by an earlier file); the backup round-trip tests replay
    them all.  Raises :class:`NewerSchema` for a migration this program does
    not have and :class:`MigrationError` for one whose content differs from ours.
    """
    conn.execute(_HISTORY_TABLE)
    for target in sorted({a.target for a in applied}):
        ours = {m.version: m for m in load_migrations(target)}
        for entry in sorted((a for a in applied if a.target == target), key=lambda a: a.version):
            mine = ours.get(entry.version)
            if mine is None:
                raise NewerSchema(target, entry.version, entry.name)
            if (mine.name, mine.checksum) != (entry.name, entry.checksum):
                raise MigrationError(
                    f"migration {entry.name} of the backup differs from this program's "
                    f"{mine.name}: it was made by another build of ECR")
            conn.execute(mine.sql.encode("utf-8"))
            conn.execute(
                "INSERT INTO ecr_schema_migrations (target, version, name, checksum)"
                " VALUES (%s, %s, %s, %s)", (target, mine.version, mine.name, mine.checksum))
