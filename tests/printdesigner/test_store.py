"""Templates and printer calibration in a real centre database, through its SQL API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.db.connect import conninfo
from ecr_tk.services import Centre
from printdesigner.defaults import default_template
from printdesigner.render import Calibration
from printdesigner.store import StoreError, TemplateStore

OFFICER, SECRETARY, AGENT = 1, 2, 3
PASSWORDS = {OFFICER: "officer-pass-1", SECRETARY: "secretary-pass-1", AGENT: "agent-pass-01"}


@pytest.fixture
def centre(fresh_db: str, tmp_path: Path) -> Iterator[Centre]:
    c = Centre.init(tmp_path / "home", "221001", "Centre de Thiès", OFFICER, "Awa Diop",
                    PASSWORDS[OFFICER], dsn=fresh_db, workstation="ws-print")
    officer = c.login(OFFICER, PASSWORDS[OFFICER])
    officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
    officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def app_conn(centre: Centre) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(conninfo(centre.config, "ecr_app"), autocommit=True) as conn:
        yield conn


def store_for(centre: Centre, conn: psycopg.Connection[Any], number: int,
              workstation: str = "ws-print") -> TemplateStore:
    session = centre.login(number, PASSWORDS[number], workstation=workstation)
    return TemplateStore(conn, session.token)


def test_the_officer_saves_versions_and_everyone_reads_the_latest(
        centre: Centre, app_conn: psycopg.Connection[Any]) -> None:
    officer = store_for(centre, app_conn, OFFICER)
    template = default_template("birth", "full")
    first = officer.save(template, None)
    assert first.version == 1
    renamed = dataclasses.replace(first, name="Copie intégrale (modèle national)")
    second = officer.save(renamed, 1)
    assert second.version == 2
    secretary = store_for(centre, app_conn, SECRETARY)
    assert secretary.get("birth.full") == second
    assert secretary.get("birth.full", 1) == first
    assert [(s.key, s.version) for s in secretary.list("birth")] == [("birth.full", 2)]
    assert secretary.find("birth", "full") == second
    assert secretary.find("birth", "extract") is None
    assert secretary.find("birth", "extract_without_filiation") is None
    assert [v[0] for v in secretary.versions("birth.full")] == [2, 1]


def test_a_save_over_a_version_someone_else_saved_meanwhile_is_refused(
        centre: Centre, app_conn: psycopg.Connection[Any]) -> None:
    officer = store_for(centre, app_conn, OFFICER)
    template = officer.save(default_template("death", "extract"), None)
    officer.save(template, 1)
    with pytest.raises(StoreError) as info:
        officer.save(template, 1)
    assert info.value.rule == "template_changed"
    assert "2" in info.value.message


def test_only_the_officer_may_save_a_template(centre: Centre,
                                              app_conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(StoreError) as info:
        store_for(centre, app_conn, SECRETARY).save(default_template("birth", "extract"), None)
    assert info.value.rule == "action_not_permitted"
    with pytest.raises(StoreError) as info:
        store_for(centre, app_conn, AGENT).get("birth.extract")
    assert info.value.rule == "template_not_found"


def test_workstations_cannot_touch_the_tables_nor_rewrite_a_saved_version(
        centre: Centre, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    store_for(centre, app_conn, OFFICER).save(default_template("birth", "receipt"), None)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_conn.execute("SELECT * FROM ecr.print_templates")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_conn.execute("INSERT INTO ecr.printer_calibration VALUES ('x', 1, 1, NULL, now())")
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        with pytest.raises(psycopg.Error) as info:
            owner.execute("UPDATE ecr.print_templates SET name = 'x'")
        assert info.value.diag.message_primary == "template_version_immutable"


def test_each_workstation_keeps_its_own_printer_offset(centre: Centre,
                                                       app_conn: psycopg.Connection[Any]) -> None:
    front = store_for(centre, app_conn, SECRETARY, workstation="guichet-1")
    back = store_for(centre, app_conn, OFFICER, workstation="bureau")
    assert front.calibration() == Calibration(0, 0)
    front.set_calibration(Calibration(1.5, -2.25))
    assert front.calibration() == Calibration(1.5, -2.25)
    assert back.calibration() == Calibration(0, 0)
    with pytest.raises(StoreError) as info:
        front.set_calibration(Calibration(80, 0))
    assert info.value.rule == "calibration_out_of_range"
    with pytest.raises(StoreError) as info:
        store_for(centre, app_conn, AGENT).set_calibration(Calibration(1, 1))
    assert info.value.rule == "action_not_permitted"
