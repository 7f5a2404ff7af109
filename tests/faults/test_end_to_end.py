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

from .conftest import Country


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
