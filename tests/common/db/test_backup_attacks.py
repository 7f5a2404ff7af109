"""The attacks on backups of issue 11 (findings 2 and 3), each played for real.

- a dump rewritten (a validated act changed) with its manifest recomputed;
- SQL smuggled into the dump (a function running ``COPY … TO PROGRAM``, a
  materialized view and an event trigger calling it), which must never run;
- a table smuggled into the dump, a hostile ``roles.json``, a password for a
  role ECR does not make;
- a local account or a thief reading the archive and the home.

The strongest attacker is played where it matters: one who holds the backup
passphrase, or who had the source database's owner rights when the backup was
made, still cannot run code at the restore nor create roles.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.db import embedded
from common.db.backup import BackupError, backup, restore
from common.db.backup_cipher import SealedReader
from common.db.connect import DatabaseConfig, conninfo, owner_connection
from ecr_tk.services.centre import Centre
from tests.common.db.backup_helpers import (
    OFFICER,
    OFFICER_PASSWORD,
    PASSPHRASE,
    make_centre,
    members,
    plaintext,
    rebuild,
    seal,
    write_tar,
)

TRAVERSE = embedded.runs_as_other_account()  # run as root: the home keeps o+x for the server


@pytest.fixture
def release_after(tmp_path: Path) -> Iterator[None]:
    yield
    for db_dir in tmp_path.glob("*/db"):
        embedded.release(db_dir)


@pytest.fixture
def proof_file() -> Iterator[Path]:
    """Where smuggled code would leave its mark: a path the database server can write."""
    path = Path(f"/tmp/ecr-smuggled-code-ran-{uuid.uuid4().hex}")
    yield path
    path.unlink(missing_ok=True)


def _assert_nothing_restored(home: Path) -> None:
    assert not (home / "settings.json").exists()
    assert not list(home.rglob("*.pem")) and not list(home.rglob("machine.secret"))
    # only the new embedded server's own owner password, made when it was started
    assert [p.name for p in home.rglob("*.password")] in ([], ["postgres.password"])


def _restored_config(tmp_path: Path) -> DatabaseConfig:
    return DatabaseConfig.embedded(tmp_path / "target")


# ------------------------------------------------- finding 2: authenticity


def test_a_dump_rewritten_with_a_recomputed_manifest_is_refused(
        tmp_path: Path, release_after: None) -> None:
    source = make_centre(tmp_path / "source")
    archive = tmp_path / "genuine.ecrbackup"
    backup(source.database_config(), archive, PASSPHRASE)
    # The attacker changes a validated act (the guard is the owner's to disable)
    # and dumps again: a real, valid pg_dump of the altered database.
    with owner_connection(source.database_config()) as conn:
        conn.execute("ALTER TABLE ecr.acts DISABLE TRIGGER USER")
        changed = conn.execute(
            "UPDATE ecr.acts SET summary = summary || '{\"name\": \"Innocent Person\"}'"
            " WHERE id = (SELECT min(id) FROM ecr.acts WHERE status = 'validated')"
            " RETURNING id").fetchall()
        conn.execute("ALTER TABLE ecr.acts ENABLE TRIGGER USER")
    assert len(changed) == 1
    forged_dump = tmp_path / "forged.dump"
    params = conninfo(source.database_config())
    subprocess.run([str(embedded.tool("pg_dump")), "--format=custom", f"--file={forged_dump}",
                    f"--dbname={params}"], check=True, capture_output=True)
    inner = rebuild(plaintext(archive), put={"database.dump": forged_dump.read_bytes()})
    attempts = {
        # the format that restored before: a plain tar, checksums recomputed
        "plain tar": (inner, "unsealed_format"),
        # sealed again, but with the attacker's own passphrase
        "resealed": (seal(inner, "the attacker's own passphrase"), "wrong_passphrase"),
    }
    for case, (data, rule) in attempts.items():
        forged = tmp_path / f"{case}.ecrbackup"
        forged.write_bytes(data)
        with pytest.raises(BackupError) as caught:
            restore(_restored_config(tmp_path), forged, PASSPHRASE)
        assert caught.value.rule == rule, case
        assert "restauré" in caught.value.message
        _assert_nothing_restored(tmp_path / "target")


# ------------------------------------------------- finding 2: no code from the archive


SMUGGLED = """
CREATE FUNCTION public.smuggled() RETURNS int LANGUAGE plpgsql AS $f$
BEGIN
    -- disarmed while it is planted, so that only a restore would set it off
    IF current_setting('smuggle.disarmed', true) IS DISTINCT FROM 'yes' THEN
        EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'touch {proof}');
    END IF;
    RETURN 1;
