"""Fixtures of the centre tests: a real centre on a fresh PostgreSQL database.

``centre`` is a centre made by ``Centre.init`` (home in tmp_path, database from
``fresh_db``); ``staff`` logs in its officer, one secretary and one agent;
``app_conn`` is a plain connection as the application role (``ecr_app_<db>``), for
the tests that try to get around the API with raw SQL.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.acts import examples
from common.db.connect import conninfo
from ecr_tk.services import Centre, Session

CENTRE_CODE = "221001"
OFFICER, SECRETARY, AGENT = 1, 2, 3
PASSWORDS = {OFFICER: "officer-pass-1", SECRETARY: "secretary-pass-1", AGENT: "agent-pass-01"}


@dataclass
class Staff:
    officer: Session
    secretary: Session
    agent: Session


@pytest.fixture
def centre(fresh_db: str, tmp_path: Path) -> Iterator[Centre]:
    c = Centre.init(tmp_path / "home", CENTRE_CODE, "Centre de Thiès", OFFICER, "Awa Diop",
                    PASSWORDS[OFFICER], dsn=fresh_db, workstation="ws-test")
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def staff(centre: Centre) -> Staff:
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
    officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
    return Staff(officer, centre.login(SECRETARY, PASSWORDS[SECRETARY]),
                 centre.login(AGENT, PASSWORDS[AGENT]))


@pytest.fixture
def app_conn(centre: Centre) -> Iterator[psycopg.Connection[Any]]:
    """A raw connection as the application role, the one every workstation uses
    (``ecr_app_<database>``, a member of ``ecr_app``)."""
    with psycopg.connect(conninfo(centre.config, "ecr_app"), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (centre.config.app_role,)
        assert centre.config.app_role.startswith("ecr_app_")
        yield conn


def birth(surname: str = "Ndiaye", given: str = "Awa", occurred_on: str | None = None,
          mother: str = "Sow") -> dict[str, Any]:
    """A valid birth, varied by the child's and mother's names."""
    data = copy.deepcopy(examples.BIRTH)
    data["child"]["surname"] = surname
    data["child"]["given_names"] = given
    data["mother"]["surname"] = mother
    if occurred_on is not None:
        data["occurred_on"] = occurred_on
        data["mother"]["last_live_birth_on"] = occurred_on  # the example is a twin
    return data


def example(event_type: str) -> dict[str, Any]:
    return copy.deepcopy(getattr(examples, event_type.upper()))


def validated_birth(staff: Staff, **kw: Any) -> tuple[int, str]:
    """A birth taken through the whole workflow: (id, NIU)."""
    result = staff.agent.acts.draft("birth", birth(**kw), confirm_duplicates=True)
    assert result.id is not None
    niu = staff.secretary.acts.verify(result.id)
    staff.officer.acts.validate(result.id)
    return result.id, niu
