"""Test support: a real embedded server in a temporary centre home.

Used by the pytest fixtures (``tests/conftest.py``) and by benchmarks; never
by the programs.  The server is the real one (initdb, SCRAM, its own process),
only its home is temporary, and it is stopped when the block ends::

    with embedded_test_server(tmp_path) as server:
        with server.fresh_database() as dsn:   # an owner (superuser) DSN
            ...
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from common.db import embedded
from common.db.connect import DatabaseConfig, conninfo


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
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))


@contextmanager
def embedded_test_server(parent: Path) -> Iterator[EmbeddedTestServer]:
    """Start an embedded server in ``parent/home``; stop it at the end of the block."""
    config = DatabaseConfig.embedded(Path(parent) / "home")
    owner = conninfo(config)  # starts the server; this process keeps it until release
    params = psycopg.conninfo.conninfo_to_dict(owner)
    params["dbname"] = "postgres"
    try:
        yield EmbeddedTestServer(config, psycopg.conninfo.make_conninfo(**params))  # type: ignore[arg-type]
    finally:
        embedded.release(config.db_dir)
