"""Backup and restore: same data after a round trip, and never a half-restore."""

from __future__ import annotations

import io
import json
import tarfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.db import embedded
from common.db.backup import (
    BackupError,
    backup,
    find_tool,
    restore,
    verify_archive,
)
from common.db.connect import (
    DatabaseConfig,
    open_pool,
    owner_connection,
    provision_role_password,
)
from common.db.files import RESTORING_MARKER
from ecr_tk.home import CentreHome, HomeError

# ---------------------------------------------------------------- a small centre to back up


def _fill(config: DatabaseConfig, role: str) -> None:
    """A schema in the spirit of the centre's: tables, a function, grants, a role."""
    with owner_connection(config) as conn:
        conn.execute(sql.SQL("""
            DO $$BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN
                CREATE ROLE {role} NOLOGIN;
              END IF;
            END$$;
            CREATE SCHEMA ecr;
            CREATE TABLE ecr.act (id serial PRIMARY KEY, niu text UNIQUE NOT NULL,
                                  name text NOT NULL, photo bytea, created date);
            CREATE TABLE ecr.audit (seq bigint PRIMARY KEY, line text);
            CREATE FUNCTION ecr.act_count() RETURNS bigint LANGUAGE sql SECURITY DEFINER
                SET search_path = ecr AS 'SELECT count(*) FROM ecr.act';
            REVOKE ALL ON FUNCTION ecr.act_count() FROM PUBLIC;
            GRANT USAGE ON SCHEMA ecr TO {role};
            GRANT EXECUTE ON FUNCTION ecr.act_count() TO {role};
            """).format(name=sql.Literal(role), role=sql.Identifier(role)))
        with conn.cursor().copy("COPY ecr.act (niu, name, photo, created) FROM STDIN") as copy:
            copy.write_row(("1000000001", "Élodie Ngono", b"\x00\x01\xff", "2024-02-29"))
            copy.write_row(("1000000002", "SET x = 1;", None, None))
            copy.write_row(("1000000003", "tab\there\nnewline \\. backslash", b"", "1990-01-01"))
        conn.execute("INSERT INTO ecr.audit SELECT g, md5(g::text) FROM generate_series(1, 500) g")
    provision_role_password(config, role)


def _fingerprint(config: DatabaseConfig) -> dict[str, Any]:
    with owner_connection(config) as conn:
        return {
            "acts": conn.execute("SELECT id, niu, name, photo, created FROM ecr.act ORDER BY id"
                                 ).fetchall(),
            "audit": conn.execute("SELECT md5(string_agg(line, ',' ORDER BY seq)) FROM ecr.audit"
                                  ).fetchone(),
            "next_id": conn.execute("SELECT last_value FROM ecr.act_id_seq").fetchone(),
        }


def _app_can_count(config: DatabaseConfig, role: str) -> int:
    pool = open_pool(config, role=role)
    try:
        with pool.connection() as conn:
            return int(conn.execute("SELECT ecr.act_count()").fetchone()[0])
    finally:
        pool.close()


def _centre(path: Path, dsn: str | None = None) -> CentreHome:
    home = CentreHome.create(path, centre_code="237001", centre_name="Centre de Yaoundé 1er",
                             dsn=dsn)
    (home.folder("keys") / "centre.key").write_bytes(b"-----BEGIN PRIVATE KEY-----\nx\n")
    (home.folder("templates") / "birth_copy.json").write_text('{"elements": []}')
    return home


@pytest.fixture
def release_after(tmp_path: Path) -> Iterator[None]:
    yield
    for db_dir in tmp_path.glob("*/db"):
        embedded.release(db_dir)


@pytest.fixture
def local_role(admin_dsn: str) -> Iterator[str]:
    """A role name on the local service (roles are cluster-wide), dropped at the end.

    Tests list it BEFORE their databases, so it is torn down after them.
    """
    name = f"ecr_test_app_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def second_db(admin_dsn: str) -> Iterator[str]:
    name = f"ecr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    params["dbname"] = name
    yield psycopg.conninfo.make_conninfo(**params)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


# ---------------------------------------------------------------- round trips


