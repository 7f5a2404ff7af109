"""National duplicate review: the same child registered in two centres is flagged, both kept."""

from __future__ import annotations

import copy
import json

import psycopg

from common.acts.actjson import ActRecord
from common.acts.niu import make_niu
from tests.xmserver.senders import CODE, OTHER, enroll, records
from xmserver import ingest
from xmserver.cli import main as xm_main


def _as_centre(act: ActRecord, code: str, serial: int) -> ActRecord:
    year = act.registered_on.year
    return ActRecord(act.event_type, copy.deepcopy(dict(act.data)), "validated",
                     make_niu(code, year, serial).value, f"{serial}/{year}", code,
                     act.registered_on, act.timeliness)


def test_the_same_child_registered_in_two_centres_is_flagged_and_both_acts_kept(
        scec, tmp_path, capsys) -> None:
    first, second = enroll(scec, tmp_path, CODE), enroll(scec, tmp_path, OTHER)
    acts = [a for a in records(12) if a.event_type == "birth"][:3]
    again = _as_centre(acts[0], OTHER, 900)  # the same birth, declared again elsewhere
    same_centre = _as_centre(acts[1], CODE, 901)  # a centre's own repeat: its own check
    different = _as_centre(acts[2], OTHER, 902)
    different.data["child"]["given_names"] = "Quelqu'un D'autre"
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        assert ingest.ingest(conn, scec.pki, first.acts(acts, 1)[1]).stored == 3
        assert ingest.ingest(conn, scec.pki, first.acts([same_centre], 2)[1]).stored == 1
        assert ingest.ingest(conn, scec.pki, second.acts([again, different], 1)[1]).stored == 2
        pairs = conn.execute("SELECT niu, other_niu, centre, other_centre FROM"
                             " national_duplicate").fetchall()
        assert pairs == [(again.niu, acts[0].niu, OTHER, CODE)]
        assert conn.execute("SELECT count(*) FROM act").fetchone() == (6,)  # all kept

    capsys.readouterr()
    assert xm_main(scec.args("--json", "duplicates", "list")) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert xm_main(scec.args("--json", "duplicates", "show", str(row["id"]))) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["act"]["data"]["child"] == shown["other_act"]["data"]["child"]
    assert xm_main(scec.args("duplicates", "resolve", str(row["id"]), "same_event")) != 0
    assert xm_main(scec.args("duplicates", "resolve", str(row["id"]), "same_event",
                             "--note", "même enfant, déclaré deux fois")) == 0
    capsys.readouterr()
    assert xm_main(scec.args("--json", "duplicates", "list")) == 0
    assert json.loads(capsys.readouterr().out) == []
