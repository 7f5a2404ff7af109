"""The transmission rules at the database: refusals kept, audit marks, one transmitter, mentions.

Over the real Mosquitto with the SCEC stand-in of ``scec_standin`` (real wire
functions; a programmable SCEC for edge cases, the real one is in tests/faults).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest

from common.acts.niu import make_niu
from ecr_tk.transmission import service
from ecr_tk.transmission.service import TransmitterBusy
from tests.centre.conftest import Staff, example, validated_birth

from .conftest import Enrolled
from .scec_standin import ScecStandIn


def _rows(dsn: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchall()


def test_an_act_the_scec_refuses_is_kept_refused_with_its_reason_for_the_officer(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    _, kept = validated_birth(staff, given="Awa")
    _, refused = validated_birth(staff, given="Fatou")
    scec.refuse_nius[refused] = "niu_conflict"
    home = enrolled.centre.home
    assert home is not None
    result = service.sync(home, wait=60)
    assert result["pending"] == 0 and result["in_flight"] == 0 and result["refused"] == 1
    assert [(e["niu"], e["reason"]) for e in result["refused_entries"]] == [
        (refused, "niu_conflict")]
    assert dict(_rows(fresh_db, "SELECT niu, status FROM ecr.acts")) == {
        kept: "acknowledged", refused: "transmitted"}
    # the officer sees it on any workstation (application role, by session)
    figures = staff.officer.transmission.status()
    assert figures["refused"] == 1 and figures["acknowledged"] == 1
    assert figures["refused_entries"][0]["reason"] == "niu_conflict"
    # a later pass does not drop it nor send it again
    before = scec.received["ACT_BATCH"]
    assert service.sync(home, wait=5)["refused"] == 1
    assert scec.received["ACT_BATCH"] == before


def test_every_container_carries_the_audit_head_and_the_previous_reported_row(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    home = enrolled.centre.home
    assert home is not None
    validated_birth(staff, given="Awa")
    assert service.sync(home, wait=60)["done"]
    validated_birth(staff, given="Fatou")
    assert service.sync(home, wait=60)["done"]
    batches = [(seq, marks) for seq, marks in scec.audit_marks if seq > 0]
    assert [seq for seq, _ in batches] == [1, 2]
    hashes = dict((seq, bytes(h)[:16]) for seq, h in _rows(
        fresh_db, "SELECT seq, hash FROM ecr.audit_log"))
    first_head = batches[0][1][0]
    assert hashes[first_head.seq] == first_head.hash
    second = batches[1][1]
    assert second[0].seq > first_head.seq and hashes[second[0].seq] == second[0].hash
    assert (second[1].seq, second[1].hash) == (first_head.seq, first_head.hash)


def test_only_one_transmitter_per_centre_database(enrolled: Enrolled) -> None:
    home = enrolled.centre.home
    assert home is not None
    with service.opened(home):
        assert service.status(home)["transmitter_running"] is True
        with pytest.raises(TransmitterBusy) as err, service.opened(home):
            pass
        assert err.value.rule == "transmitter_busy"
    assert service.status(home)["transmitter_running"] is False


def test_a_mention_for_an_act_held_elsewhere_travels_in_a_mention_container(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    elsewhere = str(make_niu("330007", 1990, 42))
    death = example("death")
    death["birth_act_niu"] = elsewhere
    act = staff.agent.acts.draft("death", death).id
    assert act is not None
    staff.secretary.acts.verify(act)
    staff.officer.acts.validate(act)
    home = enrolled.centre.home
    assert home is not None
    assert service.sync(home, wait=60)["done"]
    assert scec.received["MENTION_OUT"] == 1 and scec.received["ACT_BATCH"] == 1
    assert {r[0] for r in _rows(fresh_db, "SELECT state FROM ecr.outbox")} == {"acknowledged"}
    assert len([k for k in scec.stored if k.startswith("m:")]) == 1


def test_a_mention_on_an_act_already_acknowledged_sends_the_act_again_with_it(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    home = enrolled.centre.home
    assert home is not None
    _, niu = validated_birth(staff)
    assert service.sync(home, wait=60)["done"]
    staff.officer.acts.add_mention(niu, "rectification", "Lire « Awa Marie »",
                                   court_decision_date=dt.date(2026, 3, 2),
                                   court_reference="Jugement n° 45/2026")
    assert service.sync(home, wait=60)["done"]
    assert scec.received["ACT_BATCH"] == 2 and scec.stored[niu] == 1
    assert _rows(fresh_db, "SELECT status FROM ecr.acts") == [("acknowledged",)]
