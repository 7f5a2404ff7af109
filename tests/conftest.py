"""Shared fixtures: real PostgreSQL and Mosquitto, never mocks.

PostgreSQL is found at ``ECR_TEST_DSN`` (an administrator DSN) or the local
service (127.0.0.1:5432, user postgres).  If neither answers, the tests fail with
a message saying so: a database test is never skipped silently.  Each test that
needs a database gets its own, created from scratch and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

ADMIN_DSN = os.environ.get("ECR_TEST_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
MQTT_HOST = os.environ.get("ECR_TEST_MQTT_HOST", "127.0.0.1")
MQTT_PORT = int(os.environ.get("ECR_TEST_MQTT_PORT", "1883"))


@pytest.fixture(autouse=True)
def _french_by_default() -> Iterator[None]:
    """Every test starts and ends in French, the default language.

    ``ecr --lang en`` (and the GUI's language switch) set the language of the
    whole process; without this, one test's English would leak into the next.
    """
    from common.i18n import DEFAULT_LANGUAGE, set_language

    set_language(DEFAULT_LANGUAGE)
    yield
    set_language(DEFAULT_LANGUAGE)


def _dsn_for(dbname: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(ADMIN_DSN)
    params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def admin_dsn() -> str:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_DSN!r} "
                    f"(start it, or set ECR_TEST_DSN): {exc}")
    return ADMIN_DSN


@contextmanager
def new_database(admin_dsn: str) -> Iterator[str]:
    """An empty database of its own while the block runs: an owner (superuser) DSN to it."""
    name = f"ecr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _dsn_for(name)
    finally:
        from common.db.testing import drop_database

        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            drop_database(conn, name)


@pytest.fixture
def fresh_db(admin_dsn: str) -> Iterator[str]:
    """An empty database of its own; yields an owner (superuser) DSN to it."""
    with new_database(admin_dsn) as dsn:
        yield dsn


@pytest.fixture(scope="session", autouse=True)
def _no_application_role_left_behind() -> Iterator[None]:
    """Each centre database has its own role on the server: the dropped ones go too."""
    yield
    from common.db.testing import drop_orphan_app_roles

    try:
        drop_orphan_app_roles(ADMIN_DSN)
    except psycopg.OperationalError:
        pass  # no server: the tests that needed one have said so


@pytest.fixture
def mqtt_topic_prefix() -> str:
    """A topic prefix no other test run uses, so tests can share the broker."""
    return f"ecr-test/{uuid.uuid4().hex[:12]}"


@contextmanager
def virtual_display(screen: str = "1024x768x24") -> Iterator[str]:
    """A private Xvfb screen, ``DISPLAY`` pointing at it, put back afterwards."""
    from ecr_tk.ui.headless import start_virtual_screen

    started = start_virtual_screen(screen)
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = started.display
    try:
        yield started.display
    finally:
        started.stop()
        if previous is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = previous


@pytest.fixture(scope="session")
def virtual_screen() -> Iterator[str]:
    """One 1024×768 virtual screen (the smallest screen ECR supports) for GUI tests."""
    with virtual_display() as display:
        yield display
