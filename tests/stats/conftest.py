"""A real centre with a generated corpus of known content, shared by the stats tests.

Building it (Centre.init, three users, ~3,000 acts COPYed, reference figures
entered through the officer's API) takes a few seconds, so it is made once per
test session on a database of its own, dropped afterwards.  Tests only read it,
except the ones that enter figures, which restore what they change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.db.connect import conninfo
from ecr_tk.services import Centre, Session
from tests.conftest import ADMIN_DSN, _dsn_for
from tests.stats import reference
from tests.stats.corpus import REGISTERED, LoadedAct, copy_acts, corpus

CENTRE_CODE = "221001"
OFFICER, SECRETARY, AGENT = 1, 2, 3
PASSWORDS = {OFFICER: "officer-pass-1", SECRETARY: "secretary-pass-1", AGENT: "agent-pass-01"}
#: The tests log in as ecr_stats; the role is cluster-wide, so only change it once.
GRANT_LOGIN = """DO $$ BEGIN
    IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ecr_stats') THEN
        ALTER ROLE ecr_stats LOGIN;
    END IF;
EXCEPTION WHEN internal_error THEN NULL;  -- changed meanwhile by a concurrent run
END $$"""
CORPUS_SIZE = 3000
SEED = 20250611
TODAY = date(2025, 12, 31)
YEARS = (2023, 2025)

#: National urban/rural table: codes and prefixes (longest prefix wins).
URBAN_RURAL = {"01": "urban", "07": "rural", "0702": "urban", "12": "rural", "0801": "urban"}
#: Expected events and populations, per area code (a prefix covers its sub-areas).
EXPECTED = [("01", 2024, "birth", 400), ("0702", 2024, "birth", 60), ("01", 2025, "death", 90),
            ("07", 2025, "birth", 200), ("1201", 2024, "death", 0)]
POPULATION = [("01", 2024, 1_200_000), ("0702", 2025, 320_000), ("12", 2024, 700_000)]


@dataclass
class StatsCentre:
    dsn: str  # owner (superuser) DSN
    home: Path  # the centre's home folder (for the CLI)
    centre: Centre
    officer: Session
    secretary: Session
    agent: Session
    acts: list[reference.Act]  # registered acts only, with their ids
    loaded: list[LoadedAct]  # everything loaded, drafts and rejected included

    def stats_dsn(self) -> str:
        """A DSN logging in as ecr_stats (the tests give it LOGIN)."""
        params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(self.dsn)
        params["user"] = "ecr_stats"
        params.pop("password", None)
        return psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]

    def app_dsn(self) -> str:
        return conninfo(self.centre.config, "ecr_app")


def _build(dsn: str, home: Path) -> StatsCentre:
    centre = Centre.init(home, CENTRE_CODE, "Centre de Thiès", OFFICER, "Awa Diop",
                         PASSWORDS[OFFICER], dsn=dsn, workstation="ws-stats")
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
    officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
    loaded = corpus(CORPUS_SIZE, SEED, centre_code=CENTRE_CODE, today=TODAY, years=YEARS)
    with psycopg.connect(dsn) as conn:
        copy_acts(conn, loaded, OFFICER)
        ids = [r[0] for r in conn.execute("SELECT id FROM ecr.acts ORDER BY id")]
        conn.execute(GRANT_LOGIN)
        conn.commit()
    assert len(ids) == len(loaded)
    acts = [reference.Act(i, a.event_type, a.data, a.occurred_on, a.registered_on, a.timeliness,
                          CENTRE_CODE)
            for i, a in zip(ids, loaded, strict=True) if a.status in REGISTERED]
    from common.stats.reader import ApiEntry

    entry = ApiEntry(officer._db.rows, officer.token)
    for area, value in URBAN_RURAL.items():
        entry.set_urban_rural(area, value)
    for area, year, event, n in EXPECTED:
        entry.set_expected(area, year, event, n)
    for area, year, n in POPULATION:
        entry.set_population(area, year, n)
    return StatsCentre(dsn, home, centre, officer, centre.login(SECRETARY, PASSWORDS[SECRETARY]),
                       centre.login(AGENT, PASSWORDS[AGENT]), acts, loaded)


@pytest.fixture(scope="session")
def stats_centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StatsCentre]:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_DSN!r}: {exc}")
    name = f"ecr_test_stats_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    built: StatsCentre | None = None
    try:
        built = _build(_dsn_for(name), tmp_path_factory.mktemp("stats") / "home")
        yield built
    finally:
        if built is not None:
            built.centre.close()
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


@pytest.fixture
def owner_conn(stats_centre: StatsCentre) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(stats_centre.dsn, autocommit=True) as conn:
        yield conn


@pytest.fixture
def stats_conn(stats_centre: StatsCentre) -> Iterator[psycopg.Connection[Any]]:
    """A connection as the statisticians' role."""
    with psycopg.connect(stats_centre.stats_dsn(), autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("ecr_stats",)
        yield conn
