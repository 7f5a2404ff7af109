"""Backup and restore of a centre: its database and its home's settings and keys.

A backup is ONE file: a tar (manifest, ``database.dump``, ``home/...``) sealed
with the officer's passphrase; its format is in ``backup_archive`` (the tar)
and ``backup_cipher`` (the seal), and docs/administration.md, "Backups".

What is never in it: the machine secret (``keys/machine.secret``, the
passphrase of the centre's key on this PC) and the database servers' owner
passwords (``keys/db/postgres.password``, the networked owner's): they belong to
this PC or that server.  The centre's private keys are re-encrypted with the
backup passphrase for the archive, and again with the new PC's own secret at a
restore.  Of ``keys/db/`` only the passwords of the login roles the database
grants to (``ecr_app``) are kept.

``restore`` writes into a FRESH home (no centre yet) and an EMPTY database, and
never half-restores.  The whole file is authenticated while it is unpacked into
a private staging folder, before anything is used; a wrong passphrase, a
damaged, cut or lengthened file, or an earlier unsealed format is refused.  The
database is then rebuilt in ONE transaction: this program's own migrations,
replayed up to the backup's version, make the schema and the roles, and only
the dump's rows are loaded into it (``restore_data``): no SQL from the archive
runs, as the superuser or otherwise.  The home's files are removed again if
that fails.  A marker file makes an interrupted restore visible
(``CentreHome.open`` refuses the home until it is redone).

Tools: the embedded server is dumped with its own pg_dump (PostgreSQL 18).  For
a DSN, the ``pg_dump`` on PATH is used if its major version is at least the
server's, else the bundled one if it is, else the error says which is needed.
Restoring needs a ``pg_restore`` at least as new as the ``pg_dump`` that made
the archive (the bundled one always qualifies for archives ECR made).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives import serialization
from psycopg import sql

from common.db import embedded, files, migrate, restore_data
from common.db.backup_archive import (
    DUMP,
    HOME_PREFIX,
    ArchivedFile,
    BackupError,
    BackupManifest,
    sha256_of,
    verify_archive,
    write_sealed,
)
from common.db.connect import (
    DatabaseConfig,
    connection_params,
    owner_connection,
    server_in_use,
)
from common.errors import UserError
from common.i18n import translator

tr = translator("db")

# What of the home goes into a backup (the t2d spool, backups and logs do not).
HOME_ITEMS = (files.SETTINGS_FILE, files.KEYS_DIR, files.TEMPLATES_DIR)
MACHINE_SECRET = f"{files.KEYS_DIR}/machine.secret"
MIN_PASSPHRASE_LENGTH = 12
_SECRETS = "/".join(files.SECRETS_DIR) + "/"
_PRIVATE_KEY_PEM = re.compile(rb"^-----BEGIN (?:ENCRYPTED |EC |RSA )?PRIVATE KEY-----")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
__all__ = ["BackupError", "BackupManifest", "backup", "check_passphrase", "find_tool",
           "restore", "verify_archive"]


@dataclass(frozen=True)
class PgTool:
    """A PostgreSQL client program and its version."""

    path: Path
    major: int
    version: str


def check_passphrase(passphrase: str) -> None:
    """Refuse a backup passphrase too short to resist guessing (field ``passphrase``)."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_LENGTH:
        raise BackupError(tr("The backup passphrase must have at least {n} characters (a "
                             "sentence of a few words is easy to remember)",
                             n=MIN_PASSPHRASE_LENGTH),
                          field="passphrase", rule="passphrase_too_short")


# --------------------------------------------------------------------------- backup


