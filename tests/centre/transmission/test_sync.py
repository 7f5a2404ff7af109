"""``ecr sync`` against the real Mosquitto and a programmable SCEC stand-in.

The stand-in (``scec_standin``) is built from the real wire functions and stands
in for XMServer where a test must steer the answers; the real SCEC is in
tests/faults.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ecr_tk.transmission import service
from tests.centre.conftest import Staff, validated_birth

from .conftest import Enrolled
from .scec_standin import ScecStandIn

NAMES = ("Awa", "Fatou", "Aminata", "Mariama", "Khady", "Ndeye", "Coumba", "Binta", "Aissatou",
         "Rokhaya")


def _acts(dsn: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        return dict(conn.execute("SELECT niu, status FROM ecr.acts WHERE niu IS NOT NULL"
                                 ).fetchall())


def _outbox(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT kind, niu, state, refusal FROM ecr.outbox ORDER BY id"
                            ).fetchall()


def test_sync_sends_every_validated_act_and_each_is_acknowledged_once(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str) -> None:
    nius = [validated_birth(staff, given=name)[1] for name in NAMES]
    home = enrolled.centre.home
    assert home is not None
    result = service.sync(home, wait=60)
    assert result["done"], result
    assert result["pending"] == 0 and result["in_flight"] == 0
    assert result["acknowledged"] == len(_outbox(fresh_db))
    assert {n: s for n, s in _acts(fresh_db).items()} == {n: "acknowledged" for n in nius}
    assert all(scec.stored[n] == 1 for n in nius)
    # batch size 7: at least two containers, and the first sync asked where we stand
    assert scec.received["ACT_BATCH"] >= 2
    assert scec.received["SYNC_REQUEST"] >= 1
    again = service.sync(home, wait=10)
    assert again["done"] and sum(scec.stored.values()) == len(scec.stored)


def test_ecr_sync_exits_0_only_when_everything_is_acknowledged(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn,
        capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from ecr_tk.cli import main

    home = str(enrolled.centre.home.path)  # type: ignore[union-attr]
    validated_birth(staff)
    scec.answering = False
    assert main(["--home", home, "--json", "sync", "--wait", "3"]) == 1
    waiting = json.loads(capsys.readouterr().out)
    assert waiting["done"] is False and waiting["pending"] + waiting["in_flight"] == 1
    scec.answering = True
    assert main(["--home", home, "--json", "sync", "--wait", "60"]) == 0
    assert json.loads(capsys.readouterr().out)["acknowledged"] == 1
