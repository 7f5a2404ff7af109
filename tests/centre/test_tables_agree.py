"""One source of truth each: the code's tables, the database's mirrors and the docs agree."""

from __future__ import annotations

import re

import psycopg
import pytest

from common.acts.dictionary import EVENTS
from common.acts.niu import make_niu
from ecr_tk.services import Centre, roles_doc
from ecr_tk.services._dictionary import link_paths
from ecr_tk.services.permissions import MAX_PER_ROLE, permission_rows
from ecr_tk.services.workflow import transition_rows


@pytest.fixture
def owner(fresh_db: str, centre: Centre) -> psycopg.Connection[tuple[object, ...]]:
    with psycopg.connect(fresh_db) as conn:
        yield conn  # type: ignore[misc]


def test_the_database_permissions_table_equals_the_python_one(owner: psycopg.Connection) -> None:  # type: ignore[type-arg]
    rows = owner.execute("SELECT role, action FROM ecr.permissions ORDER BY 1, 2").fetchall()
    assert rows == permission_rows()


def test_the_database_transition_table_equals_the_workflow_module(
        owner: psycopg.Connection) -> None:  # type: ignore[type-arg]
    rows = owner.execute("SELECT action, from_status, to_status FROM ecr.transitions"
                         " ORDER BY 1, 2, 3").fetchall()
    assert rows == transition_rows()


def test_role_limits_agree(owner: psycopg.Connection) -> None:  # type: ignore[type-arg]
    rows = dict(owner.execute("SELECT role, max_active FROM ecr.role_limits").fetchall())
    assert rows == dict(MAX_PER_ROLE)


def test_event_types_are_the_dictionarys(owner: psycopg.Connection) -> None:  # type: ignore[type-arg]
    rows = {r[0] for r in owner.execute("SELECT key FROM ecr.event_types").fetchall()}
    assert rows == set(EVENTS)


def test_every_niu_link_of_the_dictionary_produces_a_mention(
        owner: psycopg.Connection) -> None:  # type: ignore[type-arg]
    rows = owner.execute("SELECT event_type, path FROM ecr.mention_links").fetchall()
    in_sql = {(e, re.sub(r"^\$\.", "", p).replace("[*]", "[]")) for e, p in rows}
    in_dictionary = {(e, p) for e, paths in link_paths().items() for p in paths}
    assert in_sql == in_dictionary


@pytest.mark.parametrize(("code", "year", "serial"), [
    ("221001", 2026, 1), ("000000", 1900, 9999999), ("999999", 2099, 1234567),
    ("330007", 1990, 42), ("100000", 2026, 10)])
def test_sql_niu_equals_the_dictionarys_niu(owner: psycopg.Connection,  # type: ignore[type-arg]
                                            code: str, year: int, serial: int) -> None:
    in_sql = owner.execute("SELECT ecr.niu_make(%s, %s, %s)", (code, year, serial)).fetchone()
    assert in_sql == (str(make_niu(code, year, serial)),)


def test_the_roles_document_shows_the_tables_of_the_code() -> None:
    text = roles_doc.DOC.read_text("utf-8")
    assert roles_doc.render() in text, "run python -m ecr_tk.services.roles_doc"


def test_every_refusal_raised_in_sql_has_a_translated_sentence() -> None:
    from pathlib import Path

    from common.i18n import load_po
    from ecr_tk.services._db import RULE_MESSAGES

    folder = Path(__file__).resolve().parents[2] / "common" / "db" / "migrations" / "centre"
    raised: set[str] = set()
    for sql_file in sorted([*folder.glob("000*.sql"), *folder.glob("040*.sql")]):
        raised |= set(re.findall(r"_refuse\('EC\d{3}', '([a-z_]+)'", sql_file.read_text()))
        raised |= set(re.findall(r"_refuse_change\('([a-z_]+)'\)", sql_file.read_text()))
    assert raised, "no refusal found: the pattern is stale"
    assert raised - set(RULE_MESSAGES) == set()
    french = load_po(folder.parents[2] / "i18n" / "locale" / "fr" / "centre.po")
    assert [m for m in RULE_MESSAGES.values() if m not in french] == []
