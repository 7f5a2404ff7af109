"""Mentions between centres through the SCEC (issue 15), with real centres, broker and worker.

A death registered in Kaolack for a person born in Thiès reaches the birth act
in Thiès exactly once, also when Thiès is offline meanwhile and when the death
arrives at the SCEC before Thiès has sent the birth act (the mention waits at
the SCEC for its act); the SCEC's copy of the birth act gets the mention too,
when Thiès re-sends the act with it.  A marriage of two people born in two
other centres reaches both birth acts.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import psycopg

from common.acts import examples

from .conftest import Country, CountryCentre, wait_for


def _person(centre: CountryCentre, niu: str) -> tuple[Any, dict[str, Any]]:
    with psycopg.connect(centre.dsn) as conn:
        row = conn.execute("SELECT occurred_on, data->'child' FROM ecr.acts WHERE niu = %s",
                           (niu,)).fetchone()
    assert row is not None
    return row[0], dict(row[1])


def _register(centre: CountryCentre, event_type: str, data: dict[str, Any]) -> str:
    s = centre.staff
    draft = s.agent.acts.draft(event_type, data, confirm_duplicates=True)
    assert draft.id is not None, draft
    niu = s.secretary.acts.verify(draft.id)
    s.officer.acts.validate(draft.id)
    centre.validated.append(niu)
    return niu


def _mentions(centre: CountryCentre, niu: str) -> list[tuple[str, str]]:
    with psycopg.connect(centre.dsn) as conn:
        return [(str(k), str(s)) for k, s in conn.execute(
            "SELECT m.kind, m.source_niu FROM ecr.mentions m JOIN ecr.acts a ON a.id = m.act_id"
            " WHERE a.niu = %s ORDER BY m.id", (niu,)).fetchall()]


def _scec_mentions(country: Country, niu: str) -> int:
    with psycopg.connect(country.scec.dsn) as conn:
        row = conn.execute("SELECT mention_count FROM act WHERE niu = %s", (niu,)).fetchone()
    return -1 if row is None else int(row[0])


def test_a_death_that_reaches_the_scec_before_the_birth_act_waits_for_it(
        country: Country, workers) -> None:
    workers(1)
    thies, kaolack = country.add_centre("224001"), country.add_centre("224002")
    [birth_niu] = thies.validate(1)  # Thiès is offline: it has not sent it yet
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
    assert kaolack.sync(wait=60)["done"]  # the death and the routed mention are stored
    time.sleep(3)  # several relay rounds
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT routed_in FROM routed_mention").fetchall() == [(None,)]

    # Thiès comes online: its birth act arrives, then the mention is delivered to it
    assert thies.sync(wait=60)["done"]
    wait_for(lambda: (thies.sync(wait=2) and False) or _mentions(thies, birth_niu) != [],
             "the death mention at Thiès", 60)
    assert _mentions(thies, birth_niu) == [("death", death_niu)]
    # Thiès re-sends its act with the mention: the SCEC's copy has it too, once
    wait_for(lambda: (thies.sync(wait=2) and False) or _scec_mentions(country, birth_niu) == 1,
             "the mention on the SCEC's copy", 60)
    assert thies.sync(wait=30)["done"]
    assert _mentions(thies, birth_niu) == [("death", death_niu)]
    assert _scec_mentions(country, birth_niu) == 1
    country.assert_exactly_once()


def test_a_marriage_of_two_people_born_in_two_other_centres_reaches_both(
        country: Country, workers) -> None:
    workers(1)
    dakar = country.add_centre("224001")
    thies, ziguinchor = country.add_centre("224002"), country.add_centre("224003")
    [his] = thies.validate(1)
    [hers] = ziguinchor.validate(1)
    for c in (thies, ziguinchor):
        assert c.sync(wait=60)["done"]
    marriage = copy.deepcopy(examples.MARRIAGE)
    for spouse, (centre, niu) in zip(marriage["spouses"], ((thies, his), (ziguinchor, hers)),
                                     strict=True):
        _, person = _person(centre, niu)
        spouse.update({"surname": person["surname"], "given_names": person["given_names"],
                       "birth_act_niu": niu})
    marriage_niu = _register(dakar, "marriage", marriage)
    assert dakar.sync(wait=60)["done"]

    def both() -> bool:
        for c in (thies, ziguinchor):
            c.sync(wait=2)
        return bool(_mentions(thies, his)) and bool(_mentions(ziguinchor, hers))

    wait_for(both, "the marriage mention at both birth centres", 90)
    assert _mentions(thies, his) == [("marriage", marriage_niu)]
    assert _mentions(ziguinchor, hers) == [("marriage", marriage_niu)]
    for c in (thies, ziguinchor):
        assert c.sync(wait=30)["done"]
    country.assert_exactly_once()
