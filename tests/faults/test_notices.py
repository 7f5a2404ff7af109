"""What the SCEC tells centres about their acts (issue 15): real centres, broker, worker, T2D.

The same child registered in an online centre and in an isolated one (T2D only)
is flagged at the SCEC and *seen by both*: each centre's officer reads a notice
naming its own act and the other centre's; the SCEC administrator's decision
reaches both the same way.  A death registered in Kaolack for a person born in
Thiès comes back to Kaolack as "applied" once Thiès has written it on the birth
act.  Every notice is recorded once, however often it is delivered, and reading
one is audited.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from ecr_tk.cli import main as ecr_main
from ecr_tk.services.errors import PermissionRefused
from tests.centre.conftest import PASSWORDS, SECRETARY, validated_birth
from xmserver.cli import main as xm_main

from .conftest import Country, CountryCentre, wait_for
from .test_mentions_between_centres import _mentions, _person, _register


def _notices(centre: CountryCentre, **kw) -> list[dict]:
    return centre.staff.officer.national.notices(**kw)


def _t2d_round(country: Country, village: CountryCentre, usb: Path) -> None:
    home = str(village.home.path)
    assert ecr_main(["--home", home, "t2d", "export", str(usb)]) == 0
    assert xm_main(country.scec.args("t2d", "import", str(usb))) == 0
    assert xm_main(country.scec.args("t2d", "export", "--centre", village.code, str(usb))) == 0
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0


def test_a_child_registered_in_two_centres_is_seen_by_both_also_through_removable_media(
        country: Country, workers, tmp_path: Path, capsys, monkeypatch) -> None:
    workers(1)
    dakar = country.add_centre("224001")
    village = country.add_centre("224009", **{"transmission.broker": "127.0.0.1:9"})
    [online] = [validated_birth(dakar.staff, given="Ousmane", surname="Badji")[1]]
    [isolated] = [validated_birth(village.staff, given="Ousmane", surname="Badji")[1]]
    dakar.validated.append(online)
    village.validated.append(isolated)
    assert dakar.sync(wait=60)["done"]
    usb = tmp_path / "usb"
    _t2d_round(country, village, usb)  # the village's act arrives second: flagged

    with psycopg.connect(country.scec.dsn) as conn:
        [(pair, niu, other)] = conn.execute(
            "SELECT id, niu, other_niu FROM national_duplicate").fetchall()
    assert (niu, other) == (isolated, online)

    # the online centre is told by the workers' relay
    wait_for(lambda: (dakar.sync(wait=2) and False) or bool(_notices(dakar)),
             "the duplicate notice at Dakar", 120)
    [seen] = _notices(dakar)
    assert (seen["kind"], seen["niu"], seen["other_niu"], seen["other_centre"],
            seen["own_niu"], seen["detail"]) == (
        "possible_duplicate", online, isolated, "224009", online, "birth")
    # the isolated one by the next T2D round, and twice is once
    _t2d_round(country, village, usb)
    assert ecr_main(["--home", str(village.home.path), "t2d", "import", str(usb)]) == 0
    [theirs] = _notices(village)
    assert (theirs["kind"], theirs["niu"], theirs["other_niu"], theirs["other_centre"],
            theirs["reference"]) == ("possible_duplicate", isolated, online, "224001",
                                     f"d:{pair}")

    # the officer reads it in words, and marks it read; both audited
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[SECRETARY])
    capsys.readouterr()
    assert ecr_main(["--home", str(village.home.path), "national", "notices",
                     "--as", str(SECRETARY)]) == 0
    text = capsys.readouterr().out
    assert "224001" in text and online[:4] in text and "birth" not in text  # named, in French
    assert ecr_main(["--home", str(village.home.path), "national", "notice-read",
                     str(theirs["id"]), "--as", str(SECRETARY)]) == 0
    assert _notices(village) == []
    [read] = _notices(village, unread_only=False)
    assert read["read_by"] == "Moussa Fall"
    with psycopg.connect(village.dsn) as conn:
        actions = [str(a) for (a,) in conn.execute(
            "SELECT action FROM ecr.audit_log WHERE action LIKE 'notice.%' ORDER BY seq")]
    assert actions[0] == "notice.receive"
    assert actions[-2:] == ["notice.mark_read", "notice.read"]  # marked, then listed
    with pytest.raises(PermissionRefused):
        village.staff.agent.national.notices()  # an agent does not read them

    # the SCEC decides: both centres learn it
    assert xm_main(country.scec.args("duplicates", "resolve", str(pair), "same_event",
                                     "--note", "même enfant déclaré deux fois")) == 0
    wait_for(lambda: (dakar.sync(wait=2) and False) or len(_notices(dakar)) == 2,
             "the decision at Dakar", 120)
    assert {n["kind"]: n["detail"] for n in _notices(dakar)} == {
        "possible_duplicate": "birth", "duplicate_resolved": "same_event"}
    _t2d_round(country, village, usb)
    assert [(n["kind"], n["detail"]) for n in _notices(village)] == [
        ("duplicate_resolved", "same_event")]
    capsys.readouterr()
    assert ecr_main(["--home", str(village.home.path), "--json", "national", "notices",
                     "--all", "--as", str(SECRETARY)]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2

    # the SCEC's history of the act says all of it, in order
    assert xm_main(country.scec.args("--json", "act", "history", online)) == 0
    history = json.loads(capsys.readouterr().out)
    events = [e["event"] for e in history["events"]]
    assert events[0] == "stored" and history["events"][0]["centre"] == "224001"
    [pair_event] = [e for e in history["events"] if e["event"] == "possible_duplicate"]
    assert (pair_event["other_niu"], pair_event["resolution"]) == (isolated, "same_event")
    assert events.count("notice") == 4  # flagged and decided, told to both centres
    assert xm_main(country.scec.args("act", "history", "12345")) != 0  # not a NIU: refused
    country.assert_exactly_once()


def test_the_centre_that_sent_a_mention_learns_it_was_applied(country: Country, workers,
                                                               capsys) -> None:
    import copy

    from common.acts import examples

    workers(1)
    thies, kaolack = country.add_centre("224001"), country.add_centre("224002")
    [birth_niu] = thies.validate(1)
    assert thies.sync(wait=60)["done"]
    born, child = _person(thies, birth_niu)
    death = copy.deepcopy(examples.DEATH)
    death["deceased"].update({
        "surname": child["surname"], "given_names": child["given_names"], "sex": child["sex"],
        "birth_date": born.isoformat(), "age": 0, "marital_status": "never_married"})
    for key in ("education", "occupation", "residence_years"):
        death["deceased"].pop(key, None)
    death.pop("pregnancy_related", None)
    death["birth_act_niu"] = birth_niu
    death_niu = _register(kaolack, "death", death)
    assert kaolack.sync(wait=60)["done"]
    wait_for(lambda: (thies.sync(wait=2) and False) or _mentions(thies, birth_niu) != [],
             "the death mention at Thiès", 60)
    # Thiès re-sends its act with the mention; the SCEC tells Kaolack
    def told() -> bool:
        thies.sync(wait=2)
        kaolack.sync(wait=2)
        return bool(_notices(kaolack))

    wait_for(told, "the 'applied' notice at Kaolack", 90)
    [applied] = _notices(kaolack)
    assert (applied["kind"], applied["niu"], applied["other_niu"], applied["other_centre"],
            applied["detail"], applied["own_niu"]) == (
        "mention_applied", birth_niu, death_niu, "224001", "death", death_niu)
    assert applied["reference"].startswith("m:")
    with psycopg.connect(kaolack.dsn) as conn:
        [(item,)] = conn.execute("SELECT e.item_id FROM ecr.outbox o JOIN"
                                 " ecr.tx_container_entries e ON e.outbox_id = o.id"
                                 " WHERE o.kind = 'mention'").fetchall()
    assert item == applied["reference"]  # the mention the sending centre's outbox names
    assert _notices(thies) == []  # the holding centre is not told about its own work
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM routed_mention WHERE applied_at IS NOT NULL"
                            ).fetchone() == (1,)
    capsys.readouterr()
    assert xm_main(country.scec.args("--json", "act", "history", birth_niu)) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    [routed] = [e for e in events if e["event"] == "routed_mention"]
    assert (routed["from_centre"], routed["to_centre"], routed["kind"]) == (
        "224002", "224001", "death") and routed["applied_at"]
    assert [e["kind"] for e in events if e["event"] == "mention"] == ["death"]
    country.assert_exactly_once()
