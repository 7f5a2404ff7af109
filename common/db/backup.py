"""Backup and restore of a centre: its database and its home's settings and keys.

A backup is ONE tar file::

    manifest.json      format, version, centre, server and pg_dump versions, and
                       the size and SHA-256 of every other member
    database.dump      pg_dump custom format (compressed) of the centre database
    roles.json         the roles the database grants to (``ecr_app``...) and
                       their memberships: roles are cluster-wide, pg_dump omits them
    home/settings.json, home/keys/..., home/templates/...

The embedded server's owner password (``keys/db/postgres.password``) is not
archived: it belongs to the cluster, and the restored home has its own.

``restore`` writes into a FRESH home (no centre yet) and an EMPTY database, and
never half-restores: the archive is read and every checksum verified before
anything is written; the roles and the whole database are then restored by
``psql --single-transaction`` (one transaction: all or nothing); the home's
files are removed again if that fails.  A marker file makes an interrupted
restore visible (``CentreHome.open`` refuses the home until it is redone).
Ownership is given to the restoring owner (``pg_restore --no-owner``), as if
its migrations had created everything; privileges are kept.

Tools: the embedded server is dumped with its own pg_dump (PostgreSQL 18).  For
a DSN, the ``pg_dump`` on PATH is used if its major version is at least the
server's, else the bundled one if it is, else the error says which is needed.
Restoring needs a ``pg_restore`` at least as new as the ``pg_dump`` that made
the archive (the bundled one always qualifies for archives ECR made).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg
from psycopg import sql

from common.db import embedded, files
from common.db.connect import (
    DatabaseConfig,
    connection_params,
    owner_connection,
    server_in_use,
)
from common.errors import UserError
from common.i18n import translator

tr = translator("db")

ARCHIVE_FORMAT = "ecr-backup"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
ROLES = "roles.json"
HOME_PREFIX = "home/"
# What of the home goes into a backup (the t2d spool, backups and logs do not).
HOME_ITEMS = (files.SETTINGS_FILE, files.KEYS_DIR, files.TEMPLATES_DIR)
_NOT_ARCHIVED = {f"{'/'.join(files.SECRETS_DIR)}/{embedded.OWNER}.password"}
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
_CHUNK = 1 << 20
_SET_LINE = re.compile(r"^SET ([a-z_][a-z0-9_.]*) = .*;$")


class BackupError(UserError):
    """A backup or restore refused or failed; nothing was changed."""


@dataclass(frozen=True)
class ArchivedFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupManifest:
    """What an archive holds (``manifest.json``)."""

    created_at: str
    centre_code: str
    centre_name: str
    source: str
    server_version: str
    dump_tool_version: str
    dump_tool_major: int
    files: tuple[ArchivedFile, ...]
    format: str = ARCHIVE_FORMAT
    version: int = ARCHIVE_VERSION

    def to_json(self) -> bytes:
        body = asdict(self)
        body["files"] = [asdict(f) for f in self.files]
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> BackupManifest:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != ARCHIVE_FORMAT:
            raise ValueError("not an ECR backup manifest")
        if raw.get("version") != ARCHIVE_VERSION:
            raise ValueError(f"unsupported backup format version {raw.get('version')}")
        listed = tuple(ArchivedFile(str(f["name"]), int(f["size"]), str(f["sha256"]))
                       for f in raw["files"])
        return cls(str(raw["created_at"]), str(raw["centre_code"]), str(raw["centre_name"]),
                   str(raw["source"]), str(raw["server_version"]),
                   str(raw["dump_tool_version"]), int(raw["dump_tool_major"]), listed)


@dataclass(frozen=True)
class PgTool:
    """A PostgreSQL client program and its version."""

    path: Path
    major: int
    version: str


# --------------------------------------------------------------------------- backup


def backup(config: DatabaseConfig, out_file: Path) -> BackupManifest:
    """Write a backup of ``config``'s database (and home, if any) to ``out_file``.

    Refuses to overwrite an existing file.  The archive is written under a
    temporary name and renamed when complete, so ``out_file`` is never partial.
    """
    out = Path(out_file).absolute()
    if out.exists():
        raise BackupError(tr("{path} already exists: choose another file name", path=out),
                          field="out_file", rule="exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    with server_in_use(config) as server, \
            tempfile.TemporaryDirectory(prefix=".ecr-backup-", dir=out.parent) as tmp_name:
        tmp = Path(tmp_name)
        with owner_connection(config) as conn:
            server_num = int(conn.execute("SHOW server_version_num").fetchone()[0])  # type: ignore[index]
            server_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
            roles = _referenced_roles(conn)
        dump_tool = (_bundled("pg_dump") if config.is_embedded
                     else find_tool("pg_dump", server_num // 10000))
        params = connection_params(config, None, server)
        failure = _run_tool(dump_tool, ["--format=custom", f"--file={tmp / DUMP}",
                                        f"--dbname={_conninfo_without_password(params)}"],
                            params)
        if failure is not None:
            raise BackupError(tr("The database dump failed, no backup was written: {reason}",
                                 reason=failure), rule="dump_failed")
        (tmp / ROLES).write_bytes(json.dumps(roles, indent=2, sort_keys=True).encode())
        members = [(DUMP, tmp / DUMP), (ROLES, tmp / ROLES), *_home_members(config.home)]
        listed = tuple(ArchivedFile(name, path.stat().st_size, _sha256(path))
                       for name, path in members)
        centre = _centre_of(config.home)
        manifest = BackupManifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            centre_code=centre.get("centre.code", ""), centre_name=centre.get("centre.name", ""),
            source=config.describe(), server_version=server_version,
            dump_tool_version=dump_tool.version, dump_tool_major=dump_tool.major, files=listed)
        partial = tmp / "archive.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            _add_bytes(tar, MANIFEST, manifest.to_json())
            for name, path in members:
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with path.open("rb") as fh:
                    tar.addfile(info, fh)
        with partial.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, out)
        files.fsync_dir(out.parent)
    return manifest


def _home_members(home: Path | None) -> list[tuple[str, Path]]:
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
                if path.is_file() and not path.is_symlink() and relative not in _NOT_ARCHIVED \
                        and not path.name.endswith(".tmp"):
                    found.append((HOME_PREFIX + relative, path))
    return found


def _centre_of(home: Path | None) -> dict[str, str]:
    if home is None:
        return {}
    try:
        raw = json.loads((home / files.SETTINGS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: str(raw.get(k, "")) for k in ("centre.code", "centre.name")} if isinstance(
        raw, dict) else {}


def _referenced_roles(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Roles the database's privileges name, with the roles they belong to or contain.

    The owner, superusers and predefined ``pg_*`` roles are left out: the
    restoring owner takes the owner's place, the others exist everywhere.
    """
    rows = conn.execute("""
        SELECT DISTINCT grantee FROM (
            SELECT (aclexplode(relacl)).grantee FROM pg_class WHERE relacl IS NOT NULL
            UNION SELECT (aclexplode(attacl)).grantee FROM pg_attribute WHERE attacl IS NOT NULL
            UNION SELECT (aclexplode(proacl)).grantee FROM pg_proc WHERE proacl IS NOT NULL
            UNION SELECT (aclexplode(nspacl)).grantee FROM pg_namespace WHERE nspacl IS NOT NULL
            UNION SELECT (aclexplode(typacl)).grantee FROM pg_type WHERE typacl IS NOT NULL
            UNION SELECT (aclexplode(defaclacl)).grantee FROM pg_default_acl
            UNION SELECT (aclexplode(datacl)).grantee FROM pg_database
                  WHERE datname = current_database() AND datacl IS NOT NULL
        ) AS g(grantee) WHERE grantee <> 0""").fetchall()
    wanted: set[int] = {int(r[0]) for r in rows}
    edges = conn.execute("SELECT roleid, member, admin_option FROM pg_auth_members").fetchall()
    changed = True
    while changed:  # both ways: what a role inherits, and who inherits from it
        before = len(wanted)
        for roleid, member, _admin in edges:
            if roleid in wanted or member in wanted:
                wanted.update((int(roleid), int(member)))
        changed = len(wanted) != before
    roles = conn.execute("""
        SELECT oid, rolname, rolcanlogin, rolinherit, rolconnlimit FROM pg_roles
        WHERE oid = ANY(%s) AND NOT rolsuper AND rolname NOT LIKE 'pg\\_%%'
          AND rolname <> current_user ORDER BY rolname""", (list(wanted),)).fetchall()
    names = {int(r[0]): str(r[1]) for r in roles}
    out = []
    for oid, name, login, inherit, connlimit in roles:
        member_of = sorted({names[int(rid)] for rid, mem, _a in edges
                            if int(mem) == oid and int(rid) in names})
        out.append({"name": name, "login": bool(login), "inherit": bool(inherit),
                    "connection_limit": int(connlimit), "member_of": member_of})
    return out


