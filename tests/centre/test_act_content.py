"""No act the data dictionary refuses can be stored, verified or validated, whatever the
client (issue 11, finding 4): the attacks of the review, played straight through
``ecr_app`` as a modified client would, and what the database derives itself.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.acts.derived import derive
from common.acts.generator import generate_acts
from ecr_tk.services import InvalidAct, InvalidValue, WorkflowRefused

from .act_mutations import Data, mutated_acts, set_at
from .conftest import SECRETARY, Staff, birth, example, validated_birth
from .test_cli_hostile_input import ecr, refused_lines


def _draft(conn: psycopg.Connection[Any], token: Any, event_type: str, data: Any) -> int:
    row = conn.execute("SELECT id FROM ecr.act_draft(%s, %s, %s::jsonb)",
                       (token, event_type, json.dumps(data, ensure_ascii=False))).fetchone()
    assert row is not None
    return int(row[0])


def _refused(conn: psycopg.Connection[Any], statement: str, params: tuple[Any, ...]
             ) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as err:
        conn.execute(statement, params)  # type: ignore[arg-type]
    return err.value


def _count(dsn: str) -> int:
    with psycopg.connect(dsn) as owner:
        row = owner.execute("SELECT count(*) FROM ecr.acts").fetchone()
        assert row is not None
        return int(row[0])


def test_the_reviewers_birth_is_refused_through_ecr_app(
        staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    data = birth()
    data["nickname"] = "x"
    data["occurred_on"] = "2099-01-01"
    data["child"]["surname"] = "<script>alert(1)</script>"
    forged = {"summary": {"principal": "Innocent Person"}, "person_keys": [], "timeliness": None}
    err = _refused(app_conn, "SELECT * FROM ecr.act_draft(%s, 'birth', %s::jsonb, %s::jsonb)",
                   (staff.agent.token, json.dumps(data), json.dumps(forged)))
    assert err.sqlstate == "42883"  # the API that took derived values from the client is gone
    err = _refused(app_conn, "SELECT * FROM ecr.act_draft(%s, 'birth', %s::jsonb)",
                   (staff.agent.token, json.dumps(data)))
    assert err.sqlstate == "EC009"
    refusal = json.loads(err.diag.message_hint or "{}")
    assert {(p["path"], p["rule"]) for p in refusal["errors"]} >= {
        ("nickname", "unknown_field"), ("occurred_on", "date_in_future"),
        ("child.surname", "name_characters")}
    assert _count(fresh_db) == 0
    with pytest.raises(InvalidAct) as through_services:  # the same refusal, in French
        staff.agent.acts._db.row("SELECT * FROM ecr.act_draft(%s, 'birth', %s::jsonb)",
                                 (staff.agent.token, json.dumps(data)))
    assert through_services.value.rule == err.diag.message_primary
    assert "›" in through_services.value.message or ":" in through_services.value.message


def test_what_a_client_could_forge_is_derived_by_the_database(
        staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    data = birth(surname="N'Diaye", given="Awa Ndèye", mother="Sow")
    act = _draft(app_conn, staff.agent.token, "birth", data)
    python = derive("birth", data, today=dt.date.today(), registered_on=dt.date.today())
    reference = json.loads(json.dumps(python.stored()))
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        # even the owner cannot make a draft say something else than its data
        owner.execute("UPDATE ecr.acts SET summary = '{\"principal\": \"Innocent Person\"}',"
                      " timeliness = 'delayed', principal_key = 'innocent|person'"
                      " WHERE id = %s", (act,))
        row = owner.execute(
            "SELECT summary, timeliness, principal_key, mother_key, occurred_on,"
            " (SELECT jsonb_agg(jsonb_build_object('role', role, 'part', part, 'key', key,"
            "  'phonetic', phonetic) ORDER BY role, part, key) FROM ecr.act_person_keys"
            "  WHERE act_id = a.id) FROM ecr.acts a WHERE id = %s", (act,)).fetchone()
    assert row is not None
    summary, timeliness, principal_key, mother_key, occurred_on, keys = row
    assert summary == reference["summary"] and summary["principal"] == "N'Diaye Awa Ndèye"
    assert (timeliness, principal_key, mother_key) == (
        reference["timeliness"], reference["principal_key"], reference["mother_key"])
    assert occurred_on.isoformat() == reference["occurred_on"]
    assert keys == sorted(reference["person_keys"],
                          key=lambda k: (k["role"], k["part"], k["key"]))


def _infant_death(birth_niu: str, sex: str = "F", given: str = "Awa") -> Data:
    death = example("death")
    death["deceased"].update(surname="Ndiaye", given_names=given, sex=sex,
                             birth_date="2025-12-28")
    for key in ("age", "marital_status", "education", "occupation", "residence_years"):
        death["deceased"].pop(key)
    del death["pregnancy_related"]
    death["birth_act_niu"] = birth_niu
    return death


def test_a_death_naming_a_womans_birth_act_as_a_mans_is_refused(
        staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    birth_id, birth_niu = validated_birth(staff)  # a girl, Awa, born 2025-12-28
    for death, rule in ((_infant_death(birth_niu, sex="M", given="Moussa"), "link_sex_mismatch"),
                        (_infant_death(birth_niu, given="Fatou"), "link_names_mismatch")):
        err = _refused(app_conn, "SELECT * FROM ecr.act_draft(%s, 'death', %s::jsonb)",
                       (staff.agent.token, json.dumps(death)))
        assert (err.sqlstate, err.diag.message_primary) == ("EC009", rule)
        # the refusal does not tell what her act says: that read left no audit row
        hint = err.diag.message_hint or ""
        assert "Awa" not in hint and '"linked"' not in hint
        with pytest.raises(InvalidAct) as refused:
            staff.agent.acts.draft("death", death)
        assert refused.value.rule == rule and "Awa" not in refused.value.message
    assert staff.officer.acts.show(birth_id).mentions == ()
    assert _count(fresh_db) == 1


def test_a_link_that_no_longer_holds_is_refused_at_verification_and_validation(
        staff: Staff) -> None:
    # the birth is verified (it has its NIU) but not validated: it can still be fixed
    girl = staff.agent.acts.draft("birth", birth()).id
    assert girl is not None
    girl_niu = staff.secretary.acts.verify(girl)
    death = staff.agent.acts.draft("death", _infant_death(girl_niu)).id
    assert death is not None
    staff.secretary.acts.verify(death)
    staff.officer.acts.reject(girl, "Sexe de l'enfant")
    boy = birth(given="Moussa")
    boy["child"]["sex"] = "M"
    staff.agent.acts.update_draft(girl, boy)
    with pytest.raises(InvalidAct) as err:
        staff.officer.acts.validate(death)
    assert (err.value.field, err.value.rule) in {("deceased.sex", "link_sex_mismatch"),
                                                 ("deceased.given_names", "link_names_mismatch")}
    assert staff.officer.acts.show(death).status == "verified"
    assert staff.officer.acts.show(girl).mentions == ()


def test_a_fifty_megabyte_draft_is_refused_without_being_walked(
        staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    data = {**birth(), "occupation_notes": "a" * (50 * 1024 * 1024)}
    start = time.perf_counter()
    err = _refused(app_conn, "SELECT * FROM ecr.act_draft(%s, 'birth', %s::jsonb)",
                   (staff.agent.token, json.dumps(data)))
    seconds = time.perf_counter() - start
    assert (err.sqlstate, err.diag.message_primary) == ("EC005", "act_too_large")
    assert json.loads(err.diag.message_hint or "{}")["limit"] == 256 * 1024
    assert seconds < 15, seconds  # the transfer and JSON parse of 50 MB; nothing after
    assert _count(fresh_db) == 0


def _legacy(fresh_db: str, staff: Staff, data: Data, status: str = "draft") -> int:
    """An act written as before migration 0403 (no trigger), as its client sent it."""
    act = staff.agent.acts.draft("birth", birth(), confirm_duplicates=True).id
    assert act is not None
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("SET session_replication_role = replica")
        owner.execute("UPDATE ecr.acts SET data = %s::jsonb, status = %s,"
                      " niu = CASE WHEN %s = 'verified' THEN '2210012026999999998' END"
                      " WHERE id = %s", (json.dumps(data), status, status, act))
    return act


def test_an_invalid_act_stored_before_the_check_is_neither_verified_nor_validated(
        staff: Staff, fresh_db: str, tmp_path: Path) -> None:
    bad = set_at(birth(), "occurred_on", "2099-01-01")
    draft = _legacy(fresh_db, staff, bad)
    with pytest.raises(InvalidAct) as err:
        staff.secretary.acts.verify(draft)
    assert (err.value.field, err.value.rule) == ("occurred_on", "date_in_future")
    # through the real command line too: every error, one line each naming field and rule
    lines = refused_lines(ecr(tmp_path / "home", "act", "verify", f"id:{draft}", "--as",
                              str(SECRETARY), user=SECRETARY))
    assert lines[0].endswith("[occurred_on] (date_in_future)")
    verified = _legacy(fresh_db, staff, set_at(bad, "nickname", "x"), status="verified")
    with pytest.raises(InvalidAct) as err:
        staff.officer.acts.validate(verified)
    assert err.value.rule in {"unknown_field", "date_in_future"}
    assert {"unknown_field", "date_in_future"} <= {i.rule for i in err.value.report.errors}
    # sending it back stays possible, and the agent's fix is checked
    staff.officer.acts.reject(verified, "Date de l'événement")
    with pytest.raises(InvalidAct):
        staff.agent.acts._db.row("SELECT * FROM ecr.act_update_draft(%s, %s, %s::jsonb)",
                                 (staff.agent.token, verified, json.dumps(bad)))
    staff.agent.acts.update_draft(verified, birth(given="Khady"))
    assert staff.secretary.acts.show(verified).status == "draft"


def test_what_the_old_api_refused_is_still_refused(staff: Staff,
                                                   app_conn: psycopg.Connection[Any]) -> None:
    for event_type, data, state in (("nope", {}, "EC005"), ("birth", [1], "EC005"),
                                    ("birth", None, "EC005")):
        err = _refused(app_conn, "SELECT * FROM ecr.act_draft(%s, %s, %s::jsonb)",
                       (staff.agent.token, event_type, json.dumps(data)))
        assert err.sqlstate == state
    with pytest.raises(InvalidValue):
        staff.agent.acts.draft("birth", [1])  # type: ignore[arg-type]
    act, _ = validated_birth(staff)
    with pytest.raises(WorkflowRefused):
        staff.agent.acts.update_draft(act, birth())


# ----------------------------------------------------------------- any act, via ecr_app
@pytest.fixture(scope="module")
def today_corpus() -> list[tuple[str, Data, dt.date]]:
    today = dt.date.today()
    return [(a.event_type, a.data, today) for a in generate_acts(30, seed=404, today=today)]


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_every_act_the_dictionary_refuses_is_refused_through_ecr_app(
        staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str,
        today_corpus: list[tuple[str, Data, dt.date]], data: st.DataObject) -> None:
    event_type, act, today = data.draw(mutated_acts(today_corpus))
    before = _count(fresh_db)
    stored = app_conn.execute("SELECT %s::jsonb::text", (json.dumps(act),)).fetchone()
    assert stored is not None
    verdict = derive(event_type, json.loads(stored[0]), today=today, registered_on=today)
    try:
        _draft(app_conn, staff.agent.token, event_type, act)
    except psycopg.Error as err:
        assert not verdict.ok, (err.diag.message_primary, err.diag.message_detail)
        assert err.sqlstate == "EC009"
        assert (err.diag.message_detail, err.diag.message_primary) in verdict.report.rules()
        assert _count(fresh_db) == before  # nothing written, nothing to verify or validate
    else:
        assert verdict.ok, verdict.report.rules()
        assert _count(fresh_db) == before + 1


def test_acts_stored_before_the_check_are_derived_again_and_listed(
        fresh_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A centre upgraded to 0403: what clients wrote as derived values is replaced.

    Every other migration is applied (a centre needs its login machinery, 041x, to
    open); 0403 comes last, as on a centre that upgrades."""
    from common.db import migrate as migrations
    from ecr_tk.services import Centre

    real = migrations.load_migrations

    def without_0403(target: str, folder: Any = None) -> list[Any]:
        return [m for m in real(target, folder) if target != "centre" or m.version != 403]

    monkeypatch.setattr(migrations, "load_migrations", without_0403)
    centre = Centre.init(tmp_path / "home", "221001", "Centre", 1, "Awa Diop", "officer-pass-1",
                         dsn=fresh_db)
    try:
        officer = centre.login(1, "officer-pass-1")
        officer.users.add(3, "Fatou Sarr", "agent", "agent-pass-01")
        agent = centre.login(3, "agent-pass-01")
        forged = {"summary": {"principal": "Innocent Person"}, "principal_key": "x|y",
                  "person_keys": [{"role": "principal", "part": "surname", "key": "innocent",
                                   "phonetic": "INSNT"}]}
        bad = set_at(birth(), "occurred_on", "2099-01-01")
        ids = [agent.acts._db.row(
            "SELECT id FROM ecr.act_draft(%s, 'birth', %s::jsonb, %s::jsonb)",
            (agent.token, json.dumps(d), json.dumps(forged)))["id"] for d in (birth(), bad)]
        monkeypatch.setattr(migrations, "load_migrations", real)
        with psycopg.connect(fresh_db, autocommit=True) as owner:
            assert [n for n in migrations.migrate(owner) if n.startswith("04")] == [
                "0403_acts_checked_in_the_database.sql"]
            rows = dict(owner.execute("SELECT id, summary ->> 'principal' FROM ecr.acts"
                                      " ORDER BY id").fetchall())
            keys = {r[0] for r in owner.execute("SELECT key FROM ecr.act_person_keys"
                                                " WHERE act_id = %s", (ids[0],))}
            refused = owner.execute("SELECT act_id, field, rule"
                                    " FROM ecr.acts_the_dictionary_refuses()").fetchall()
        assert rows[ids[0]] == "Ndiaye Awa" and "innocent" not in keys and "ndiaye" in keys
        assert rows[ids[1]] == "Innocent Person"  # refused: kept, and listed
        assert refused == [(ids[1], "occurred_on", "date_in_future")]
    finally:
        centre.close()


@pytest.mark.parametrize("statement", [
    "SELECT ecr._act_examine('birth', '{}', current_date, current_date, '{}')",
    "SELECT ecr._act_check('birth', '{}', current_date)",
    "SELECT ecr._act_rules()",
    "SELECT ecr.name_search_key('Awa')",
    "SELECT ecr.acts_the_dictionary_refuses()",
    "SELECT * FROM ecr.act_fields",
    "SELECT * FROM ecr.act_name_chars",
    "DELETE FROM ecr.act_code_lists",
    "ALTER TABLE ecr.acts DISABLE TRIGGER acts_content",
])
def test_the_application_role_reaches_none_of_the_checks_but_through_the_api(
        staff: Staff, app_conn: psycopg.Connection[Any], statement: str) -> None:
    assert _refused(app_conn, statement, ()).sqlstate == "42501"
