"""Statistics follow the workflow: an act counts from the moment its validation
commits, and never before (through the real services and the real trigger)."""

from __future__ import annotations

import copy
from pathlib import Path

import psycopg

from common.acts import examples
from common.stats.reader import DirectReader, read_table
from ecr_tk.services import Centre
from tests.stats.conftest import AGENT, OFFICER, PASSWORDS, SECRETARY


def births(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        return sum(r["births"] for r in read_table(DirectReader(conn), "LB-1").rows)


def test_an_act_enters_the_statistics_when_the_officer_validates_it(fresh_db: str,
                                                                    tmp_path: Path) -> None:
    with Centre.init(tmp_path / "home", "221002", "Centre de Mbour", OFFICER, "Awa Diop",
                     PASSWORDS[OFFICER], dsn=fresh_db, workstation="ws") as centre:
        officer = centre.login(OFFICER, PASSWORDS[OFFICER])
        officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
        officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
        agent = centre.login(AGENT, PASSWORDS[AGENT])
        secretary = centre.login(SECRETARY, PASSWORDS[SECRETARY])
        assert births(fresh_db) == 0
        draft = agent.acts.draft("birth", copy.deepcopy(examples.BIRTH), confirm_duplicates=True)
        assert draft.id is not None
        secretary.acts.verify(draft.id)
        assert births(fresh_db) == 0, "a verified act is not registered yet"
        officer.acts.validate(draft.id)
        assert births(fresh_db) == 1
        with psycopg.connect(fresh_db) as conn:
            row = conn.execute("SELECT child_sex, child_weight_g, mother_age, place_area_code "
                               "FROM stats.birth WHERE act_id = %s", (draft.id,)).fetchone()
            # the facts are the same whichever way they were made
            conn.execute("SELECT stats.rebuild_facts()")
            again = conn.execute("SELECT child_sex, child_weight_g, mother_age, "
                                 "place_area_code FROM stats.birth").fetchall()
        child = examples.BIRTH["child"]
        assert row == (child["sex"], child["weight_g"], 31, examples.BIRTH["place"]["area_code"])
        assert again == [row]
