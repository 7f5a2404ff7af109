"""What PUBLIC (any role of the PostgreSQL cluster) may do in a centre database: nothing.

A centre database shares its server with other databases and their roles (a
second centre, the statisticians' role, an administrator's tools).  None of
them may connect to it, create temporary objects in it or execute any of its
functions unless ECR granted it by name.  Everything is read from the
catalogue, never from a hand list, so a function added later by any migration
is covered the day it appears (issue 11, finding 15).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from ecr_tk.services import Centre

# Every function outside the system schemas that PUBLIC may execute (a NULL ACL
# means the built-in default, which grants EXECUTE to PUBLIC).
PUBLIC_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                  WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
    ORDER BY 1"""

PUBLIC_DATABASE_PRIVILEGES = """
    SELECT a.privilege_type FROM pg_database d,
         aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
    WHERE d.datname = current_database() AND a.grantee = 0
    ORDER BY 1"""

# Functions a role may execute, with whether they run as their owner and pin
# their search path.
EXECUTABLE_BY = """
    SELECT p.oid::regprocedure::text, p.prosecdef,
           coalesce(array_to_string(p.proconfig, ',') LIKE '%%search_path=%%', false)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND has_function_privilege(%s, p.oid, 'EXECUTE')
    ORDER BY 1"""


@pytest.fixture
def owner(centre: Centre, fresh_db: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        yield conn


@pytest.fixture
def intruder(owner: psycopg.Connection[Any], fresh_db: str) -> Iterator[str]:
    """A DSN of another login role of the same cluster, granted nothing here."""
    name = f"ecr_test_intruder_{uuid.uuid4().hex[:10]}"
    owner.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(fresh_db)
    params["user"] = name
    params.pop("password", None)
    try:
        yield psycopg.conninfo.make_conninfo(**params)
    finally:
        owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        owner.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_no_function_of_the_centre_database_is_executable_by_public(
        owner: psycopg.Connection[Any]) -> None:
    names = [r[0] for r in owner.execute(PUBLIC_FUNCTIONS)]
    assert names == []


def test_public_has_no_privilege_on_the_centre_database(
        owner: psycopg.Connection[Any]) -> None:
    assert [r[0] for r in owner.execute(PUBLIC_DATABASE_PRIVILEGES)] == []


def test_a_function_created_after_the_migrations_is_not_executable_by_public(
        owner: psycopg.Connection[Any]) -> None:
    # what a later migration does: the default privileges must say "not PUBLIC"
    owner.execute("CREATE FUNCTION ecr.added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    owner.execute("CREATE FUNCTION stats.added_later() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    assert [r[0] for r in owner.execute(PUBLIC_FUNCTIONS)] == []


def test_another_role_of_the_cluster_cannot_connect_to_the_centre_database(
        intruder: str) -> None:
    with pytest.raises(psycopg.OperationalError) as err:
        psycopg.connect(intruder).close()
    assert "permission denied" in str(err.value)


def test_everything_the_application_role_executes_runs_as_owner_with_a_pinned_path(
        centre: Centre, owner: psycopg.Connection[Any]) -> None:
    from common.db.connect import conninfo

    with psycopg.connect(conninfo(centre.config, "ecr_app")) as app:
        role = app.execute("SELECT current_user").fetchone()
    assert role is not None
    rows = owner.execute(EXECUTABLE_BY, (role[0],)).fetchall()
    assert len(rows) > 40  # the API, read from the catalogue
    assert [name for name, definer, pinned in rows if not (definer and pinned)] == []
    names = {name for name, _, _ in rows}
    assert not any(name.startswith("ecr._") for name in names)  # internals stay internal
