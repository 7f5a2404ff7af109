"""Logins and sessions against someone who does not follow the rules (issue 11).

Every attack is played with plain SQL as the application role, as a modified
workstation would: findings 5 (an officer locked out for good), 7 (sessions
that outlive a password reset, a suspension or a lock), 9 (key-derivation
parameters without bounds), 11 (a workstation name taken from the client, an
audit trail flooded by refused logins) and 16 (a known number answered by
different work than an unknown one).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ecr_tk.services import Centre, LoginRefused
from ecr_tk.services.errors import InvalidValue, SessionRefused
from tests.centre.conftest import AGENT, OFFICER, PASSWORDS, SECRETARY, Staff
from tests.centre.test_cli import OFFICER_PW, SECRETARY_PW, Ecr

DEFAULT_KDF = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


def attempt(conn: psycopg.Connection[Any], number: int | None, proof: bytes | None = None,
            workstation: str = "ws-attacker") -> str:
    """One login attempt with a random proof, straight to SQL; returns the outcome."""
    row = conn.execute("SELECT outcome FROM ecr.open_session(%s, %s, %s)",
                       (number, os.urandom(32) if proof is None else proof,
                        workstation)).fetchone()
    assert row is not None
    return str(row[0])


def whoami(conn: psycopg.Connection[Any], token: uuid.UUID) -> psycopg.Error | None:
    """None if the token is accepted, else the refusal."""
    try:
        conn.execute("SELECT * FROM ecr.whoami(%s)", (token,))
    except psycopg.Error as exc:
        return exc
    return None


def owner_exec(dsn: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as owner:
        cur = owner.execute(statement, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


# ----------------------------------------------------------- 5: officer lockout
def test_five_random_proofs_lock_the_officer_but_the_lock_expires(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    outcomes = [attempt(app_conn, OFFICER) for _ in range(5)]
    assert outcomes == ["wrong_password"] * 4 + ["user_locked"]
    with pytest.raises(LoginRefused) as err:
        centre.login(OFFICER, PASSWORDS[OFFICER])
    assert err.value.rule == "user_locked"
    # a quarter of an hour later, the officer's lock has expired by itself
    owner_exec(fresh_db, "UPDATE ecr.users SET locked_at = now() - interval '16 minutes'"
                         " WHERE number = %s", (OFFICER,))
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    assert officer.user.locked is False
    expired = owner_exec(fresh_db, "SELECT detail FROM ecr.audit_log WHERE action = "
                                   "'user.unlock' ORDER BY seq")
    assert expired == [({"number": OFFICER, "reason": "lock_expired", "sessions_closed": 1},)]
    assert whoami(app_conn, staff.officer.token) is not None  # the old session stays closed


def test_the_lock_of_other_roles_does_not_expire(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    assert [attempt(app_conn, AGENT) for _ in range(5)][-1] == "user_locked"
    owner_exec(fresh_db, "UPDATE ecr.users SET locked_at = now() - interval '2 days'"
                         " WHERE number = %s", (AGENT,))
    with pytest.raises(LoginRefused) as err:
        centre.login(AGENT, PASSWORDS[AGENT])
    assert err.value.rule == "user_locked"  # the officer unlocks agents and secretaries


def test_refused_logins_from_one_address_are_throttled(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    # findings 5 and 11: 1,000 refused logins, each with another number and name
    before = owner_exec(fresh_db, "SELECT count(*) FROM ecr.audit_log")[0][0]
    outcomes = [attempt(app_conn, 1000 + i, workstation=f"ws-{i}") for i in range(1000)]
    assert outcomes[:30] == ["wrong_password"] * 30
    assert set(outcomes[30:]) == {"too_many_attempts"}
    after = owner_exec(fresh_db, "SELECT count(*) FROM ecr.audit_log")[0][0]
    assert after - before == 31  # 30 refusals and one "throttled", not 1,000 rows
    throttled = owner_exec(fresh_db, "SELECT detail FROM ecr.audit_log WHERE action = "
                                     "'login.throttled'")
    assert throttled == [({"address": "127.0.0.1", "refused": 30, "minutes": 15},)]
    # nobody can log in from there meanwhile, not even with the right password ...
    with pytest.raises(LoginRefused) as err:
        centre.login(SECRETARY, PASSWORDS[SECRETARY])
    assert err.value.rule == "too_many_attempts"
    assert "15" in err.value.message
    # ... and the throttled attempts counted against nobody's account
    assert owner_exec(fresh_db, "SELECT count(*), max(failed) FROM ecr.login_failures"
                      ) == [(30, 1)]
    owner_exec(fresh_db, "UPDATE ecr.login_throttle SET window_start = now() - "
                         "interval '16 minutes'")
    centre.login(SECRETARY, PASSWORDS[SECRETARY])


def test_a_successful_login_does_not_reset_the_address_throttle(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    # an insider with a valid account cannot buy more guesses by logging in between
    outcomes = []
    for round_ in range(8):
        outcomes += [attempt(app_conn, 5000 + 4 * round_ + i) for i in range(4)]
        if round_ < 7:
            centre.login(AGENT, PASSWORDS[AGENT])
    assert outcomes == ["wrong_password"] * 30 + ["too_many_attempts"] * 2


# -------------------------------------------------------- 7: sessions revoked
def test_a_password_reset_closes_the_users_sessions(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    old = staff.agent.token
    staff.officer.users.set_password(AGENT, "a-new-password-1")
    err = whoami(app_conn, old)
    assert err is not None and err.diag.message_primary == "session_revoked"
    centre.login(AGENT, "a-new-password-1")
    assert whoami(app_conn, staff.officer.token) is None  # the officer's own is untouched


def test_changing_ones_own_password_closes_ones_other_sessions_only(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    elsewhere = centre.login(AGENT, PASSWORDS[AGENT]).token
    staff.agent.users.set_password(AGENT, "a-new-password-1")
    assert whoami(app_conn, staff.agent.token) is None
    err = whoami(app_conn, elsewhere)
    assert err is not None and err.diag.message_primary == "session_revoked"


def test_a_suspension_then_reinstatement_does_not_revive_old_sessions(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    old = staff.agent.token
    staff.officer.users.suspend(AGENT)
    staff.officer.users.set_privilege(AGENT, 1)
    err = whoami(app_conn, old)
    assert err is not None and err.diag.message_primary == "session_revoked"


def test_a_lock_then_unlock_does_not_revive_old_sessions(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    old = staff.secretary.token
    assert [attempt(app_conn, SECRETARY) for _ in range(5)][-1] == "user_locked"
    staff.officer.users.unlock(SECRETARY)
    err = whoami(app_conn, old)
    assert err is not None and err.diag.message_primary == "session_revoked"
    with pytest.raises(SessionRefused) as refused:
        staff.secretary.acts.queue("to_verify")
    assert refused.value.rule == "session_revoked"


def test_a_session_has_a_maximum_age_even_when_always_active(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    token = staff.agent.token
    owner_exec(fresh_db, "UPDATE ecr.sessions SET opened_at = now() - interval '13 hours',"
                         " last_seen = now() WHERE user_number = %s", (AGENT,))
    err = whoami(app_conn, token)
    assert err is not None and err.diag.message_primary == "session_too_old"
    assert whoami(app_conn, staff.secretary.token) is None
    # the officer chooses the maximum (in minutes, up to a day)
    staff.officer.settings.set("session.max_minutes", 900)
    assert whoami(app_conn, token) is None
    with pytest.raises(InvalidValue):
        staff.officer.settings.set("session.max_minutes", 1441)


# ----------------------------------------------------- 9: bounded parameters
@pytest.mark.parametrize("kdf", [
    {**DEFAULT_KDF, "memory_cost": 1024 * 1024},   # 1 GiB: the next login crashes
    {**DEFAULT_KDF, "memory_cost": 8192},          # 8 MiB: below the OWASP minimum
    {**DEFAULT_KDF, "time_cost": 1},
    {**DEFAULT_KDF, "time_cost": 1000},
    {**DEFAULT_KDF, "parallelism": 64},
    {**DEFAULT_KDF, "memory_cost": 19456.5},
    {**DEFAULT_KDF, "memory_cost": 1e30},
    {**DEFAULT_KDF, "memory_cost": "19456"},
    {**DEFAULT_KDF, "extra": 1},
    {"time_cost": 2, "memory_cost": 19456},
])
def test_the_database_refuses_key_derivation_parameters_out_of_bounds(
        staff: Staff, app_conn: psycopg.Connection[Any], kdf: dict[str, Any]) -> None:
    with pytest.raises(psycopg.Error) as err:
        app_conn.execute("SELECT ecr.user_set_password(%s, %s, %s, %s::jsonb, %s)",
                         (staff.officer.token, AGENT, os.urandom(16), json.dumps(kdf),
                          os.urandom(32)))
    assert (err.value.sqlstate, err.value.diag.message_primary) == ("EC005", "bad_kdf")
    assert err.value.diag.message_detail == "kdf"


@pytest.mark.parametrize("salt", [b"\x00" * 15, b"\x00" * 65])
def test_the_database_refuses_a_salt_too_short_or_too_long(
        staff: Staff, app_conn: psycopg.Connection[Any], salt: bytes) -> None:
    with pytest.raises(psycopg.Error) as err:
        app_conn.execute("SELECT ecr.user_set_password(%s, %s, %s, %s::jsonb, %s)",
                         (staff.officer.token, AGENT, salt, json.dumps(DEFAULT_KDF),
                          os.urandom(32)))
    assert err.value.sqlstate == "EC005"


def test_a_stored_user_with_parameters_out_of_bounds_is_refused_cleanly_at_login(
        centre: Centre, staff: Staff, fresh_db: str) -> None:
    # a row written before the bounds existed (the trigger checks only what is written)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("ALTER TABLE ecr.users DISABLE TRIGGER users_kdf_bounded")
        owner.execute("UPDATE ecr.users SET kdf = jsonb_set(kdf, '{memory_cost}', '1048576')"
                      " WHERE number = %s", (AGENT,))
        owner.execute("ALTER TABLE ecr.users ENABLE TRIGGER users_kdf_bounded")
    with pytest.raises(LoginRefused) as err:
        centre.login(AGENT, PASSWORDS[AGENT])
    assert (err.value.rule, err.value.field) == ("bad_kdf", "password")


# -------------------------------------------------- 11: the client's address
def test_the_audit_records_the_address_the_database_saw_not_the_claimed_name(
        centre: Centre, staff: Staff, app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    attempt(app_conn, AGENT, workstation="the-officers-pc")
    staff.agent.acts.queue("my_drafts")
    rows = owner_exec(fresh_db, "SELECT workstation, client_addr FROM ecr.audit_log"
                                " WHERE action = 'login.refused'")
    assert rows == [("the-officers-pc", "127.0.0.1")]
    sessions = owner_exec(fresh_db, "SELECT DISTINCT client_addr FROM ecr.sessions")
    assert sessions == [("127.0.0.1",)]


def test_the_address_is_under_the_hash_chain(staff: Staff, fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("ALTER TABLE ecr.audit_log DISABLE TRIGGER audit_log_append_only")
        owner.execute("UPDATE ecr.audit_log SET client_addr = '10.0.0.9' WHERE seq = "
                      "(SELECT max(seq) FROM ecr.audit_log WHERE client_addr IS NOT NULL)")
        owner.execute("ALTER TABLE ecr.audit_log ENABLE TRIGGER audit_log_append_only")
    report = staff.officer.audit.verify()
    assert (report.ok, report.reason) == (False, "altered_row")


# ------------------------------------------------- 16: the same work for all
WRITES = """SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int,
                   coalesce(sum(idx_scan), 0)::int, coalesce(sum(seq_scan), 0)::int
            FROM pg_stat_xact_user_tables"""


def _work(conn: psycopg.Connection[Any], number: int) -> tuple[str, tuple[int, ...]]:
    """The outcome of one attempt and what it wrote and read, in its own transaction."""
    with conn.transaction():
        start = conn.execute(WRITES).fetchone()
        outcome = attempt(conn, number)
        end = conn.execute(WRITES).fetchone()
    assert start is not None and end is not None
    return outcome, tuple(b - a for a, b in zip(start, end, strict=True))


def test_a_known_and_an_unknown_number_are_answered_by_the_same_work(
        staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    app_conn.execute("SET stats_fetch_consistency = none")
    for _ in range(4):
        known, unknown = _work(app_conn, AGENT), _work(app_conn, 4242)
        assert known == unknown
    # the fifth failure locks both alike: a number cannot be told by its lock either
    assert _work(app_conn, AGENT) == _work(app_conn, 4242)
    assert _work(app_conn, AGENT)[0] == "user_locked"


def test_the_client_refuses_parameters_the_database_refuses_and_conversely(
        centre: Centre, fresh_db: str) -> None:
    from ecr_tk.services.passwords import BOUNDS, KdfParams, params_within_bounds

    cases = [DEFAULT_KDF, {"time_cost": 4, "memory_cost": 262144, "parallelism": 1},
             {"time_cost": 8, "memory_cost": 131072, "parallelism": 8},
             {"time_cost": 8, "memory_cost": 131073, "parallelism": 1}]
    for key, (low, high) in BOUNDS.items():
        for value in (low - 1, low, high, high + 1):
            cases.append({**DEFAULT_KDF, key: value})
    with psycopg.connect(fresh_db) as owner:
        for kdf in cases:
            in_sql = owner.execute("SELECT ecr._kdf_ok(%s::jsonb)", (json.dumps(kdf),)
                                   ).fetchone()
            assert in_sql is not None
            assert in_sql[0] == params_within_bounds(KdfParams(**kdf)), kdf


# ------------------------------------------ 5: recovery through the command line
@pytest.fixture
def ecr(tmp_path: Path, fresh_db: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Ecr:
    e = Ecr(tmp_path / "home", fresh_db, capsys, monkeypatch)
    e.json("init", "--centre", "221001", "--name", "Centre de Thiès", "--officer", "1",
           "--officer-name", "Awa Diop", "--db", fresh_db, password=OFFICER_PW)
    for number, role in ((2, "secretary"), (3, "agent")):
        e.json("user", "add", str(number), "--name", f"User {number}", "--role", role,
               "--as", "1", password=OFFICER_PW, new_password=SECRETARY_PW)
    return e


def test_the_owner_unlocks_a_locked_out_officer_from_the_command_line(
        ecr: Any, fresh_db: str) -> None:
    for _ in range(5):
        code, _out, err = ecr.run("user", "list", "--as", "1", password="not-the-password")
        assert code != 0
    assert "user_locked" in err
    unlocked = ecr.json("user", "unlock", "1", "--as-owner")
    assert unlocked["number"] == 1 and unlocked["locked"] is False
    assert [u["number"] for u in ecr.json("user", "list", "--as", "1",
                                          password=OFFICER_PW)] == [1, 2, 3]
    rows = owner_exec(fresh_db, "SELECT user_number, workstation, detail FROM ecr.audit_log"
                                " WHERE action = 'user.unlock'")
    assert len(rows) == 1
    number, workstation, detail = rows[0]
    assert number is None and workstation.startswith("owner ")
    assert detail["by"] == "owner" and detail["number"] == 1


def test_the_owner_unlock_is_refused_to_a_workstation_without_owner_access(
        ecr: Any, fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from common.db.connect import conninfo
    from ecr_tk.home import CentreHome

    config = CentreHome.open(ecr.home).database_config()
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(conninfo(config, "ecr_app"))
    if params.get("password"):  # never on a command line (finding 19)
        monkeypatch.setenv("ECR_DB_PASSWORD", str(params.pop("password")))
    app_dsn = psycopg.conninfo.make_conninfo(**params)
    code, _out, err = ecr.run("user", "unlock", "1", "--as-owner", "--db", app_dsn)
    assert code == 1 and "owner_required" in err


def test_the_owner_unlock_names_an_unknown_user(ecr: Any) -> None:
    code, _out, err = ecr.run("user", "unlock", "77", "--as-owner")
    assert code == 1 and "user_not_found" in err


# ----------------------------------------------- a standalone centre (Unix socket)
@pytest.fixture(scope="module")
def standalone() -> Any:
    from common.db.testing import scratch_folder

    with scratch_folder() as folder:
        centre = Centre.init(folder / "home", "221002", "Centre autonome", OFFICER, "Awa Diop",
                             PASSWORDS[OFFICER], workstation="pc-seul")
        try:
            yield centre
        finally:
            centre.close()


def test_a_standalone_centre_records_local_connections_as_local(standalone: Centre) -> None:
    from common.db.connect import owner_connection

    with pytest.raises(LoginRefused):
        standalone.login(OFFICER, "not-the-password", workstation="10.1.2.3")
    with owner_connection(standalone.config) as owner:
        rows = owner.execute("SELECT workstation, client_addr FROM ecr.audit_log"
                             " WHERE action = 'login.refused'").fetchall()
    assert rows == [("10.1.2.3", "local")]


def test_a_standalone_officer_is_unlocked_by_the_owner_of_the_pc(standalone: Centre) -> None:
    from ecr_tk.services.centre import owner_unlock

    for _ in range(5):
        with pytest.raises(LoginRefused):
            standalone.login(OFFICER, "not-the-password")
    assert standalone.home is not None
    assert owner_unlock(standalone.home.path, OFFICER).locked is False
    standalone.login(OFFICER, PASSWORDS[OFFICER]).logout()


def test_twenty_concurrent_wrong_proofs_lock_after_exactly_four_refusals(
        centre: Centre, staff: Staff) -> None:
    # what held in the review, kept holding: the counter is serialised by its row
    import threading

    from common.db.connect import conninfo

    dsn = conninfo(centre.config, "ecr_app")
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def one() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            barrier.wait()
            outcomes.append(attempt(conn, AGENT))

    threads = [threading.Thread(target=one) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["user_locked"] * 16 + ["wrong_password"] * 4


# ------------------------------------------------ an existing centre migrates cleanly
def test_a_centre_of_the_previous_version_keeps_its_counters_and_loses_revived_sessions(
        fresh_db: str, tmp_path: Path) -> None:
    from importlib import resources

    from common.db.migrate import migrate
    from ecr_tk.services import passwords

    legacy = tmp_path / "legacy"
    legacy.mkdir()
    for entry in resources.files("common.db").joinpath("migrations", "centre").iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) <= 410:
            (legacy / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    kdf = json.dumps(passwords.DEFAULT_PARAMS.as_dict())
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        migrate(owner, "centre", folder=legacy)
        owner.execute("SELECT ecr.init_centre('221020', 'Ancien', 1, 'Awa', %s, %s, %s)",
                      (os.urandom(16), kdf, os.urandom(32)))
        for number, failed, locked in ((2, 3, False), (3, 5, True)):
            owner.execute("INSERT INTO ecr.users (number, name, role, salt, kdf, verifier, "
                          "failed_logins, locked) VALUES (%s, 'x', 'agent', %s, %s, %s, %s, %s)",
                          (number, os.urandom(16), kdf, os.urandom(32), failed, locked))
            owner.execute("INSERT INTO ecr.sessions (token_hash, user_number, workstation) "
                          "VALUES (%s, %s, 'ws')", (os.urandom(32), number))
        migrate(owner, "centre")
        assert owner.execute("SELECT number, failed, locked FROM ecr.login_failures "
                             "ORDER BY number").fetchall() == [(2, 3, False), (3, 5, True)]
        assert owner.execute("SELECT user_number, closed_reason FROM ecr.sessions "
                             "ORDER BY user_number").fetchall() == [(2, None), (3, "locked")]
        assert owner.execute("SELECT locked_at IS NOT NULL FROM ecr.users WHERE number = 3"
                             ).fetchone() == (True,)
