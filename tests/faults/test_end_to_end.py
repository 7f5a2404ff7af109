"""Centralisation end to end: centres' transmitters → real Mosquitto → real XMServer workers.

Two online centres and an SCEC with two workers: every act validated in both is
stored exactly once at the SCEC, acknowledged at its centre and readable with
``xmserver act show NIU --json``.  A third, isolated centre is centralised by
T2D both ways (``ecr t2d export`` → ``xmserver t2d import`` → ``xmserver t2d
export`` → ``ecr t2d import``), with the same containers and the same code path.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecr_tk.cli import main as ecr_main
from xmserver.cli import main as xm_main

from .conftest import Country, wait_for


def test_two_centres_are_centralised_exactly_once_through_two_workers(
        country: Country, workers, capsys: pytest.CaptureFixture[str]) -> None:
    pool = workers(2)
    thies, kaolack = country.add_centre("224001"), country.add_centre("224002")
    thies.validate(10)
    kaolack.validate(8)
    for c in (thies, kaolack):
        result = c.sync(wait=60)
        assert result["done"], result
        assert result["refused"] == 0
    country.assert_exactly_once()
    assert sum(w.stats.stored for w in pool) >= 4  # batches of 7: at least 2 per centre
    assert country.quarantined() == []

    capsys.readouterr()
    niu = kaolack.validated[3]
    assert xm_main(country.scec.args("--json", "act", "show", niu)) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["centre"] == "224002" and shown["record"]["niu"] == niu
    assert shown["record"]["data"]["child"]["surname"] == "Diop-Sow"

    # new acts later: only they travel
    thies.validate(2)
    assert thies.sync(wait=60)["done"]
    country.assert_exactly_once()


def test_an_isolated_centre_is_centralised_by_removable_media_both_ways(
        country: Country, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    village = country.add_centre("224009", **{"transmission.broker": "127.0.0.1:9"})
    village.validate(9)
    usb = tmp_path / "usb"
    home = str(village.home.path)
    assert ecr_main(["--home", home, "t2d", "export", str(usb)]) == 0
    assert xm_main(country.scec.args("--json", "t2d", "import", str(usb))) == 0
    capsys.readouterr()
    assert set(country.stored()) == set(village.validated)
    # the same stick again (the clerk is not sure it worked): nothing new
    assert xm_main(country.scec.args("--json", "t2d", "import", str(usb))) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["stored"] == 0 and report[0]["duplicates"] >= 2
    assert xm_main(country.scec.args("t2d", "export", "--centre", "224009", str(usb))) == 0
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0
    country.assert_exactly_once()
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0  # twice: no-op
    country.assert_exactly_once()


def test_a_folder_for_another_centre_is_refused_by_name(country: Country, tmp_path: Path,
                                                         capsys) -> None:
    village = country.add_centre("224009", **{"transmission.broker": "127.0.0.1:9"})
    other = country.add_centre("224010", **{"transmission.broker": "127.0.0.1:9"})
    village.validate(1)
    usb = tmp_path / "usb"
    assert ecr_main(["--home", str(village.home.path), "t2d", "export", str(usb)]) == 0
    assert xm_main(country.scec.args("t2d", "import", str(usb))) == 0
    assert xm_main(country.scec.args("t2d", "export", "--centre", "224009", str(usb))) == 0
    capsys.readouterr()
    assert ecr_main(["--home", str(other.home.path), "t2d", "import", str(usb)]) != 0
    err = capsys.readouterr().err
    assert "224009" in err and "224010" in err


def test_a_death_in_one_centre_reaches_the_birth_act_held_by_another(
        country: Country, workers) -> None:
    """A child born in Thiès dies in Kaolack: the death mention travels Kaolack → SCEC → Thiès."""
    import copy

    import psycopg

    from common.acts import examples

    workers(1)
    thies, kaolack = country.add_centre("224001"), country.add_centre("224002")
    [birth_niu] = thies.validate(1)
    assert thies.sync(wait=60)["done"]
    with psycopg.connect(thies.dsn) as conn:
        born, child = conn.execute("SELECT occurred_on, data->'child' FROM ecr.acts"
                                   " WHERE niu = %s", (birth_niu,)).fetchone()
    death = copy.deepcopy(examples.DEATH)
    death["deceased"].update({
        "surname": child["surname"], "given_names": child["given_names"], "sex": child["sex"],
        "birth_date": born.isoformat(), "age": 0, "marital_status": "never_married"})
    for key in ("education", "occupation", "residence_years"):
        death["deceased"].pop(key, None)
    death.pop("pregnancy_related", None)
    death["birth_act_niu"] = birth_niu
    s = kaolack.staff
    draft = s.agent.acts.draft("death", death, confirm_duplicates=True)
    assert draft.id is not None
    death_niu = s.secretary.acts.verify(draft.id)
    s.officer.acts.validate(draft.id)
    kaolack.validated.append(death_niu)
    assert kaolack.sync(wait=60)["done"]  # the act and the routed mention acknowledged
    country.assert_exactly_once()
    with psycopg.connect(country.scec.dsn) as conn:
        routed = conn.execute("SELECT target_centre, routed_in IS NOT NULL FROM routed_mention"
                              ).fetchall()
    assert [tuple(r) for r in routed] == [("224001", True)]

    def arrived() -> list[tuple[str, str]]:
        thies.sync(wait=2)  # Thiès connects; the broker delivers the MENTION_IN it kept
        with psycopg.connect(thies.dsn) as conn:
            return [tuple(m) for m in conn.execute(
                "SELECT m.kind, m.source_niu FROM ecr.mentions m JOIN ecr.acts a"
                " ON a.id = m.act_id WHERE a.niu = %s", (birth_niu,)).fetchall()]

    wait_for(lambda: arrived() != [], "the death mention at Thiès", 60)
    assert arrived() == [("death", death_niu)]
    assert thies.sync(wait=30)["done"]  # applied once, however often it is delivered
    with psycopg.connect(thies.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM ecr.mentions").fetchone()[0] == 1