def backup(config: DatabaseConfig, out_file: Path, passphrase: str) -> BackupManifest:
    """Write a backup of ``config``'s database (and home, if any), sealed with ``passphrase``.

    Refuses to overwrite an existing file.  The archive is written (mode 0600)
    under a temporary name and renamed when complete, so ``out_file`` is never
    partial.  The plain dump is staged in the home's private ``backups/`` folder
    (or the system's temporary folder), never beside ``out_file``, which may be
    on a USB stick.
    """
    check_passphrase(passphrase)
    out = Path(out_file).absolute()
    if out.exists():
        raise BackupError(tr("{path} already exists: choose another file name", path=out),
                          field="out_file", rule="exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    with server_in_use(config) as server, _staging(config) as tmp:
        with owner_connection(config) as conn:
            server_num = int(conn.execute("SHOW server_version_num").fetchone()[0])  # type: ignore[index]
            server_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
            schema = migrate.applied_migrations(conn)
            login_roles = _granted_login_roles(conn)
        if not schema:
            raise BackupError(tr("The database ({where}) is not an ECR database (it records no "
                                 "migration): nothing to back up", where=config.describe()),
                              field="database", rule="not_ecr_database")
        dump_tool = (_bundled("pg_dump") if config.is_embedded
                     else find_tool("pg_dump", server_num // 10000))
        params = connection_params(config, None, server)
        failure = _run_tool(dump_tool, ["--format=custom", f"--file={tmp / DUMP}",
                                        f"--dbname={_conninfo_without_password(params)}"],
                            params)
        if failure is not None:
            raise BackupError(tr("The database dump failed, no backup was written: {reason}",
                                 reason=failure), rule="dump_failed")
        members = [(DUMP, tmp / DUMP),
                   *_home_members(config.home, login_roles, passphrase, tmp / "keys")]
        listed = tuple(ArchivedFile(name, path.stat().st_size, sha256_of(path))
                       for name, path in members)
        centre = _centre_of(config.home)
        manifest = BackupManifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            centre_code=centre.get("centre.code", ""), centre_name=centre.get("centre.name", ""),
            source=config.describe(), server_version=server_version,
            dump_tool_version=dump_tool.version, dump_tool_major=dump_tool.major,
            schema=tuple(schema), files=listed)
        write_sealed(out, passphrase, manifest, members)
    return manifest


@contextmanager
def _staging(config: DatabaseConfig) -> Iterator[Path]:
    parent: Path | None = None
    if config.home is not None:
        parent = config.home / "backups"
        files.make_private_dir(parent)
    with tempfile.TemporaryDirectory(prefix=".ecr-backup-", dir=parent) as name:
        yield Path(name)


def _home_members(home: Path | None, login_roles: set[str], passphrase: str,
                  rewrapped: Path) -> list[tuple[str, Path]]:
    """The home's files to archive; private keys re-encrypted with the backup passphrase."""
    if home is None:
        return []
    found: list[tuple[str, Path]] = []
    for item in HOME_ITEMS:
        top = home / item
        if top.is_file():
            found.append((HOME_PREFIX + item, top))
        elif top.is_dir():
            for path in sorted(top.rglob("*")):
                relative = path.relative_to(home).as_posix()
                if not path.is_file() or path.is_symlink() or path.name.endswith(".tmp") \
                        or relative == MACHINE_SECRET:
                    continue
                if relative.startswith(_SECRETS):
                    if relative.count("/") != 2 or not relative.endswith(".password") \
                            or path.name.removesuffix(".password") not in login_roles:
                        continue  # a server's owner password: it stays with that server
                elif relative.startswith(files.KEYS_DIR + "/") and _is_private_key(path):
                    path = _rewrap_for_archive(home, path, passphrase, rewrapped)
                found.append((HOME_PREFIX + relative, path))
    return found


def _is_private_key(path: Path) -> bool:
    with path.open("rb") as fh:
        return _PRIVATE_KEY_PEM.match(fh.read(64)) is not None


def _rewrap_for_archive(home: Path, path: Path, passphrase: str, folder: Path) -> Path:
    from common.pki.keys import CENTRE_PASSPHRASE_ENV, centre_passphrase

    keys_dir = home / files.KEYS_DIR
    try:
        if not os.environ.get(CENTRE_PASSPHRASE_ENV) and not (home / MACHINE_SECRET).exists():
            raise ValueError(f"neither {CENTRE_PASSPHRASE_ENV} nor {MACHINE_SECRET} is there")
        key = serialization.load_pem_private_key(path.read_bytes(),
                                                 password=centre_passphrase(keys_dir))
    except (ValueError, TypeError, UserError) as exc:
        raise BackupError(tr("The key {path} cannot be opened to back it up (set "
                             "ECR_KEY_PASSPHRASE if the centre uses one): {reason}",
                             path=path, reason=str(exc) or type(exc).__name__),
                          field="keys", rule="key_unreadable") from None
    files.make_private_dir(folder)
    target = folder / path.relative_to(keys_dir).as_posix().replace("/", "__")
    files.atomic_write(target, _encrypted_pem(key, passphrase.encode("utf-8")))
    return target


def _encrypted_pem(key: Any, passphrase: bytes) -> bytes:
    return bytes(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(passphrase)))


def _centre_of(home: Path | None) -> dict[str, str]:
    if home is None:
        return {}
    try:
        raw = json.loads((home / files.SETTINGS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(raw.get(k, "")) for k in ("centre.code", "centre.name")} if isinstance(
        raw, dict) else {}


def _granted_login_roles(conn: psycopg.Connection[Any]) -> set[str]:
    """Login roles this database grants privileges to (``ecr_app``): theirs are the passwords
    a backup keeps.  The owner, superusers and predefined ``pg_*`` roles are left out."""
    rows = conn.execute("""
        SELECT r.rolname FROM pg_roles r WHERE r.oid IN (
            SELECT (aclexplode(relacl)).grantee FROM pg_class WHERE relacl IS NOT NULL
            UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc WHERE proacl IS NOT NULL
            UNION SELECT (aclexplode(nspacl)).grantee FROM pg_namespace WHERE nspacl IS NOT NULL
            UNION SELECT (aclexplode(datacl)).grantee FROM pg_database
                  WHERE datname = current_database() AND datacl IS NOT NULL)
          AND r.rolcanlogin AND NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%%'
          AND r.rolname <> current_user""").fetchall()
    return {str(r[0]) for r in rows}


# --------------------------------------------------------------------------- restore


def restore(config: DatabaseConfig, in_file: Path, passphrase: str) -> BackupManifest:
    """Restore the archive ``in_file`` into a fresh home and empty database.

    ``config`` says where: ``DatabaseConfig.embedded(new_home)`` or
    ``DatabaseConfig.networked(dsn, home=new_home)``.  The restored settings
    keep everything but the database location, which becomes ``config``'s (a
    password in that DSN goes to ``keys/db/``, as ``ecr init`` does).
    """
    home = config.home
    if home is None:
        raise BackupError(tr("A restore needs the new centre's home folder"), field="home",
                          rule="required")
    _check_fresh_home(home)
    # A folder this restore makes is removed again if the archive is refused (a
    # damaged or cut file, a wrong passphrase): the disk is left as it was, not
    # with an empty home.  Once a database server may use the home (the embedded
    # one keeps its files there) it is the server's to stop first: kept.
    made = next((p for p in reversed([home, *home.parents]) if not p.exists()), None)
    files.make_private_dir(home)
    server_started = False
    try:
        with tempfile.TemporaryDirectory(prefix=".ecr-restore-", dir=home) as staging_name:
            staging = Path(staging_name)
            manifest = verify_archive(in_file, passphrase, extract_to=staging)
            restorer = _restore_tool(manifest.dump_tool_major)
            home_files = [f.name[len(HOME_PREFIX):] for f in manifest.files
                          if f.name.startswith(HOME_PREFIX)]
            redo = (home / files.RESTORING_MARKER).exists()  # leftovers of an interrupted restore
            for relative in home_files:
                if not redo and (home / relative).exists():
                    raise BackupError(tr("{path} already exists in the new home: restore into an "
                                         "empty folder", path=home / relative),
                                      field="home", rule="not_fresh")
            server_started = True
            with server_in_use(config), owner_connection(config, autocommit=False) as conn:
                marker = home / files.RESTORING_MARKER
                files.atomic_write(marker, b"restore in progress\n")
                written: list[Path] = []
                try:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (migrate.LOCK_KEY,))
                        _check_empty_database(conn, config)
                        _check_server_not_older(conn, manifest)
                        _write_home(home, staging / "home", home_files, config, passphrase,
                                    written)
                        _load_database(conn, restorer, staging, manifest)
                        _set_role_passwords(conn, staging / "home", home_files)
                except BaseException:
                    for path in written:
                        path.unlink(missing_ok=True)
                    if not redo:  # a redo may leave older leftovers: keep them marked
                        marker.unlink(missing_ok=True)
                    raise
                conn.autocommit = True
                conn.execute("ANALYZE")
                marker.unlink()
                files.fsync_dir(home)
    except BaseException:
        if made is not None and not server_started:
            shutil.rmtree(made, ignore_errors=True)
        raise
    return manifest


def _load_database(conn: psycopg.Connection[Any], restorer: PgTool, staging: Path,
                   manifest: BackupManifest) -> None:
    try:
        restore_data.load(conn, restorer.path, staging / DUMP, list(manifest.schema), staging)
    except restore_data.DumpRefused as exc:
        raise BackupError(tr("The database in the backup does not match the schema of ECR "
                             "({reason}); nothing was restored", reason=exc.reason),
                          field="in_file", rule="dump_refused") from exc
    except migrate.NewerSchema as exc:
        raise BackupError(tr("The backup was made by a newer version of ECR: restore it with "
                             "that version or a newer one; nothing was restored"),
                          field="in_file", rule="newer_schema") from exc
    except migrate.MigrationError as exc:
        raise BackupError(tr("The backup was made by another build of ECR ({reason}); "
                             "nothing was restored", reason=str(exc)),
                          field="in_file", rule="other_schema") from exc
    except psycopg.Error as exc:
        raise BackupError(tr("The database restore failed, nothing was restored: {reason}",
                             reason=_one_line(str(exc))), rule="restore_failed") from exc


def _write_home(home: Path, source: Path, home_files: list[str], config: DatabaseConfig,
                passphrase: str, written: list[Path]) -> None:
    """The archived home files, with this restore's database and this PC's key secret."""
    keys_dir = home / files.KEYS_DIR
    extra: dict[str, bytes] = {}
    dsn_settings = dict(config.settings_values())
    if config.dsn:
        params = dict(psycopg.conninfo.conninfo_to_dict(config.dsn))
        password = params.pop("password", None)
        if password:
            user = params.get("user")
            if not user:
                raise BackupError(tr("A database address with a password must also name the "
                                     "user"), field="database.dsn", rule="user_required")
            extra[f"{_SECRETS}{user}.password"] = f"{password}\n".encode()
            dsn_settings["database.dsn"] = psycopg.conninfo.make_conninfo("", **params)
    secret_existed = (home / MACHINE_SECRET).exists()
    for relative in home_files:
        data = (source / relative).read_bytes()
        if relative == files.SETTINGS_FILE:
            data = _with_database(data, dsn_settings)
        elif relative.startswith(files.KEYS_DIR + "/") and not relative.startswith(_SECRETS) \
                and _PRIVATE_KEY_PEM.match(data[:64]):
            from common.pki.keys import centre_passphrase

            _make_parents(home, keys_dir / "x")
            data = _rewrap_for_home(data, passphrase, centre_passphrase(keys_dir), relative)
            if not secret_existed and (home / MACHINE_SECRET).exists():
                written.append(home / MACHINE_SECRET)
        _write_one(home, relative, data, written)
    for relative, data in extra.items():
        _write_one(home, relative, data, written)


def _write_one(home: Path, relative: str, data: bytes, written: list[Path]) -> None:
    target = home / relative
    _make_parents(home, target)
    files.atomic_write(target, data, mode=0o600)
    written.append(target)


def _rewrap_for_home(data: bytes, passphrase: str, local: bytes, name: str) -> bytes:
    try:
        key = serialization.load_pem_private_key(data, password=passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise BackupError(tr("The key {name} in the backup cannot be opened with its "
                             "passphrase; nothing was restored", name=name),
                          field="in_file", rule="corrupt_archive") from None
    return _encrypted_pem(key, local)


_APP_ROLE = re.compile(r"ecr_app(_[a-z0-9_]{1,55})?")


def _set_role_passwords(conn: psycopg.Connection[Any], source: Path,
                        home_files: list[str]) -> None:
    """Give the archived passwords to the login roles the migrated database grants to."""
    allowed = _granted_login_roles(conn)
    for relative in home_files:
        if not relative.startswith(_SECRETS):
            continue
        role = relative[len(_SECRETS):].removesuffix(".password")
        if role not in allowed and _APP_ROLE.fullmatch(role):
            # the application role of the SOURCE database (ecr_app_<its name>): the
            # restored database has its own, made with a new password by the upgrade
            # that follows the restore; this one is not created, nor kept
            (source / relative).unlink()
            continue
        if role not in allowed or "/" in role:
            raise BackupError(tr("The backup holds a password for the role {role}, which is "
                                 "not one ECR creates; nothing was restored", role=role),
                              field="in_file", rule="unexpected_role")
        password = (source / relative).read_text("utf-8").strip()
        verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(),
                                                b"scram-sha-256")
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(verifier.decode())))