def test_embedded_backup_restored_into_a_fresh_home_gives_the_same_data(
        tmp_path: Path, release_after: None) -> None:
    source = _centre(tmp_path / "source")
    _fill(source.database_config(), "ecr_web")
    before = _fingerprint(source.database_config())
    archive = tmp_path / "centre.ecrbackup"

    manifest = backup(source.database_config(), archive)
    assert manifest.centre_code == "237001"
    assert manifest.dump_tool_major == embedded.PG_MAJOR

    target_config = DatabaseConfig.embedded(tmp_path / "target")
    restore(target_config, archive)
    target = CentreHome.open(tmp_path / "target")
    assert target.settings["centre.name"] == "Centre de Yaoundé 1er"
    assert target.database_config() == target_config
    assert _fingerprint(target_config) == before
    assert _app_can_count(target_config, "ecr_web") == 3
    assert (target.folder("keys") / "centre.key").read_bytes().startswith(b"-----BEGIN")
    assert (target.folder("keys") / "centre.key").stat().st_mode & 0o777 == 0o600
    assert (target.folder("templates") / "birth_copy.json").exists()
    # The new cluster keeps its own owner password; the old one was not archived.
    assert (source.folder("keys") / "db" / "postgres.password").read_text() != \
        (target.folder("keys") / "db" / "postgres.password").read_text()
    assert not (target.path / RESTORING_MARKER).exists()


def test_local_service_backup_restored_into_a_fresh_database_gives_the_same_data(
        local_role: str, tmp_path: Path, admin_dsn: str, fresh_db: str, second_db: str) -> None:
    source = _centre(tmp_path / "source", dsn=fresh_db)
    _fill(source.database_config(), local_role)
    before = _fingerprint(source.database_config())
    archive = tmp_path / "centre.ecrbackup"
    manifest = backup(source.database_config(), archive)
    assert manifest.server_version.startswith("15")
    # The role goes away with the old database: the restore must bring it back.
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        dbname = psycopg.conninfo.conninfo_to_dict(fresh_db)["dbname"]
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(local_role)))

    target_config = DatabaseConfig.networked(second_db, home=tmp_path / "target")
    restore(target_config, archive)
    assert CentreHome.open(tmp_path / "target").database_config() == target_config
    assert _fingerprint(target_config) == before
    assert _app_can_count(target_config, local_role) == 3


def test_a_networked_centre_can_move_to_the_embedded_server(
        local_role: str, tmp_path: Path, fresh_db: str, release_after: None) -> None:
    source = _centre(tmp_path / "source", dsn=fresh_db)
    _fill(source.database_config(), local_role)
    before = _fingerprint(source.database_config())
    backup(source.database_config(), tmp_path / "b.tar")
    target_config = DatabaseConfig.embedded(tmp_path / "target")
    restore(target_config, tmp_path / "b.tar")
    assert _fingerprint(target_config) == before
    assert CentreHome.open(tmp_path / "target").settings["database.mode"] == "embedded"
    assert _app_can_count(target_config, local_role) == 3


# ---------------------------------------------------------------- refusals


@pytest.fixture(scope="module")
def good_archive(module_tmp_path: Path) -> Iterator[Path]:
    folder = module_tmp_path
    source = _centre(folder / "source")
    _fill(source.database_config(), "ecr_web")
    backup(source.database_config(), folder / "good.tar")
    embedded.release(source.database_config().db_dir)
    yield folder / "good.tar"


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _truncate_in_last_member(data: bytes) -> bytes:
    """Cut the file inside the data of its last member.

    A fixed fraction is not enough: the tar end-of-archive blocks and record
    padding can make up the last 15 % of a small archive, and losing only
    those loses nothing (every member is still there and matches).
    """
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        last = tar.getmembers()[-1]
    return data[: last.offset_data + last.size // 2]


def _flip_in(member: str) -> Callable[[bytes], bytes]:
    def corrupt(data: bytes) -> bytes:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            offset = tar.getmember(member).offset_data
        out = bytearray(data)
        out[offset + 5] ^= 0xFF
        return bytes(out)
    return corrupt


def _rebuild(drop: str | None = None, add: str | None = None) -> Callable[[bytes], bytes]:
    def corrupt(data: bytes) -> bytes:
        out = io.BytesIO()
        with tarfile.open(fileobj=io.BytesIO(data)) as src, \
                tarfile.open(fileobj=out, mode="w") as dst:
            for member in src.getmembers():
                if member.name != drop:
                    dst.addfile(member, src.extractfile(member))
            if add is not None:
                info = tarfile.TarInfo(add)
                info.size = 4
                dst.addfile(info, io.BytesIO(b"evil"))
        return out.getvalue()
    return corrupt


def _edit_manifest(data: bytes) -> bytes:
    def change(manifest: dict[str, Any]) -> None:
        manifest["files"][0]["size"] += 1
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data)) as src, tarfile.open(fileobj=out, mode="w") as dst:
        for member in src.getmembers():
            body = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(body)
                change(manifest)
                body = json.dumps(manifest).encode()
                member.size = len(body)
            dst.addfile(member, io.BytesIO(body))
    return out.getvalue()


