"""Backup and restore: same data after a round trip, and never a half-restore.

The attacks on backups (a rewritten dump, SQL smuggled into it, a hostile
roles.json, a stolen file) are in ``test_backup_attacks.py``.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from common.db import embedded
from common.db.backup import (
    BackupError,
    backup,
    find_tool,
    restore,
    verify_archive,
)
from common.db.backup_cipher import HEADER_SIZE
from common.db.connect import DatabaseConfig, owner_connection
from common.db.files import RESTORING_MARKER
from ecr_tk.home import CentreHome, HomeError
from tests.common.db.backup_helpers import (
    OFFICER,
    OFFICER_PASSWORD,
    PASSPHRASE,
    fingerprint,
    make_centre,
    plaintext,
    rebuild,
    seal,
)
from tests.conftest import new_database


@pytest.fixture
def release_after(tmp_path: Path) -> Iterator[None]:
    yield
    for db_dir in tmp_path.glob("*/db"):
        embedded.release(db_dir)


@pytest.fixture
def second_db(admin_dsn: str) -> Iterator[str]:
    with new_database(admin_dsn) as dsn:
        yield dsn


def _officer_logs_in(home: Path) -> None:
    from ecr_tk.services.centre import Centre

    with Centre.open(home) as centre:
        centre.login(OFFICER, OFFICER_PASSWORD).logout()


# ---------------------------------------------------------------- round trips


def test_embedded_backup_restored_into_a_fresh_home_gives_the_same_data(
        tmp_path: Path, release_after: None) -> None:
    from common.pki.keys import centre_passphrase, read_private_key

    source = make_centre(tmp_path / "source")
    before = fingerprint(source.database_config())
    assert before["ecr.acts"][0] == 8 and before["ecr.audit_log"][0] > 30
    archive = tmp_path / "centre.ecrbackup"

    manifest = backup(source.database_config(), archive, PASSPHRASE)
    assert manifest.centre_code == "999001"
    assert manifest.dump_tool_major == embedded.PG_MAJOR
    assert [m.version for m in manifest.schema][:2] == [1, 2]

    target_config = DatabaseConfig.embedded(tmp_path / "target")
    restore(target_config, archive, PASSPHRASE)
    target = CentreHome.open(tmp_path / "target")
    assert target.settings["centre.name"] == source.settings["centre.name"]
    assert target.database_config() == target_config
    assert fingerprint(target_config) == before
    # The centre's key comes back, protected by the NEW PC's own machine secret.
    keys = target.folder("keys")
    old = read_private_key(source.folder("keys") / "centre.key.pem",
                           centre_passphrase(source.folder("keys")))
    new = read_private_key(keys / "centre.key.pem", centre_passphrase(keys))
    assert new.private_numbers() == old.private_numbers()
    assert (keys / "machine.secret").read_bytes() != \
        (source.folder("keys") / "machine.secret").read_bytes()
    assert (keys / "centre.key.pem").stat().st_mode & 0o777 == 0o600
    assert (target.folder("templates") / "birth_copy.json").exists()
    # The new cluster keeps its own owner password; the old one was not archived.
    assert (source.folder("keys") / "db" / "postgres.password").read_text() != \
        (keys / "db" / "postgres.password").read_text()
    assert not (target.path / RESTORING_MARKER).exists()
    _officer_logs_in(target.path)  # ecr_app, its password and the officer work again


def test_local_service_backup_restored_into_a_fresh_database_gives_the_same_data(
        tmp_path: Path, fresh_db: str, second_db: str) -> None:
    source = make_centre(tmp_path / "source", dsn=fresh_db)
    before = fingerprint(source.database_config())
    archive = tmp_path / "centre.ecrbackup"
    manifest = backup(source.database_config(), archive, PASSPHRASE)
    assert manifest.server_version.startswith("15")
    target_config = DatabaseConfig.networked(second_db, home=tmp_path / "target")
    restore(target_config, archive, PASSPHRASE)
    assert CentreHome.open(tmp_path / "target").database_config() == target_config
    assert fingerprint(target_config) == before
    _officer_logs_in(tmp_path / "target")


def test_a_networked_centre_can_move_to_the_embedded_server(
        tmp_path: Path, fresh_db: str, release_after: None) -> None:
    source = make_centre(tmp_path / "source", dsn=fresh_db)
    before = fingerprint(source.database_config())
    backup(source.database_config(), tmp_path / "b.ecrbackup", PASSPHRASE)
    target_config = DatabaseConfig.embedded(tmp_path / "target")
    restore(target_config, tmp_path / "b.ecrbackup", PASSPHRASE)
    assert fingerprint(target_config) == before
    assert CentreHome.open(tmp_path / "target").settings["database.mode"] == "embedded"
    _officer_logs_in(tmp_path / "target")


# ---------------------------------------------------------------- refusals


@pytest.fixture(scope="module")
def good_archive(module_tmp_path: Path) -> Iterator[Path]:
    folder = module_tmp_path
    source = make_centre(folder / "source")
    backup(source.database_config(), folder / "good.ecrbackup", PASSPHRASE)
    embedded.release(source.database_config().db_dir)
    yield folder / "good.ecrbackup"


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _flip_at(fraction: float) -> Callable[[bytes], bytes]:
    def corrupt(data: bytes) -> bytes:
        out = bytearray(data)
        out[HEADER_SIZE + int((len(data) - HEADER_SIZE) * fraction)] ^= 0xFF
        return bytes(out)
    return corrupt


def _inside(change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """A change made by someone holding the passphrase: the tar inside is altered, resealed."""
    def corrupt(data: bytes) -> bytes:
        return seal(change(plaintext(data)))
    return corrupt


def _without(name: str) -> Callable[[bytes], bytes]:
    def change(tar_bytes: bytes) -> bytes:
        out = io.BytesIO()
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as src, \
                tarfile.open(fileobj=out, mode="w") as dst:
            for member in src.getmembers():
                if member.name != name:
                    dst.addfile(member, src.extractfile(member))
        return out.getvalue()
    return change


def _with_unlisted(name: str) -> Callable[[bytes], bytes]:
    return lambda tar_bytes: rebuild(tar_bytes, put={name: b"evil"}, list_in_manifest=False)


def _manifest_altered(tar_bytes: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as src, \
            tarfile.open(fileobj=out, mode="w") as dst:
        for member in src.getmembers():
            body = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                body = body.replace(b'"size": ', b'"size": 1', 1)
                member.size = len(body)
            dst.addfile(member, io.BytesIO(body))
    return out.getvalue()


def _cut_in_last_member(data: bytes) -> bytes:
    """Cut the file inside the data of the tar's last member.

    A fixed fraction is not enough: the tar end blocks, its record padding and
    the last chunk's tag can make up the end of a small archive.  The position
    in the tar is mapped to the sealed file: header, then chunks of 1 MiB and
    their 16-byte tags.
    """
    with tarfile.open(fileobj=io.BytesIO(plaintext(data))) as tar:
        last = tar.getmembers()[-1]
    inner = last.offset_data + last.size // 2
    chunk = 1 << 20
    return data[:HEADER_SIZE + (inner // chunk) * (chunk + 16) + inner % chunk]


CORRUPTIONS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("empty file", lambda data: b""),
    ("not an archive", lambda data: b"this is a letter, not a backup\n" * 100),
    ("only the first block", lambda data: data[:512]),
    ("truncated in the middle", _truncate(0.5)),
    ("truncated inside the last file", _cut_in_last_member),
    ("one byte changed in the database dump", _flip_at(0.3)),
    ("one byte changed near the end", _flip_at(0.999)),
    ("manifest missing", _inside(_without("manifest.json"))),
    ("database dump missing", _inside(_without("database.dump"))),
    ("a member added", _inside(_with_unlisted("home/keys/extra.key"))),
    ("a member escaping the home", _inside(_with_unlisted("../../etc/evil"))),
    ("manifest altered", _inside(_manifest_altered)),
]


@pytest.mark.parametrize(("case", "corrupt"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_damaged_archive_is_refused_and_nothing_is_restored(
        tmp_path: Path, good_archive: Path, case: str, corrupt: Callable[[bytes], bytes]) -> None:
    damaged = tmp_path / "damaged.ecrbackup"
    damaged.write_bytes(corrupt(good_archive.read_bytes()))
    home = tmp_path / "new-home"
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.embedded(home), damaged, PASSPHRASE)
    assert caught.value.rule == "corrupt_archive", caught.value.message
    assert "rien n'a été restauré" in caught.value.message
    assert not home.exists()  # no server started, no file written, not even the folder
    assert not (tmp_path.parent / "evil").exists()


def test_the_good_archive_verifies(good_archive: Path) -> None:
    manifest = verify_archive(good_archive, PASSPHRASE)
    names = {f.name for f in manifest.files}
    assert {"database.dump", "home/settings.json", "home/keys/centre.key.pem"} <= names
    # the database's own application role (ecr_app_<database>) keeps its password
    assert any(n.startswith("home/keys/db/ecr_app_") and n.endswith(".password")
               for n in names)
    assert "home/keys/db/postgres.password" not in names
    assert "home/keys/machine.secret" not in names


def test_a_wrong_passphrase_restores_nothing(tmp_path: Path, good_archive: Path) -> None:
    home = tmp_path / "new-home"
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.embedded(home), good_archive, "not the officer's passphrase")
    assert caught.value.rule == "wrong_passphrase" and caught.value.field == "passphrase"
    assert "rien n'a été restauré" in caught.value.message
    assert not home.exists()  # the folder the restore made is removed again


def test_a_restore_that_fails_in_the_database_leaves_the_home_fresh(
        tmp_path: Path, good_archive: Path, release_after: None) -> None:
    home = tmp_path / "target"
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE SCHEMA ecr")  # not a table, so the database looks empty
    with pytest.raises(BackupError) as caught:
        restore(config, good_archive, PASSPHRASE)
    assert caught.value.rule == "restore_failed"
    assert 'schema "ecr" already exists' in caught.value.message
    assert not (home / "settings.json").exists()
    assert not (home / RESTORING_MARKER).exists()
    assert not list(home.rglob("*.key.pem"))
    assert not (home / "keys" / "machine.secret").exists()
    assert not list((home / "keys" / "db").glob("ecr_app*.password"))
    with owner_connection(config) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'ecr'"
                            ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'ecr\\_app%%'"
                            ).fetchone() == (0,)


def test_a_restore_failing_midway_rolls_back_the_data(
        tmp_path: Path, fresh_db: str, second_db: str) -> None:
    source = make_centre(tmp_path / "source", dsn=fresh_db)
    backup(source.database_config(), tmp_path / "b.ecrbackup", PASSPHRASE)
    with psycopg.connect(second_db, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION public.stop_here() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        conn.execute("CREATE SCHEMA stats")  # made by migration 0101: the replay fails there
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.networked(second_db, home=tmp_path / "target"),
                tmp_path / "b.ecrbackup", PASSPHRASE)
    assert caught.value.rule == "restore_failed"
    assert 'schema "stats" already exists' in caught.value.message
    with psycopg.connect(second_db) as conn:  # migrations 0001-0100 were rolled back too
        assert conn.execute("SELECT to_regclass('ecr.acts')").fetchone() == (None,)
    assert not (tmp_path / "target" / "settings.json").exists()


def test_restore_refuses_a_home_that_already_holds_a_centre(
        tmp_path: Path, good_archive: Path) -> None:
    existing = CentreHome.create(tmp_path / "existing", centre_code="237001",
                                 centre_name="Centre de Yaoundé 1er")
    with pytest.raises(BackupError) as caught:
        restore(existing.database_config(), good_archive, PASSPHRASE)
    assert caught.value.rule == "not_fresh"
    assert not (existing.path / "db" / "data").exists()


def test_restore_refuses_a_database_that_is_not_empty(
        tmp_path: Path, good_archive: Path, release_after: None) -> None:
    config = DatabaseConfig.embedded(tmp_path / "t")
    with owner_connection(config) as conn:
        conn.execute("CREATE TABLE someone_elses (x int)")
    with pytest.raises(BackupError) as caught:
        restore(config, good_archive, PASSPHRASE)
    assert caught.value.rule == "not_empty"
    assert not (tmp_path / "t" / "settings.json").exists()


def test_an_embedded_backup_is_not_restored_into_an_older_server(
        tmp_path: Path, good_archive: Path, second_db: str) -> None:
    with pytest.raises(BackupError) as caught:
        restore(DatabaseConfig.networked(second_db, home=tmp_path / "t"), good_archive,
                PASSPHRASE)
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
    restore(DatabaseConfig.embedded(home), good_archive, PASSPHRASE)
    assert CentreHome.open(home).settings["centre.code"] == "999001"


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    out = tmp_path / "exists.ecrbackup"
    out.write_bytes(b"precious")
    with pytest.raises(BackupError) as caught:
        backup(DatabaseConfig.embedded(tmp_path / "h"), out, PASSPHRASE)
    assert caught.value.rule == "exists"
    assert out.read_bytes() == b"precious"


def test_a_short_backup_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as caught:
        backup(DatabaseConfig.embedded(tmp_path / "h"), tmp_path / "b.ecrbackup", "mfou2024")
    assert (caught.value.field, caught.value.rule) == ("passphrase", "passphrase_too_short")
    assert "12" in caught.value.message
    assert not (tmp_path / "b.ecrbackup").exists() and not (tmp_path / "h").exists()


def test_a_database_ecr_did_not_make_is_not_backed_up(tmp_path: Path, fresh_db: str) -> None:
    with pytest.raises(BackupError) as caught:
        backup(DatabaseConfig.networked(fresh_db), tmp_path / "b.ecrbackup", PASSPHRASE)
    assert caught.value.rule == "not_ecr_database"
    assert not (tmp_path / "b.ecrbackup").exists()


def test_a_pg_dump_too_old_for_the_server_is_named_with_the_version_needed() -> None:
    with pytest.raises(BackupError) as caught:
        find_tool("pg_dump", 99)
    assert caught.value.rule == "tool_too_old"
    assert "pg_dump 99" in caught.value.message


def test_pg_dump_on_path_is_used_when_it_is_new_enough() -> None:
    tool = find_tool("pg_dump", 15)
    assert tool.major >= 15
    assert str(tool.path) == "/usr/bin/pg_dump" or tool.path == embedded.tool("pg_dump")
