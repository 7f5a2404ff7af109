"""The SCEC's administrators' reads of the national register are kept (issue 15).

A centre's national query is logged at both ends; an administrator reading acts
at the SCEC itself (``xmserver act show|history|search``, ``duplicates show``,
``conflicts show``) is logged too, with who, what was asked and which NIUs it
showed, and ``xmserver act history`` lists those reads.  The log is
append-only in the database, whatever the client.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from common.acts.summary import summarize
from tests.xmserver.senders import enroll, records
from xmserver.ingest import ingest

TOPIC = "t/centre/123456/up"


@pytest.fixture
def stored(scec, tmp_path):
    centre = enroll(scec, tmp_path)
    acts = records(3)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        assert ingest(conn, scec.pki, centre.acts(acts, 1)[1], topic=TOPIC).outcome == "stored"
    return acts


def _reads(dsn) -> list[tuple[str, str, list[str]]]:
    with psycopg.connect(dsn) as conn:
        return [(o, a, list(n)) for o, a, n in conn.execute(
            "SELECT operator, action, nius FROM admin_read ORDER BY id")]


def test_every_read_of_an_act_at_the_scec_is_kept_and_shown_in_its_history(
        scec, xm, stored, monkeypatch) -> None:
    niu = str(stored[0].niu)
    exit_code, _, err = xm("--operator", "Inspecteur Ndiaye", "act", "show", niu)
    assert exit_code == 0, err
    surname = summarize(stored[1].event_type, stored[1].data).principal[0].surname
    monkeypatch.setenv("XMSERVER_OPERATOR", "Mme Sarr (support)")
    exit_code, out, err = xm("--json", "act", "search", "--surname", surname)
    assert exit_code == 0, err
    shown = [a["niu"] for a in json.loads(out)["acts"]]
    assert str(stored[1].niu) in shown

    reads = _reads(scec.dsn)
    assert reads == [("Inspecteur Ndiaye", "act.show", [niu]),
                     ("Mme Sarr (support)", "act.search", shown)]

    exit_code, out, err = xm("--json", "--operator", "Inspecteur Ndiaye", "act", "history", niu)
    assert exit_code == 0, err
    seen = [(e["operator"], e["action"]) for e in json.loads(out)["events"]
            if e["event"] == "read_at_scec"]
    assert seen == [("Inspecteur Ndiaye", "act.show")] + (
        [("Mme Sarr (support)", "act.search")] if niu in shown else [])
    assert _reads(scec.dsn)[-1] == ("Inspecteur Ndiaye", "act.history", [niu])

    # a refused read (not a NIU) shows nothing and logs nothing
    before = len(_reads(scec.dsn))
    assert xm("act", "show", "1234")[0] == 1
    assert len(_reads(scec.dsn)) == before


def test_the_read_log_is_append_only_whoever_asks(scec, xm, stored) -> None:
    assert xm("--operator", "x", "act", "show", str(stored[0].niu))[0] == 0
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        for statement in ("DELETE FROM admin_read", "UPDATE admin_read SET operator = 'y'",
                          "TRUNCATE admin_read"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
    assert _reads(scec.dsn) == [("x", "act.show", [str(stored[0].niu)])]