CORRUPTIONS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("empty file", lambda data: b""),
    ("not an archive", lambda data: b"this is a letter, not a backup\n" * 100),
    ("only the first block", lambda data: data[:512]),
    ("truncated in the middle", _truncate(0.5)),
    ("truncated inside the last file", _truncate_in_last_member),
    ("one byte changed in the database dump", _flip_in("database.dump")),
    ("one byte changed in the settings", _flip_in("home/settings.json")),
    ("manifest missing", _rebuild(drop="manifest.json")),
    ("database dump missing", _rebuild(drop="database.dump")),
    ("a member added", _rebuild(add="home/keys/extra.key")),
    ("a member escaping the home", _rebuild(add="../../etc/evil")),
    ("manifest altered", _edit_manifest),
]


@pytest.mark.parametrize(("case", "corrupt"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_damaged_archive_is_refused_and_nothing_is_restored(
        tmp_path: Path, good_archive: Path, case: str, corrupt: Callable[[bytes], bytes]) -> None:
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(corrupt(good_archive.read_bytes()))
    home = tmp_path / "new-home"
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.embedded(home), damaged)
    assert caught.value.rule == "corrupt_archive"
    assert "rien n'a été restauré" in caught.value.message
    assert sorted(p.name for p in home.iterdir()) == []  # no server started, no file written
    assert not (tmp_path.parent / "evil").exists()


def test_the_good_archive_verifies(good_archive: Path) -> None:
    manifest = verify_archive(good_archive)
    assert {f.name for f in manifest.files} >= {"database.dump", "roles.json",
                                                 "home/settings.json"}
    assert "home/keys/db/postgres.password" not in {f.name for f in manifest.files}


def test_a_restore_that_fails_in_the_database_leaves_the_home_fresh(
        tmp_path: Path, good_archive: Path, release_after: None) -> None:
    home = tmp_path / "target"
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE SCHEMA ecr")  # not a table, so the database looks empty
    with pytest.raises(BackupError) as caught:
        restore(config, good_archive)
    assert caught.value.rule == "restore_failed"
    assert not (home / "settings.json").exists()
    assert not (home / RESTORING_MARKER).exists()
    assert not list(home.rglob("*.key"))
    assert not (home / "keys" / "db" / "ecr_web.password").exists()
    with owner_connection(config) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'ecr'"
                            ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'ecr_web'"
                            ).fetchone() == (0,)


def test_a_restore_failing_midway_rolls_back_roles_and_data(
        local_role: str, tmp_path: Path, fresh_db: str, second_db: str, admin_dsn: str) -> None:
    source = _centre(tmp_path / "source", dsn=fresh_db)
    _fill(source.database_config(), local_role)
    backup(source.database_config(), tmp_path / "b.tar")
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        dbname = psycopg.conninfo.conninfo_to_dict(fresh_db)["dbname"]
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(local_role)))
    with psycopg.connect(second_db, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION public.stop_here() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        conn.execute("CREATE SCHEMA ecr")
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.networked(second_db, home=tmp_path / "target"), tmp_path / "b.tar")
    assert caught.value.rule == "restore_failed"
    assert 'schema "ecr" already exists' in caught.value.message
    with psycopg.connect(admin_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (local_role,)).fetchone() == (0,)
    assert not (tmp_path / "target" / "settings.json").exists()