END $f$;
SET smuggle.disarmed = 'yes';
CREATE MATERIALIZED VIEW public.smuggled_view AS SELECT public.smuggled() AS x;
CREATE FUNCTION public.smuggled_event() RETURNS event_trigger LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.smuggled(); END $f$;
CREATE EVENT TRIGGER smuggled_on_ddl ON ddl_command_end
    EXECUTE FUNCTION public.smuggled_event();
CREATE FUNCTION ecr.smuggled_row() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN PERFORM public.smuggled(); RETURN NEW; END $f$;
CREATE TRIGGER smuggled_on_insert BEFORE INSERT ON ecr.users
    FOR EACH ROW EXECUTE FUNCTION ecr.smuggled_row();
"""


def test_sql_smuggled_into_a_dump_never_runs_at_the_restore(
        tmp_path: Path, proof_file: Path, release_after: None) -> None:
    source = make_centre(tmp_path / "source")
    with owner_connection(source.database_config()) as conn:
        conn.execute(SMUGGLED.replace("{proof}", str(proof_file)))
        conn.execute("RESET smuggle.disarmed")
        # the payload works: armed, it runs a program as the server's superuser
        conn.execute("SELECT public.smuggled()")
        assert proof_file.exists()
        proof_file.unlink()
    archive = tmp_path / "carrier.ecrbackup"
    backup(source.database_config(), archive, PASSPHRASE)  # made with the real passphrase
    embedded.release(source.database_config().db_dir)
    assert not proof_file.exists()

    target = _restored_config(tmp_path)
    restore(target, archive, PASSPHRASE)
    assert not proof_file.exists()  # nothing of it ran, as the superuser or anyone
    with owner_connection(target) as conn:
        planted = conn.execute(
            "SELECT (SELECT count(*) FROM pg_proc WHERE proname LIKE 'smuggled%%'),"
            " (SELECT count(*) FROM pg_matviews), (SELECT count(*) FROM pg_event_trigger),"
            " (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'smuggled%%')").fetchone()
        assert planted == (0, 0, 0, 0)
    with Centre.open(target.home) as centre:  # migrations (DDL), a login, a user added
        officer = centre.login(OFFICER, OFFICER_PASSWORD)
        officer.users.add(77, "Nouvel Agent", "agent", "mot-de-passe-77")
    assert not proof_file.exists()


def test_rows_for_a_table_the_migrations_do_not_make_are_refused_and_rolled_back(
        tmp_path: Path, release_after: None) -> None:
    source = make_centre(tmp_path / "source")
    with owner_connection(source.database_config()) as conn:
        conn.execute("CREATE TABLE ecr.smuggled (note text)")
        conn.execute("INSERT INTO ecr.smuggled VALUES ('planted')")
    archive = tmp_path / "carrier.ecrbackup"
    backup(source.database_config(), archive, PASSPHRASE)
    target = _restored_config(tmp_path)
    with pytest.raises(BackupError) as caught:
        restore(target, archive, PASSPHRASE)
    assert caught.value.rule == "dump_refused"
    assert "ecr.smuggled" in caught.value.message
    _assert_nothing_restored(tmp_path / "target")
    with owner_connection(target) as conn:  # the replayed migrations were rolled back
        assert conn.execute("SELECT to_regnamespace('ecr')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'ecr_app'"
                            ).fetchone() == (0,)


# ------------------------------------------------- finding 2: roles


@pytest.fixture(scope="module")
def genuine(module_tmp_path: Path) -> Iterator[Path]:
    source = make_centre(module_tmp_path / "source")
    backup(source.database_config(), module_tmp_path / "genuine.ecrbackup", PASSPHRASE)
    embedded.release(source.database_config().db_dir)
    yield module_tmp_path / "genuine.ecrbackup"


HOSTILE_ROLES = [{"name": "intruder", "login": True, "inherit": True, "connection_limit": -1,
                  "member_of": ["pg_execute_server_program", "pg_read_server_files"]},
                 {"name": "ecr_app", "login": True, "inherit": True, "connection_limit": -1,
                  "member_of": ["pg_write_server_files"]}]


@pytest.mark.parametrize(("case", "put", "rule"), [
    ("a hostile roles.json", {"roles.json": json.dumps(HOSTILE_ROLES).encode()},
     "corrupt_archive"),
    ("a password for a role ECR does not make",
     {"home/keys/db/intruder.password": b"let-me-in-please\n"}, "unexpected_role"),
], ids=["roles.json", "foreign role password"])
def test_an_archive_cannot_create_or_empower_a_role(
        tmp_path: Path, genuine: Path, case: str, put: dict[str, bytes], rule: str,
        release_after: None) -> None:
    # played by someone who holds the passphrase: the archive is authentic
    forged = tmp_path / "forged.ecrbackup"
    forged.write_bytes(seal(rebuild(plaintext(genuine), put=put)))
    target = _restored_config(tmp_path)
    with pytest.raises(BackupError) as caught:
        restore(target, forged, PASSPHRASE)
    assert caught.value.rule == rule, case
    _assert_nothing_restored(tmp_path / "target")
    if (tmp_path / "target" / "db" / "data").exists():
        with owner_connection(target) as conn:
            assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname IN "
                                "('intruder', 'ecr_app')").fetchone() == (0,)


def test_the_restored_roles_are_the_migrations_own(
        tmp_path: Path, genuine: Path, release_after: None) -> None:
    target = _restored_config(tmp_path)
    restore(target, genuine, PASSPHRASE)
    with owner_connection(target) as conn:
        roles = conn.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolinherit FROM pg_roles"
            " WHERE rolname NOT LIKE 'pg\\_%%' AND rolname <> 'postgres' ORDER BY 1").fetchall()
        # the shared ecr_app of older versions stays a NOLOGIN leftover; the login role
        # is this database's own (ecr_app_<database>, issue 11 finding 10)
        assert {r[0] for r in roles} == {"ecr_app", target.app_role, "ecr_stats"}
        assert [r[0] for r in roles if r[1]] == [target.app_role]
        assert not any(r[2] or r[3] for r in roles)  # no superuser, no role creator
        # the one membership the migrations make: this database's login role in the
        # NOLOGIN group ecr_app that holds the API's EXECUTE grants
        assert conn.execute("SELECT r.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles r"
                            " ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid"
                            " WHERE r.rolname LIKE 'ecr%%'").fetchall() == [
            (target.app_role, "ecr_app")]


# ------------------------------------------------- finding 3: what a reader of the disk gets


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_backup_is_private_sealed_and_never_holds_a_key_beside_its_passphrase(
        tmp_path: Path, release_after: None) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    source = make_centre(tmp_path / "source")
    keys = source.folder("keys")
    machine_secret = (keys / "machine.secret").read_bytes().strip()
    app_password = (keys / "db" / f"{source.database_config().app_role}.password"
                    ).read_bytes().strip()
    previous = os.umask(0o022)  # the usual umask, which made 0644 archives
    try:
        archive = source.folder("backups") / "centre.ecrbackup"
        backup(source.database_config(), archive, PASSPHRASE)
    finally:
        os.umask(previous)
    assert _mode(archive) == 0o600
    assert _mode(source.folder("backups")) == 0o700
    raw = archive.read_bytes()
    for secret in (b"-----BEGIN", b"PRIVATE KEY", machine_secret, app_password,
                   b"manifest.json"):
        assert secret not in raw, secret
    assert list(source.folder("backups").iterdir()) == [archive]  # no staging left behind
    # Inside the seal too: no machine secret, and the key is under the backup passphrase.
    inside = members(plaintext(archive))
    assert "home/keys/machine.secret" not in inside
    assert machine_secret not in b"".join(inside.values())
    key_pem = inside["home/keys/centre.key.pem"]
    assert key_pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(ValueError):
        load_pem_private_key(key_pem, password=machine_secret)
    load_pem_private_key(key_pem, password=PASSPHRASE.encode())


def test_an_archive_can_only_be_opened_with_the_passphrase(
        tmp_path: Path, genuine: Path) -> None:
    from common.db.backup_cipher import WrongPassphrase

    with pytest.raises(WrongPassphrase):
        SealedReader(io.BytesIO(genuine.read_bytes()), "a guess at the passphrase")


def test_a_home_made_first_by_the_embedded_server_is_private(
        tmp_path: Path, release_after: None) -> None:
    from ecr_tk.home import FOLDERS, CentreHome

    home = tmp_path / "new-centre"
    with owner_connection(DatabaseConfig.embedded(home)) as conn:  # the server makes the home
        conn.execute("SELECT 1")
    assert _mode(home) == (0o701 if TRAVERSE else 0o700)  # o+x only: traverse, never list
    assert _mode(home / "db") == (0o711 if TRAVERSE else 0o700)
    made = CentreHome.create(home, centre_code="237001", centre_name="Centre de Mfou")
    assert _mode(made.path) == (0o701 if TRAVERSE else 0o700)
    for name in FOLDERS:
        expected = 0o711 if (name == "db" and TRAVERSE) else 0o700
        assert _mode(made.folder(name)) == expected, name
    assert _mode(made.settings_file) == 0o600


def test_an_older_home_left_open_to_others_is_closed_when_opened(tmp_path: Path) -> None:
    from ecr_tk.home import CentreHome

    made = CentreHome.create(tmp_path / "old", centre_code="237001", centre_name="Mfou")
    made.path.chmod(0o755)
    made.folder("templates").chmod(0o755)
    made.folder("t2d").chmod(0o755)
    CentreHome.open(made.path)
    assert _mode(made.path) == (0o701 if TRAVERSE else 0o700)
    assert _mode(made.folder("templates")) == _mode(made.folder("t2d")) == 0o700


def test_a_restored_home_is_private(tmp_path: Path, genuine: Path, release_after: None) -> None:
    from ecr_tk.home import CentreHome

    restore(_restored_config(tmp_path), genuine, PASSPHRASE)
    home = CentreHome.open(tmp_path / "target")
    assert _mode(home.path) == (0o701 if TRAVERSE else 0o700)
    for path in home.path.rglob("*"):
        if "db" in path.relative_to(home.path).parts[:1]:
            continue  # the server's own data
        assert _mode(path) & 0o077 == 0, path


def test_the_manifest_of_a_plain_tar_is_refused_even_with_valid_checksums(
        tmp_path: Path, genuine: Path) -> None:
    plain = tmp_path / "plain.tar"
    plain.write_bytes(write_tar(members(plaintext(genuine))))
    with pytest.raises(BackupError) as caught:
        restore(_restored_config(tmp_path), plain, PASSPHRASE)
    assert caught.value.rule == "unsealed_format"
    assert not (tmp_path / "target").exists() or not list((tmp_path / "target").iterdir())