# --------------------------------------------------------------------------- restore


def restore(config: DatabaseConfig, in_file: Path) -> BackupManifest:
    """Restore the archive ``in_file`` into a fresh home and empty database.

    ``config`` says where: ``DatabaseConfig.embedded(new_home)`` or
    ``DatabaseConfig.networked(dsn, home=new_home)``.  The restored settings
    keep everything but the database location, which becomes ``config``'s.
    """
    home = config.home
    if home is None:
        raise BackupError(tr("A restore needs the new centre's home folder"), field="home",
                          rule="required")
    _check_fresh_home(home)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.TemporaryDirectory(prefix=".ecr-restore-", dir=home) as staging_name:
        staging = Path(staging_name)
        manifest = verify_archive(in_file, extract_to=staging)
        restorer = _restore_tool(manifest.dump_tool_major)
        home_files = [f.name[len(HOME_PREFIX):] for f in manifest.files
                      if f.name.startswith(HOME_PREFIX)]
        redo = (home / files.RESTORING_MARKER).exists()  # leftovers of an interrupted restore
        for relative in home_files:
            if not redo and (home / relative).exists():
                raise BackupError(tr("{path} already exists in the new home: restore into an "
                                     "empty folder", path=home / relative),
                                  field="home", rule="not_fresh")
        with server_in_use(config) as server:
            params = connection_params(config, None, server)
            with owner_connection(config) as conn:
                _check_empty_database(conn, config)
                roles = json.loads((staging / ROLES).read_text("utf-8"))
                roles_sql = _roles_sql(conn, roles, staging / "home")
                _check_server_not_older(conn, manifest)
                known = {str(r[0]) for r in conn.execute("SELECT name FROM pg_settings")}
            script = staging / "restore.sql"
            _write_restore_script(restorer, staging / DUMP, script, roles_sql, known)
            marker = home / files.RESTORING_MARKER
            files.atomic_write(marker, b"restore in progress\n")
            written: list[Path] = []
            try:
                for relative in home_files:
                    data = (staging / "home" / relative).read_bytes()
                    if relative == files.SETTINGS_FILE:
                        data = _with_database(data, config)
                    target = home / relative
                    _make_parents(home, target)
                    files.atomic_write(target, data, mode=0o600)
                    written.append(target)
                failure = _run_tool(
                    _bundled("psql"),
                    ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                     "-f", str(script), f"--dbname={_conninfo_without_password(params)}"],
                    params)
                if failure is not None:
                    raise BackupError(tr("The database restore failed, nothing was restored: "
                                         "{reason}", reason=failure), rule="restore_failed")
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                if not redo:  # a redo may leave older leftovers: keep them marked
                    marker.unlink(missing_ok=True)
                raise
            with owner_connection(config) as conn:
                conn.execute("ANALYZE")
            marker.unlink()
            files.fsync_dir(home)
    return manifest