def test_restore_refuses_a_home_that_already_holds_a_centre(
        tmp_path: Path, good_archive: Path) -> None:
    existing = _centre(tmp_path / "existing")
    with pytest.raises(BackupError) as caught:
        restore(existing.database_config(), good_archive)
    assert caught.value.rule == "not_fresh"
    assert not (existing.path / "db" / "data").exists()


def test_restore_refuses_a_database_that_is_not_empty(
        tmp_path: Path, good_archive: Path, release_after: None) -> None:
    config = DatabaseConfig.embedded(tmp_path / "t")
    with owner_connection(config) as conn:
        conn.execute("CREATE TABLE someone_elses (x int)")
    with pytest.raises(BackupError) as caught:
        restore(config, good_archive)
    assert caught.value.rule == "not_empty"
    assert not (tmp_path / "t" / "settings.json").exists()


def test_an_embedded_backup_is_not_restored_into_an_older_server(
        tmp_path: Path, good_archive: Path, second_db: str) -> None:
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.networked(second_db, home=tmp_path / "t"), good_archive)
    assert caught.value.rule == "server_too_old"
    assert "PostgreSQL 18" in caught.value.message and "PostgreSQL 15" in caught.value.message
    assert not (tmp_path / "t" / "settings.json").exists()


def test_an_interrupted_restore_is_visible_and_can_be_redone(
        tmp_path: Path, good_archive: Path, release_after: None) -> None:
    home = tmp_path / "target"
    home.mkdir()
    (home / RESTORING_MARKER).write_text("restore in progress\n")
    (home / "settings.json").write_text('{"centre.code": "237001"}')
    with pytest.raises(HomeError) as caught:
        CentreHome.open(home)
    assert caught.value.rule == "restore_unfinished"
    restore(DatabaseConfig.embedded(home), good_archive)
    assert CentreHome.open(home).settings["centre.code"] == "237001"


def test_backup_never_overwrites_a_file(tmp_path: Path, good_archive: Path) -> None:
    out = tmp_path / "exists.tar"
    out.write_bytes(b"precious")
    with pytest.raises(BackupError) as caught:
        backup(DatabaseConfig.embedded(tmp_path / "h"), out)
    assert caught.value.rule == "exists"
    assert out.read_bytes() == b"precious"


def test_a_pg_dump_too_old_for_the_server_is_named_with_the_version_needed() -> None:
    with pytest.raises(BackupError) as caught:
        find_tool("pg_dump", 99)
    assert caught.value.rule == "tool_too_old"
    assert "pg_dump 99" in caught.value.message


def test_pg_dump_on_path_is_used_when_it_is_new_enough() -> None:
    tool = find_tool("pg_dump", 15)
    assert tool.major >= 15
    assert str(tool.path) == "/usr/bin/pg_dump" or tool.path == embedded.tool("pg_dump")


def test_a_real_centre_survives_a_backup_and_restore(tmp_path: Path) -> None:
    """The centre schema of ecr_tk (roles, SECURITY DEFINER API, audit chain) round trip."""
    from ecr_tk.services.centre import Centre

    password = "Tr3s-b0n-mot-de-passe!"
    with Centre.init(tmp_path / "source", "237001", "Centre de Mfou", 1, "Officier Ateba",
                     password) as centre:
        centre.login(1, password)

    def table_rows(config: DatabaseConfig) -> dict[str, int]:
        with owner_connection(config) as conn:
            tables = conn.execute("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                                  "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                                  " ORDER BY 1").fetchall()
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                    for (t,) in tables}

    before = table_rows(DatabaseConfig.embedded(tmp_path / "source"))
    backup(DatabaseConfig.embedded(tmp_path / "source"), tmp_path / "centre.tar")
    restore(DatabaseConfig.embedded(tmp_path / "target"), tmp_path / "centre.tar")
    assert table_rows(DatabaseConfig.embedded(tmp_path / "target")) == before
    with Centre.open(tmp_path / "target") as restored:
        assert restored.identity.code == "237001"
        restored.login(1, password)  # the application role and the officer work again
