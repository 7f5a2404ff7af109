"""The audit trail: every read and change logged, append-only, hash-chained, verified."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from ecr_tk.services import PermissionRefused, SearchCriteria

from .conftest import Staff, birth, validated_birth


def test_reads_and_changes_of_an_act_are_logged_with_user_and_workstation(staff: Staff) -> None:
    act, niu = validated_birth(staff)
    staff.agent.acts.show(niu)
    staff.secretary.search(SearchCriteria(surname="Ndiaye"))
    entries = staff.officer.acts.history(act)
    actions = [(e.action, e.user_number) for e in entries]
    assert actions[:4] == [("act.draft", 3), ("act.verify", 2), ("act.validate", 1),
                           ("act.show", 3)]
    assert all(e.workstation == "ws-test" for e in entries)


def test_the_chain_verifies_and_names_an_altered_row(staff: Staff, fresh_db: str) -> None:
    validated_birth(staff)
    report = staff.officer.audit.verify()
    assert report.ok and report.rows_checked > 5
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("ALTER TABLE ecr.audit_log DISABLE TRIGGER USER")
        owner.execute("UPDATE ecr.audit_log SET detail = '{\"niu\": \"forged\"}' WHERE seq = 4")
        owner.execute("ALTER TABLE ecr.audit_log ENABLE TRIGGER USER")
    report = staff.officer.audit.verify()
    assert (report.ok, report.first_broken_seq, report.reason) == (False, 4, "altered_row")


def test_the_chain_names_a_deleted_row(staff: Staff, fresh_db: str) -> None:
    validated_birth(staff)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("ALTER TABLE ecr.audit_log DISABLE TRIGGER USER")
        owner.execute("DELETE FROM ecr.audit_log WHERE seq = 3")
        owner.execute("ALTER TABLE ecr.audit_log ENABLE TRIGGER USER")
    report = staff.officer.audit.verify()
    assert (report.ok, report.first_broken_seq, report.reason) == (False, 3, "missing_row")


def test_the_chain_notices_the_last_rows_removed(staff: Staff, fresh_db: str) -> None:
    validated_birth(staff)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        last = owner.execute("SELECT max(seq) FROM ecr.audit_log").fetchone()[0]  # type: ignore[index]
        owner.execute("ALTER TABLE ecr.audit_log DISABLE TRIGGER USER")
        owner.execute("DELETE FROM ecr.audit_log WHERE seq = %s", (last,))
        owner.execute("ALTER TABLE ecr.audit_log ENABLE TRIGGER USER")
    report = staff.officer.audit.verify()
    assert (report.ok, report.reason) == (False, "tail_removed")


def test_the_owner_cannot_rewrite_the_trail_while_the_triggers_stand(staff: Staff,
                                                                     fresh_db: str) -> None:
    validated_birth(staff)
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        for statement in ("UPDATE ecr.audit_log SET action = 'x'", "DELETE FROM ecr.audit_log",
                          "TRUNCATE ecr.audit_log", "UPDATE ecr.audit_head SET seq = 0"):
            with pytest.raises(psycopg.Error) as err:
                owner.execute(statement)
            assert err.value.sqlstate == "EC007"


def test_the_application_role_cannot_touch_the_trail(staff: Staff,
                                                     app_conn: psycopg.Connection[Any]) -> None:
    validated_birth(staff)
    for statement in ("DELETE FROM ecr.audit_log", "UPDATE ecr.audit_log SET action = 'x'",
                      "SELECT * FROM ecr.audit_log", "INSERT INTO ecr.audit_log (seq, at,"
                      " action, prev_hash, hash) VALUES (0, now(), 'x', '', '')"):
        with pytest.raises(psycopg.Error) as err:
            app_conn.execute(statement)
        assert err.value.sqlstate == "42501"


def test_only_the_officer_verifies_the_trail(staff: Staff) -> None:
    with pytest.raises(PermissionRefused):
        staff.secretary.audit.verify()


def test_concurrent_writers_keep_one_chain(staff: Staff) -> None:
    import threading

    def work() -> None:
        for i in range(5):
            staff.agent.acts.draft("birth", birth(given=f"Awa{'a' * i}"), confirm_duplicates=True)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert staff.officer.audit.verify().ok