def _check_fresh_home(home: Path) -> None:
    if (home / files.SETTINGS_FILE).exists() and not (home / files.RESTORING_MARKER).exists():
        raise BackupError(tr("{path} already holds a centre: restore into a new home folder",
                             path=home), field="home", rule="not_fresh")


def _check_empty_database(conn: psycopg.Connection[Any], config: DatabaseConfig) -> None:
    row = conn.execute("""
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'""").fetchone()
    if row is not None and int(row[0]) > 0:
        raise BackupError(tr("The database ({where}) is not empty: restore into a new database",
                             where=config.describe()), field="database", rule="not_empty")


def _with_database(settings: bytes, values: Mapping[str, object]) -> bytes:
    try:
        raw = json.loads(settings.decode("utf-8"))
    except ValueError:
        return settings  # CentreHome.open will name the problem
    if isinstance(raw, dict):
        raw.update(values)
    return (json.dumps(raw, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _make_parents(home: Path, target: Path) -> None:
    for parent in reversed(target.relative_to(home).parents):
        folder = home / parent
        if not folder.exists():
            folder.mkdir(mode=0o700)


def _check_server_not_older(conn: psycopg.Connection[Any], manifest: BackupManifest) -> None:
    source = _major_of(manifest.server_version)
    target = int(str(conn.execute("SHOW server_version_num").fetchone()[0])) // 10000  # type: ignore[index]
    if source is not None and target < source:
        raise BackupError(tr("The backup comes from a PostgreSQL {source} server and cannot be "
                             "restored into an older one (PostgreSQL {target}): use a server of "
                             "version {source} or newer", source=source, target=target),
                          field="database", rule="server_too_old")


def _major_of(version: str) -> int | None:
    match = re.match(r"(\d+)", version)
    return int(match.group(1)) if match else None


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


# --------------------------------------------------------------------------- tools


def find_tool(name: str, min_major: int) -> PgTool:
    """``name`` (pg_dump, pg_restore) from PATH, else bundled, with major >= ``min_major``."""
    found: list[PgTool] = []
    on_path = shutil.which(name)
    candidates = [Path(on_path)] if on_path else []
    candidates.append(embedded.tool(name))
    for path in candidates:
        tool = _tool_version(path)
        if tool is not None:
            if tool.major >= min_major:
                return tool
            found.append(tool)
    seen = ", ".join(f"{t.path} ({t.major})" for t in found) or tr("none")
    raise BackupError(tr("{name} {major} or newer is needed for a PostgreSQL {major} server; "
                         "found: {found}. Install the PostgreSQL {major} client programs",
                         name=name, major=min_major, found=seen),
                      field="tool", rule="tool_too_old")


def _restore_tool(dump_major: int) -> PgTool:
    bundled = _bundled("pg_restore")
    return bundled if bundled.major >= dump_major else find_tool("pg_restore", dump_major)


def _bundled(name: str) -> PgTool:
    tool = _tool_version(embedded.tool(name))
    if tool is None:
        raise BackupError(tr("The bundled {name} does not run", name=name), field="tool",
                          rule="tool_broken")
    return tool


def _tool_version(path: Path) -> PgTool | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True,  # noqa: S603
                             check=True, timeout=30, env=_clean_env()).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    if match is None:
        return None
    return PgTool(path, int(match.group(1)), out.strip())


def _clean_env(password: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_MESSAGES"] = "C"
    if password is not None:
        env["PGPASSWORD"] = password  # never on a command line, where ps shows it
    return env


def _conninfo_without_password(params: Mapping[str, Any]) -> str:
    return psycopg.conninfo.make_conninfo(
        **{k: v for k, v in params.items() if k != "password"})


def _run_tool(tool: PgTool, args: list[str], params: Mapping[str, Any]) -> str | None:
    """Run a client program; return None on success, else its first error line."""
    password = params.get("password")
    try:
        subprocess.run([str(tool.path), *args], capture_output=True, text=True,  # noqa: S603
                       check=True, timeout=6 * 3600,
                       env=_clean_env(str(password) if password is not None else None))
    except subprocess.CalledProcessError as exc:
        return _first_error(exc.stderr)
    return None


def _first_error(stderr: str | None) -> str:
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    for line in lines:
        if "ERROR" in line or "error" in line or "FATAL" in line:
            return line
    return lines[0] if lines else "no detail"