def verify_archive(in_file: Path, *, extract_to: Path | None = None) -> BackupManifest:
    """Read the whole archive and check every member against the manifest.

    Raises :class:`BackupError` (rule ``corrupt_archive``) for a truncated,
    altered or foreign file.  With ``extract_to``, members are written there
    (names checked: nothing can land outside it).
    """
    path = Path(in_file)
    try:
        with tarfile.open(path, "r:") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _corrupt(path, "the manifest is missing")
            manifest = BackupManifest.from_json(_read_member(tar, first))
            expected = {f.name: f for f in manifest.files}
            seen: set[str] = set()
            while (member := tar.next()) is not None:
                listed = expected.get(member.name)
                if listed is None or member.name in seen or not member.isfile() \
                        or not _safe_name(member.name):
                    raise _corrupt(path, f"unexpected member {member.name!r}")
                seen.add(member.name)
                _check_member(tar, member, listed, path, extract_to)
    except BackupError:
        raise
    except FileNotFoundError:
        raise BackupError(tr("The backup file {path} does not exist", path=path),
                          field="in_file", rule="not_found") from None
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise _corrupt(path, str(exc) or type(exc).__name__) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise _corrupt(path, f"missing member {missing[0]!r} (truncated?)")
    return manifest


def _check_member(tar: tarfile.TarFile, member: tarfile.TarInfo, listed: ArchivedFile,
                  path: Path, extract_to: Path | None) -> None:
    source = tar.extractfile(member)
    if source is None:
        raise _corrupt(path, f"unreadable member {member.name!r}")
    digest = hashlib.sha256()
    size = 0
    target = extract_to / member.name if extract_to is not None else None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with source, (target.open("wb") if target is not None else io.BytesIO()) as sink:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            sink.write(chunk)
    if size != listed.size or digest.hexdigest() != listed.sha256:
        raise _corrupt(path, f"member {member.name!r} does not match its checksum")


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    source = tar.extractfile(member)
    if source is None or member.size > 10 * _CHUNK:
        raise ValueError(f"bad member {member.name!r}")
    with source:
        return source.read()


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and "\\" not in name


