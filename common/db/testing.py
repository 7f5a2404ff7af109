"""Test support: a real embedded server in a temporary centre home.

Used by the pytest fixtures (``tests/conftest.py``) and by benchmarks; never
by the programs.  The server is the real one (initdb, SCRAM, its own process),
only its home is temporary, and it is stopped when the block ends::

    with embedded_test_server() as server:
        with server.fresh_database() as dsn:   # an owner (superuser) DSN
            ...

Why not pytest's ``tmp_path``: run as root, the server runs as the ``ecrdb``
account, which must traverse every parent folder of its data; pytest resets
``/tmp/pytest-of-root`` to 0700 whenever ANY pytest session starts on the
machine (several people or CI jobs at once), which can pull the floor from
under a running initdb.  :func:`scratch_folder` makes its own folder in the
system temporary directory instead.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from common.db import embedded
from common.db.connect import DatabaseConfig, app_role_name, conninfo


@dataclass(frozen=True)
class EmbeddedTestServer:
    """A running embedded server and the owner DSN of its ``postgres`` database."""

    config: DatabaseConfig
    admin_dsn: str

    @contextmanager
    def fresh_database(self) -> Iterator[str]:
        """A new empty database on this server (dropped afterwards); yields its owner DSN."""
        name = f"ecr_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            params = psycopg.conninfo.conninfo_to_dict(self.admin_dsn)
            params["dbname"] = name
            yield psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]
        finally:
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                drop_database(conn, name)


def drop_database(conn: psycopg.Connection[object], name: str) -> None:
    """Drop a test database and its application role (roles belong to the server)."""
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    with contextlib.suppress(psycopg.Error):  # still granted something elsewhere: kept
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(
            sql.Identifier(app_role_name(name))))


def drop_orphan_app_roles(admin_dsn: str) -> list[str]:
    """Drop the application roles whose database is gone (tests that drop their own).

    A role ``ecr_app_…`` that belongs to ``ecr_app`` and is granted nothing by
    any database of the server is of no use; one still named in another
    database's privileges is kept.  Returns the roles dropped.
    """
    dropped: list[str] = []
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        orphans = conn.execute("""
            SELECT r.rolname FROM pg_roles r
            JOIN pg_auth_members m ON m.member = r.oid
            JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = 'ecr_app'
            WHERE r.rolname LIKE 'ecr\\_app\\_%'
              AND NOT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                              WHERE a.grantee = r.oid)""").fetchall()
        for (role,) in orphans:
            try:
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
            except psycopg.Error:
                continue
            dropped.append(role)
    return dropped


@contextmanager
def scratch_folder(prefix: str = "ecr-test-") -> Iterator[Path]:
    """A private temporary folder; embedded servers under it are stopped, then it is removed."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        stop_servers_under(folder)
        shutil.rmtree(folder, ignore_errors=True)


def stop_servers_under(folder: Path) -> None:
    """Release (and so stop, if we were the last user) every embedded server below ``folder``."""
    for data_dir in sorted(Path(folder).rglob("PG_VERSION")):
        db_dir = data_dir.parent.parent
        if data_dir.parent.name == "data":
            embedded.release(db_dir)


@contextmanager
def embedded_test_server(parent: Path | None = None) -> Iterator[EmbeddedTestServer]:
    """Start an embedded server in ``parent/home`` (default: a scratch folder); stop it after."""
    with contextlib.ExitStack() as stack:
        if parent is None:
            parent = stack.enter_context(scratch_folder())
        config = DatabaseConfig.embedded(Path(parent) / "home")
        owner = conninfo(config)  # starts the server; this process keeps it until release
        stack.callback(embedded.release, config.db_dir)
        params = psycopg.conninfo.conninfo_to_dict(owner)
        params["dbname"] = "postgres"
        yield EmbeddedTestServer(config, psycopg.conninfo.make_conninfo(**params))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- measurement

_JOIN_SCRIPT = """
import sys, time
from pathlib import Path
t0 = time.perf_counter()
from common.db.connect import DatabaseConfig, owner_connection
t1 = time.perf_counter()
with owner_connection(DatabaseConfig.embedded(Path(sys.argv[1]))) as conn:
    conn.execute("SELECT 1")
print(time.perf_counter() - t1, t1 - t0)
"""


def measure_startup(rounds: int = 5) -> dict[str, list[float]]:
    """Seconds for: a new centre's first start, a restart, another process joining, a reuse."""
    import subprocess
    import sys
    import time

    from common.db.connect import owner_connection

    figures: dict[str, list[float]] = {
        "cold start (initdb, start, database, connection)": [],
        "restart of an existing cluster (start, connection)": [],
        "another process joins the running server (connection)": [],
        "  ...its Python imports": [],
        "same process, new owner connection": [],
    }
    names = list(figures)
    root = Path(__file__).resolve().parents[2]
    for _ in range(rounds):
        with scratch_folder() as folder:
            config = DatabaseConfig.embedded(folder / "home")
            for key in (names[0], names[4]):
                start = time.perf_counter()
                with owner_connection(config) as conn:
                    conn.execute("SELECT 1")
                figures[key].append(time.perf_counter() - start)
            out = subprocess.run([sys.executable, "-c", _JOIN_SCRIPT, str(config.home)],  # noqa: S603
                                 capture_output=True, text=True, check=True, cwd=root)
            join, imports = (float(x) for x in out.stdout.split())
            figures[names[2]].append(join)
            figures[names[3]].append(imports)
            embedded.release(config.db_dir)
            start = time.perf_counter()
            with owner_connection(config) as conn:
                conn.execute("SELECT 1")
            figures[names[1]].append(time.perf_counter() - start)
    return figures


if __name__ == "__main__":
    import statistics

    for label, values in measure_startup().items():
        print(f"{label:56s} median {statistics.median(values):.3f} s "
              f"(min {min(values):.3f}, max {max(values):.3f})")
