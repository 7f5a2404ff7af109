"""Migrations: applied once, in order, by however many migrators start together."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from common.db.migrate import MigrationError, load_migrations, migrate


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


SLOW_SET = {
    "0001_register.sql": "CREATE TABLE register (n int); SELECT pg_sleep(0.5);"
                         " INSERT INTO register VALUES (1);",
    "0002_second.sql": "INSERT INTO register VALUES (2);",
}


def test_two_migrators_starting_together_apply_each_migration_once(
        tmp_path: Path, fresh_db: str) -> None:
    folder = _write(tmp_path / "m", SLOW_SET)
    start = threading.Barrier(3)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def migrator() -> None:
        try:
            with psycopg.connect(fresh_db) as conn:
                start.wait()
                results.append(migrate(conn, "test", folder))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrator) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(name for applied in results for name in applied) == sorted(SLOW_SET)
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT n FROM register ORDER BY n").fetchall() == [(1,), (2,)]
        assert conn.execute("SELECT count(*) FROM ecr_schema_migrations").fetchone() == (2,)


def test_applying_again_does_nothing(tmp_path: Path, fresh_db: str) -> None:
    folder = _write(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x int);"})
    with psycopg.connect(fresh_db) as conn:
        assert migrate(conn, "test", folder) == ["0001_a.sql"]
        assert migrate(conn, "test", folder) == []


def test_a_migration_changed_after_it_was_applied_is_refused(
        tmp_path: Path, fresh_db: str) -> None:
    folder = _write(tmp_path / "m", {"0001_a.sql": "CREATE TABLE a (x int);"})
    with psycopg.connect(fresh_db) as conn:
        migrate(conn, "test", folder)
    _write(folder, {"0001_a.sql": "CREATE TABLE a (x bigint);",
                    "0002_b.sql": "CREATE TABLE b (x int);"})
    with psycopg.connect(fresh_db) as conn:
        with pytest.raises(MigrationError, match=r"0001_a\.sql was changed"):
            migrate(conn, "test", folder)
        exists = conn.execute("SELECT to_regclass('b')").fetchone()
    assert exists == (None,)  # nothing after the edited file was applied


def test_a_failing_migration_leaves_the_schema_at_the_previous_version(
        tmp_path: Path, fresh_db: str) -> None:
    folder = _write(tmp_path / "m", {
        "0001_a.sql": "CREATE TABLE a (x int);",
        "0002_bad.sql": "CREATE TABLE half (x int); SELECT * FROM no_such_table;",
    })
    with psycopg.connect(fresh_db) as conn:
        with pytest.raises(MigrationError, match=r"0002_bad\.sql failed"):
            migrate(conn, "test", folder)
        assert conn.execute("SELECT to_regclass('half')").fetchone() == (None,)
        assert conn.execute("SELECT version FROM ecr_schema_migrations").fetchall() == [(1,)]
        # The lock was released: another migrator is not blocked for ever.
        # (Counted in this database only: other test runs share the server.)
        assert conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                            " AND database = (SELECT oid FROM pg_database"
                            "                 WHERE datname = current_database())"
                            ).fetchone() == (0,)


def test_two_files_with_one_version_number_are_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "m", {"0001_a.sql": "", "0001_b.sql": ""})
    with pytest.raises(MigrationError, match="share a version"):
        load_migrations("test", folder)


def test_an_older_program_refuses_a_database_a_newer_one_upgraded(tmp_path: Path,
                                                                  fresh_db: str) -> None:
    from common.db.migrate import NewerSchema

    newer = _write(tmp_path / "new", {"0001_a.sql": "CREATE TABLE a (x int);",
                                      "0002_b.sql": "CREATE TABLE b (x int);"})
    older = _write(tmp_path / "old", {"0001_a.sql": "CREATE TABLE a (x int);"})
    with psycopg.connect(fresh_db) as conn:
        migrate(conn, "test", newer)
        with pytest.raises(NewerSchema) as err:
            migrate(conn, "test", older)
        assert err.value.rule == "newer_schema" and "0002_b.sql" in err.value.message
        assert conn.execute("SELECT count(*) FROM ecr_schema_migrations").fetchone() == (2,)
