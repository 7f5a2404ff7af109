"""The typed per-event views: one row per registered act, values derived right."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from common.acts.dictionary import EVENTS, urban_rural
from tests.stats import reference
from tests.stats.conftest import URBAN_RURAL, StatsCentre


@pytest.mark.parametrize("event_key", list(EVENTS))
def test_each_event_view_has_one_row_per_registered_act(
        event_key: str, stats_centre: StatsCentre, stats_conn: Any) -> None:
    ids = [r[0] for r in stats_conn.execute(f"SELECT act_id FROM stats.{event_key}")]
    want = [a.act_id for a in stats_centre.acts if a.event_type == event_key]
    assert sorted(ids) == sorted(want)
    assert len(ids) == len(set(ids))


def test_birth_rows_carry_ages_residence_delays_and_labels(stats_centre: StatsCentre,
                                                          stats_conn: Any) -> None:
    rows = {r[0]: r[1:] for r in stats_conn.execute(
        "SELECT act_id, occurred_year, occurred_month, registered_year, registered_month, "
        "registration_delay_days, timeliness, timeliness_label_fr, mother_age, father_age, "
        "child_sex, child_sex_label_en, child_weight_g, residence_area_code, "
        "residence_urban_rural, mother_marriage_date_elapsed_years FROM stats.birth")}
    labels = {"current": "Dans le délai légal", "late": "Tardive",
              "delayed": "Très tardive (jugement)"}
    checked = Counter[str]()
    for a in stats_centre.acts:
        if a.event_type != "birth":
            continue
        d = a.data
        sex = d["child"]["sex"]
        md = d["mother"].get("marriage_date")
        want = (a.occurred_on.year, a.occurred_on.month, a.registered_on.year,
                a.registered_on.month, (a.registered_on - a.occurred_on).days, a.timeliness,
                labels.get(a.timeliness), reference.age(d["mother"], a.occurred_on),
                reference.age(d.get("father"), a.occurred_on), sex,
                {"M": "Male", "F": "Female"}.get(sex, "Not stated"), d["child"].get("weight_g"),
                reference.residence(a), urban_rural(reference.residence(a), URBAN_RURAL),
                reference.completed_years(date.fromisoformat(md), a.occurred_on) if md else None)
        got = rows[a.act_id]
        assert got == want, a.act_id
        checked["father" if d.get("father") else "no_father"] += 1
    assert checked["father"] and checked["no_father"]


def test_infant_deaths_are_resided_at_the_mother_s_residence(stats_centre: StatsCentre,
                                                             stats_conn: Any) -> None:
    rows = {r[0]: r[1:] for r in stats_conn.execute(
        "SELECT act_id, deceased_age, infant_death, residence_area_code FROM stats.death")}
    infants = 0
    for a in stats_centre.acts:
        if a.event_type == "death":
            age = reference.age(a.data["deceased"], a.occurred_on)
            assert rows[a.act_id] == (age, age < 1, reference.residence(a))
            infants += age < 1
    assert infants > 0