def _corrupt(path: Path, reason: str) -> BackupError:
    return BackupError(tr("The backup file {path} is damaged or incomplete ({reason}); "
                          "nothing was restored", path=path, reason=reason),
                       field="in_file", rule="corrupt_archive")


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


def _roles_sql(conn: psycopg.Connection[Any], roles: list[dict[str, Any]],
               home_staging: Path) -> str:
    """SQL creating the archived roles if missing (run in the restore's transaction)."""
    out: list[str] = []
    for role in roles:
        name = str(role["name"])
        ident = sql.Identifier(name)
        out.append(sql.SQL(
            "DO $ecr$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {}) "
            "THEN CREATE ROLE {}; END IF; END $ecr$;").format(sql.Literal(name), ident)
            .as_string(conn))
        out.append(sql.SQL("ALTER ROLE {} {} {} CONNECTION LIMIT {};").format(
            ident, sql.SQL("LOGIN" if role["login"] else "NOLOGIN"),
            sql.SQL("INHERIT" if role["inherit"] else "NOINHERIT"),
            sql.Literal(int(role["connection_limit"]))).as_string(conn))
        secret = home_staging.joinpath(*files.SECRETS_DIR, f"{name}.password")
        if secret.is_file():
            verifier = conn.pgconn.encrypt_password(
                secret.read_text("utf-8").strip().encode(), name.encode(), b"scram-sha-256")
            out.append(sql.SQL("ALTER ROLE {} PASSWORD {};").format(
                ident, sql.Literal(verifier.decode())).as_string(conn))
    for role in roles:
        for parent in role["member_of"]:
            out.append(sql.SQL("GRANT {} TO {};").format(
                sql.Identifier(parent), sql.Identifier(role["name"])).as_string(conn))
    return "\n".join(out) + "\n"


def _with_database(settings: bytes, config: DatabaseConfig) -> bytes:
    try:
        raw = json.loads(settings.decode("utf-8"))
    except ValueError:
        return settings  # CentreHome.open will name the problem
    if isinstance(raw, dict):
        raw.update(config.settings_values())
    return (json.dumps(raw, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _make_parents(home: Path, target: Path) -> None:
    for parent in reversed(target.relative_to(home).parents):
        folder = home / parent
        if not folder.exists():
            private = parent.parts[:1] == (files.KEYS_DIR,)
            folder.mkdir(mode=0o700 if private else 0o755)


def _write_restore_script(tool: PgTool, dump: Path, script: Path, roles_sql: str,
                          known_settings: set[str]) -> None:
    """Roles, then pg_restore's SQL, in one file that psql runs as one transaction.

    pg_restore writing a script does not know the target server, so a newer
    pg_restore emits ``SET`` lines for parameters an older server lacks (``SET
    transaction_timeout`` from 17 on); those lines, outside COPY data, are dropped.
    """
    raw = script.with_name("pg_restore.sql")
    with raw.open("w", encoding="utf-8") as fh:
        try:
            subprocess.run(  # noqa: S603 - our program, our arguments
                [str(tool.path), "--no-owner", "-f", "-", str(dump)], stdout=fh,
                stderr=subprocess.PIPE, text=True, check=True, env=_clean_env(),
                timeout=3600)
        except subprocess.CalledProcessError as exc:
            raise BackupError(tr("The database dump in the backup cannot be read: {reason}",
                                 reason=_first_error(exc.stderr)),
                              field="in_file", rule="corrupt_archive") from exc
    in_copy = False
    with raw.open(encoding="utf-8") as src, script.open("w", encoding="utf-8") as out:
        out.write(roles_sql)
        for line in src:
            if in_copy:
                in_copy = line.rstrip("\n") != "\\."
            elif line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                in_copy = True
            else:
                match = _SET_LINE.match(line)
                if match and match.group(1) not in known_settings:
                    continue
            out.write(line)
    raw.unlink()


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))

