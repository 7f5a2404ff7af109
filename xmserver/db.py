"""The SCEC's database connection: one DSN (``--db`` / ``XMSERVER_DB``), migrated on use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from common.db.connect import DatabaseConfig, owner_connection
from common.db.migrate import migrate
from common.errors import UserError
from common.i18n import translator

tr = translator("scec")

DB_ENV = "XMSERVER_DB"


def dsn_from(value: str | None) -> str:
    dsn = value or os.environ.get(DB_ENV)
    if not dsn:
        raise UserError(tr("No database: give --db DSN or set {env}", env=DB_ENV),
                        field="db", rule="required")
    return dsn


@contextmanager
def scec_connection(dsn: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the central database with its schema up to date (autocommit)."""
    with owner_connection(DatabaseConfig.networked(dsn)) as conn:
        migrate(conn, "scec")
        yield conn
