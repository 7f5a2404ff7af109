"""National queries end to end (issue 15): a centre asks the SCEC about an act held elsewhere.

Real centres, a real SCEC database, the real broker, a real ingest worker and
the real query responder: online by MQTT v5 request/response, and for an
isolated centre by T2D both ways.  Both ends audit the question; the SCEC
refuses a role that may not ask even when a modified client seals it, and a
centre over its hourly allowance.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from common.wire.query import NATIONAL_QUERY_ROLES, Query
from ecr_tk.cli import main as ecr_main
from ecr_tk.services.errors import PermissionRefused
from ecr_tk.services.permissions import PERMISSIONS
from ecr_tk.transmission import national
from ecr_tk.transmission.sealing import Sealer
from tests.centre.conftest import PASSWORDS, SECRETARY
from xmserver import ingest
from xmserver.cli import main as xm_main
from xmserver.service import QueryService

from .conftest import BROKER, Country, CountryCentre


@pytest.fixture
def responder(country: Country) -> Iterator[QueryService]:
    service = QueryService(country.scec.dsn, country.scec.pki, BROKER, country.root)
    service.start()
    yield service
    service.stop()


def _held_elsewhere(country: Country, workers) -> tuple[CountryCentre, CountryCentre, list[str]]:
    workers(1)
    dakar, ziguinchor = country.add_centre("224001"), country.add_centre("224002")
    nius = ziguinchor.validate(3)
    assert ziguinchor.sync(wait=60)["done"]
    country.assert_exactly_once()
    return dakar, ziguinchor, nius


def _child(centre: CountryCentre, niu: str) -> dict[str, str]:
    with psycopg.connect(centre.dsn) as conn:
        row = conn.execute("SELECT data->'child' FROM ecr.acts WHERE niu = %s", (niu,)).fetchone()
    assert row is not None
    return dict(row[0])


def test_a_secretary_finds_an_act_of_another_centre_by_niu_and_by_name_online(
        country: Country, workers, responder: QueryService) -> None:
    dakar, ziguinchor, nius = _held_elsewhere(country, workers)
    secretary = dakar.staff.secretary
    query_id = secretary.national.ask({"niu": nius[1]})
    assert national.ask_online(dakar.home, query_id, wait=30).outcome == "answered"
    result = secretary.national.result(query_id)
    assert result is not None and result["refusal"] is None
    assert [a["niu"] for a in result["acts"]] == [nius[1]] and result["found"] == 1
    assert result["acts"][0]["centre_code"] == "224002"
    assert result["centres"] == {"224002": "Centre de test"}

    child = _child(ziguinchor, nius[2])
    by_name = secretary.national.ask({"surname": child["surname"].upper(),
                                      "given_names": child["given_names"],
                                      "event_type": "birth"})
    assert national.ask_online(dakar.home, by_name, wait=30).outcome == "answered"
    found = secretary.national.result(by_name)
    assert found is not None and nius[2] in [a["niu"] for a in found["acts"]]
    assert all(a["data"]["child"]["surname"] == child["surname"] for a in found["acts"])

    # audited at both ends: who asked, what, from where; and which acts were shown
    with psycopg.connect(dakar.dsn) as conn:
        audit = conn.execute("SELECT user_number, action, detail FROM ecr.audit_log"
                             " WHERE action LIKE 'act.%national' ORDER BY seq").fetchall()
    assert [(u, a) for u, a, _ in audit] == [(SECRETARY, "act.search_national"),
                                             (SECRETARY, "act.read_national")] * 2
    assert audit[0][2]["criteria"] == {"niu": nius[1]} and audit[1][2]["acts"] == [nius[1]]
    with psycopg.connect(country.scec.dsn) as conn:
        rows = conn.execute("SELECT centre, asked_by, role, criteria, returned, carrier"
                            " FROM national_query ORDER BY received_at").fetchall()
    assert rows[0] == ("224001", SECRETARY, "secretary", {"niu": nius[1]}, [nius[1]], "mqtt")
    assert len(rows) == 2

    # the same question again (a re-sent request): the same answer, counted once
    with psycopg.connect(dakar.dsn) as conn:
        [(data,)] = conn.execute("SELECT data FROM ecr.national_query WHERE message_id = %s",
                                 (query_id,)).fetchall()
    with psycopg.connect(country.scec.dsn, autocommit=True) as conn:
        again = ingest.ingest(conn, country.scec.pki, bytes(data), carrier="t2d")
        assert again.outcome == "answered" and again.outgoing[0].kind == "QUERY_ANSWER"
        assert conn.execute("SELECT count(*) FROM national_query").fetchone() == (2,)


def test_an_agent_may_not_ask_and_a_modified_client_is_refused_by_the_scec(
        country: Country, workers) -> None:
    dakar, _, nius = _held_elsewhere(country, workers)
    with pytest.raises(PermissionRefused):
        dakar.staff.agent.national.ask({"niu": nius[0]})
    assert PERMISSIONS["act.search_national"] == NATIONAL_QUERY_ROLES

    # a client that seals the question itself, claiming the agent's role
    sealer = Sealer.from_keys(dakar.home.folder("keys"))
    import uuid

    _, forged = sealer.seal_query(Query(3, "Fatou Sarr", "agent", {"niu": nius[0]}),
                                  uuid.uuid4(), dt.datetime.now(dt.UTC))
    with psycopg.connect(country.scec.dsn, autocommit=True) as conn:
        done = ingest.ingest(conn, country.scec.pki, forged, carrier="t2d")
        assert (done.outcome, done.reason) == ("answered", "role_not_allowed")
        assert conn.execute("SELECT refusal, returned FROM national_query").fetchone() == (
            "role_not_allowed", [])
    _, answer = sealer.open_query_answer(done.outgoing[0].data)
    assert answer.refusal == "role_not_allowed" and answer.acts == ()


def test_a_centre_over_its_hourly_allowance_is_refused(country: Country, workers,
                                                       responder: QueryService) -> None:
    dakar, _, nius = _held_elsewhere(country, workers)
    assert xm_main(country.scec.args("centre", "query-limit", "224001", "1")) == 0
    officer = dakar.staff.officer
    first, second = officer.national.ask({"niu": nius[0]}), officer.national.ask({"niu": nius[1]})
    assert national.ask_online(dakar.home, first, wait=30).outcome == "answered"
    assert national.ask_online(dakar.home, second, wait=30).outcome == "answered"
    assert officer.national.result(first)["found"] == 1
    refused = officer.national.result(second)
    assert refused["refusal"] == "rate_limited" and refused["acts"] == []
    assert xm_main(country.scec.args("centre", "query-limit", "999999", "5")) != 0  # unknown


def test_an_isolated_centre_asks_and_reads_the_answer_through_removable_media(
        country: Country, workers, tmp_path: Path, capsys, monkeypatch) -> None:
    _, ziguinchor, nius = _held_elsewhere(country, workers)
    village = country.add_centre("224009", **{"transmission.broker": "127.0.0.1:9"})
    home = str(village.home.path)
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[SECRETARY])
    capsys.readouterr()
    code = ecr_main(["--home", home, "act", "show", nius[0], "--national", "--wait", "1",
                     "--as", str(SECRETARY)])
    out = capsys.readouterr().out
    assert code == 1 and "ecr national show" in out  # recorded, waits for the next exchange
    [query] = village.staff.secretary.national.recent()
    assert query["answered_at"] is None

    usb = tmp_path / "usb"
    assert ecr_main(["--home", home, "t2d", "export", str(usb)]) == 0
    assert xm_main(country.scec.args("t2d", "import", str(usb))) == 0
    assert xm_main(country.scec.args("t2d", "export", "--centre", "224009", str(usb))) == 0
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0  # twice: no-op
    capsys.readouterr()
    assert ecr_main(["--home", home, "--json", "national", "show", str(query["id"]),
                     "--as", str(SECRETARY)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [a["niu"] for a in shown["acts"]] == [nius[0]]
    child = _child(ziguinchor, nius[0])
    assert ecr_main(["--home", home, "national", "show", str(query["id"]),
                     "--as", str(SECRETARY)]) == 0
    text = capsys.readouterr().out
    assert nius[0] in text and child["surname"] in text and "224002" in text
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT carrier, returned FROM national_query").fetchall() == [
            ("t2d", [nius[0]])]


def test_the_cli_searches_the_whole_country(country: Country, workers, responder, capsys,
                                            monkeypatch) -> None:
    dakar, ziguinchor, nius = _held_elsewhere(country, workers)
    child = _child(ziguinchor, nius[1])
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[SECRETARY])
    capsys.readouterr()
    assert ecr_main(["--home", str(dakar.home.path), "search", "--national", "--surname",
                     child["surname"], "--given-names", child["given_names"],
                     "--as", str(SECRETARY)]) == 0
    out = capsys.readouterr().out
    assert nius[1] in out and "224002" in out
    # a NIU of 18 digits is refused by name, nothing is recorded
    assert ecr_main(["--home", str(dakar.home.path), "search", "--national", "--niu",
                     nius[0][:-1], "--as", str(SECRETARY)]) != 0
    assert "niu" in capsys.readouterr().err.lower()
    assert len(dakar.staff.secretary.national.recent()) == 1


def test_the_scec_lists_who_asked_what(country: Country, workers, responder, capsys) -> None:
    dakar, _, nius = _held_elsewhere(country, workers)
    query_id = dakar.staff.officer.national.ask({"niu": nius[0]})
    assert national.ask_online(dakar.home, query_id, wait=30).outcome == "answered"
    capsys.readouterr()
    assert xm_main(country.scec.args("--json", "queries", "list", "--centre", "224001")) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["centre"], row["asked_by_name"], row["role"], row["returned"]) == (
        "224001", "Awa Diop", "officer", [nius[0]])
    assert xm_main(country.scec.args("queries", "list")) == 0
    assert "Awa Diop" in capsys.readouterr().out


def test_a_question_recorded_at_a_workstation_leaves_with_the_centre_transmitter(
        country: Country, workers, responder) -> None:
    """A networked centre: the workstation only records the question; the transmitter
    (``ecr transmitter``, or the application's background worker) asks it on its
    persistent session and stores the answer, which the workstation then reads."""
    import threading
    import time

    from ecr_tk.transmission import service

    dakar, _, nius = _held_elsewhere(country, workers)
    query_id = dakar.staff.secretary.national.ask({"niu": nius[2]})
    stop = threading.Event()
    running = threading.Thread(target=service.run, args=(dakar.home, stop), daemon=True)
    running.start()
    try:
        deadline = time.monotonic() + 60
        result = dakar.staff.secretary.national.result(query_id)
        while not result["answered_at"] and time.monotonic() < deadline:
            time.sleep(0.3)
            result = dakar.staff.secretary.national.result(query_id)
    finally:
        stop.set()
        running.join(30)
    assert [a["niu"] for a in result["acts"]] == [nius[2]]
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM national_query").fetchone() == (1,)


def test_the_scec_searches_its_own_register(country: Country, workers, capsys) -> None:
    _, ziguinchor, nius = _held_elsewhere(country, workers)
    child = _child(ziguinchor, nius[0])
    capsys.readouterr()
    assert xm_main(country.scec.args("--json", "act", "search", "--surname",
                                     child["surname"].lower(), "--given-names",
                                     child["given_names"])) == 0
    shown = json.loads(capsys.readouterr().out)
    assert nius[0] in [a["niu"] for a in shown["acts"]] and shown["found"] >= 1
    assert xm_main(country.scec.args("act", "search", "--type", "birth")) != 0  # no name
    assert "NIU" in capsys.readouterr().err
