"""The rules that matter hold in PostgreSQL: roles, workflow steps, login, suspension.

Each refusal is checked through the services (a clear error with its rule) and,
for the rules a modified client could try to skip, with plain SQL as ecr_app.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ecr_tk.services import (
    Centre,
    LoginRefused,
    PermissionRefused,
    SessionRefused,
    WorkflowRefused,
)

from .conftest import AGENT, OFFICER, PASSWORDS, SECRETARY, Staff, birth, validated_birth


def test_agent_cannot_validate_an_act(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    staff.secretary.acts.verify(act)
    with pytest.raises(PermissionRefused) as err:
        staff.agent.acts.validate(act)
    assert err.value.rule == "action_not_permitted"


def test_secretary_cannot_validate_an_act(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    staff.secretary.acts.verify(act)
    with pytest.raises(PermissionRefused) as err:
        staff.secretary.acts.validate(act)
    assert err.value.rule == "action_not_permitted"
    assert staff.officer.acts.show(act).status == "verified"


def test_agent_cannot_verify_an_act(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    with pytest.raises(PermissionRefused):
        staff.agent.acts.verify(act)
    assert staff.agent.acts.show(act).niu is None


def test_an_act_cannot_skip_verification(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    with pytest.raises(WorkflowRefused) as err:
        staff.officer.acts.validate(act)
    assert err.value.rule == "transition_not_allowed"
    assert staff.officer.acts.show(act).status == "draft"


def test_a_validated_act_cannot_be_verified_rejected_or_edited_again(staff: Staff) -> None:
    act, _ = validated_birth(staff)
    for attempt in (lambda: staff.secretary.acts.verify(act),
                    lambda: staff.officer.acts.reject(act, "trop tard"),
                    lambda: staff.agent.acts.update_draft(act, birth(given="Khady"))):
        with pytest.raises(WorkflowRefused):
            attempt()
    assert staff.officer.acts.show(act).data["child"]["given_names"] == "Awa"


def test_rejection_goes_back_to_the_agent_who_fixes_and_resubmits(staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    staff.secretary.acts.reject(act, "Prénom mal orthographié")
    assert [s.id for s in staff.agent.acts.queue("rejected")] == [act]
    assert staff.agent.acts.show(act).rejection_reason == "Prénom mal orthographié"
    staff.agent.acts.update_draft(act, birth(given="Awa Marie"))
    assert staff.agent.acts.show(act).status == "draft"
    niu = staff.secretary.acts.verify(act)
    staff.officer.acts.reject(act, "Nom de la mère à vérifier")
    staff.agent.acts.update_draft(act, birth(given="Awa Marie", mother="Sow"))
    assert staff.secretary.acts.verify(act) == niu  # the NIU is kept, no serial burnt
    staff.officer.acts.validate(act)
    assert staff.agent.acts.show(act).status == "validated"


def test_only_the_drafting_agent_may_change_a_draft(centre: Centre, staff: Staff) -> None:
    staff.officer.users.add(4, "Ibrahima Ba", "agent", "other-agent-1")
    other = centre.login(4, "other-agent-1")
    act = staff.agent.acts.draft("birth", birth()).id
    assert act is not None
    with pytest.raises(PermissionRefused) as err:
        other.acts.update_draft(act, birth(given="Khady"))
    assert err.value.rule == "not_own_draft"


# ------------------------------------------------------------- plain SQL as ecr_app
def _refused(conn: psycopg.Connection[Any], statement: str, params: tuple[Any, ...] = ()
             ) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as err:
        conn.execute(statement, params)  # type: ignore[arg-type]
    return err.value


@pytest.mark.parametrize("statement", [
    "SELECT * FROM ecr.acts",
    "SELECT * FROM ecr.users",
    "SELECT * FROM ecr.sessions",
    "SELECT * FROM ecr.audit_log",
    "SELECT * FROM ecr.act_person_keys",
    "SELECT * FROM ecr.copies",
    "SELECT * FROM ecr.outbox",
    "SELECT * FROM ecr.server_secret",
    "INSERT INTO ecr.acts (event_type, status, register_year, register_serial, data, "
    "registered_on, drafted_by) VALUES ('birth', 'validated', 2026, 999, '{}', current_date, 1)",
    "UPDATE ecr.users SET privilege = 9",
    "UPDATE ecr.counters SET last = 0",
    "DELETE FROM ecr.audit_log",
    "UPDATE ecr.audit_log SET detail = '{}'",
    "TRUNCATE ecr.audit_log",
    "SELECT ecr._audit_verify()",
    "SELECT ecr.mark_transmitted(1)",
    "SELECT ecr.init_centre('000000', 'x', 99, 'x', '\\x00', '{}', '\\x00')",
    "CREATE TABLE ecr.mine (x int)",
])
def test_the_application_role_has_no_way_around_the_api(
        staff: Staff, app_conn: psycopg.Connection[Any], statement: str) -> None:
    validated_birth(staff)
    err = _refused(app_conn, statement)
    assert err.sqlstate == "42501", err  # insufficient_privilege


def test_a_validated_act_cannot_be_changed_even_by_the_owner(centre: Centre, staff: Staff,
                                                             fresh_db: str) -> None:
    act, niu = validated_birth(staff)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        for statement in ("UPDATE ecr.acts SET data = '{}' WHERE id = %s",
                          "UPDATE ecr.acts SET niu = NULL WHERE id = %s",
                          "UPDATE ecr.acts SET status = 'draft' WHERE id = %s",
                          "DELETE FROM ecr.acts WHERE id = %s",
                          "DELETE FROM ecr.act_person_keys WHERE act_id = %s"):
            err = _refused(owner, statement, (act,))
            assert err.sqlstate in ("EC003", "EC007"), (statement, err)
        # a mention is the only way to add to it
    staff.officer.acts.add_mention(act, "rectification", "Lire « Awa » au lieu de « Awà »",
                                   court_decision_date=__import__("datetime").date(2026, 2, 1),
                                   court_reference="Jugement 12/2026")
    assert staff.officer.acts.show(niu).data["child"]["given_names"] == "Awa"


def test_the_api_refuses_a_forged_or_missing_session(app_conn: psycopg.Connection[Any],
                                                     staff: Staff) -> None:
    import uuid

    err = _refused(app_conn, "SELECT ecr.act_verify(%s, 1)", (uuid.uuid4(),))
    assert err.sqlstate == "EC001"
    err = _refused(app_conn, "SELECT ecr.act_verify(NULL, 1)")
    assert err.sqlstate == "EC001"


def test_the_agent_token_cannot_validate_through_plain_sql(
        staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    staff.secretary.acts.verify(act)  # type: ignore[arg-type]
    err = _refused(app_conn, "SELECT ecr.act_validate(%s, %s)", (staff.agent.token, act))
    assert err.sqlstate == "EC002"


# ---------------------------------------------------------------------- login
def test_wrong_password_is_refused(centre: Centre, staff: Staff) -> None:
    with pytest.raises(LoginRefused) as err:
        centre.login(AGENT, "not-the-password")
    assert err.value.rule == "wrong_password"


def test_an_unknown_number_looks_like_a_wrong_password(centre: Centre, staff: Staff) -> None:
    with pytest.raises(LoginRefused) as err:
        centre.login(4242, "whatever-it-is")
    assert err.value.rule == "wrong_password"


def test_unknown_numbers_get_a_stable_fake_salt(centre: Centre,
                                                app_conn: psycopg.Connection[Any]) -> None:
    q = "SELECT salt, time_cost, memory_cost, parallelism FROM ecr.login_parameters(%s)"
    first = app_conn.execute(q, (4242,)).fetchone()
    assert first == app_conn.execute(q, (4242,)).fetchone()
    assert first != app_conn.execute(q, (4243,)).fetchone()
    real = app_conn.execute(q, (OFFICER,)).fetchone()
    assert first is not None and real is not None
    assert len(first[0]) == len(real[0]) and first[1:] == real[1:]


def test_five_failures_lock_the_account_until_the_officer_unlocks_it(centre: Centre,
                                                                      staff: Staff) -> None:
    rules = []
    for _ in range(5):
        with pytest.raises(LoginRefused) as err:
            centre.login(SECRETARY, "bad-password")
        rules.append(err.value.rule)
    assert rules == ["wrong_password"] * 4 + ["user_locked"]
    with pytest.raises(LoginRefused) as err:
        centre.login(SECRETARY, PASSWORDS[SECRETARY])
    assert err.value.rule == "user_locked"
    # the secretary's open session is refused too
    with pytest.raises(PermissionRefused) as err2:
        staff.secretary.acts.queue("to_verify")
    assert err2.value.rule == "user_locked"
    staff.officer.users.unlock(SECRETARY)
    centre.login(SECRETARY, PASSWORDS[SECRETARY])


def test_a_success_resets_the_failure_count(centre: Centre, staff: Staff) -> None:
    for _ in range(4):
        with pytest.raises(LoginRefused):
            centre.login(AGENT, "bad-password")
    centre.login(AGENT, PASSWORDS[AGENT])
    for _ in range(4):
        with pytest.raises(LoginRefused):
            centre.login(AGENT, "bad-password")
    centre.login(AGENT, PASSWORDS[AGENT])


def test_a_suspended_user_cannot_log_in_and_their_open_session_stops_at_once(
        centre: Centre, staff: Staff) -> None:
    act = staff.agent.acts.draft("birth", birth()).id
    staff.officer.users.suspend(AGENT)
    with pytest.raises(PermissionRefused) as err:
        staff.agent.acts.show(act)  # type: ignore[arg-type]
    assert err.value.rule == "user_suspended"
    with pytest.raises(LoginRefused) as err2:
        centre.login(AGENT, PASSWORDS[AGENT])
    assert err2.value.rule == "user_suspended"
    staff.officer.users.set_privilege(AGENT, 1)
    centre.login(AGENT, PASSWORDS[AGENT]).acts.show(act)  # type: ignore[arg-type]


def test_a_suspended_user_with_a_wrong_password_is_told_wrong_password(
        centre: Centre, staff: Staff) -> None:
    staff.officer.users.suspend(AGENT)
    with pytest.raises(LoginRefused) as err:
        centre.login(AGENT, "bad-password")
    assert err.value.rule == "wrong_password"


def test_a_closed_session_is_refused(staff: Staff) -> None:
    staff.agent.logout()
    with pytest.raises(SessionRefused) as err:
        staff.agent.acts.queue("my_drafts")
    assert err.value.rule == "session_closed"


def test_an_idle_session_expires(staff: Staff, fresh_db: str) -> None:
    staff.officer.settings.set_session_idle_minutes(5)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("UPDATE ecr.sessions SET last_seen = now() - interval '6 minutes'"
                      " WHERE user_number = %s", (AGENT,))
    with pytest.raises(SessionRefused) as err:
        staff.agent.acts.queue("my_drafts")
    assert err.value.rule == "session_expired"
    staff.secretary.acts.queue("to_verify")  # other sessions are untouched
    assert OFFICER == staff.officer.user.number
