"""The backup file: a tar (manifest first) inside the officer's passphrase seal.

Members, inside the seal (``backup_cipher``)::

    manifest.json      format, version, centre, server and pg_dump versions, the
                       migrations the database was built from, and the size and
                       SHA-256 of every other member
    database.dump      pg_dump custom format (compressed) of the centre database
    home/...           the home's settings, keys (re-encrypted) and templates

Nothing else is accepted (a ``roles.json`` of the first format is refused).
Reading authenticates every byte before the tar reader sees it, then checks
every member against the manifest; extraction never writes outside its folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from common.db import backup_cipher, files
from common.db.migrate import AppliedMigration
from common.errors import UserError
from common.i18n import translator

tr = translator("db")

ARCHIVE_FORMAT = "ecr-backup"
ARCHIVE_VERSION = 2
MANIFEST = "manifest.json"
DUMP = "database.dump"
HOME_PREFIX = "home/"
_CHUNK = 1 << 20


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
    schema: tuple[AppliedMigration, ...]
    files: tuple[ArchivedFile, ...]
    format: str = ARCHIVE_FORMAT
    version: int = ARCHIVE_VERSION

    def to_json(self) -> bytes:
        body = asdict(self)
        body["files"] = [asdict(f) for f in self.files]
        body["schema"] = [asdict(m) for m in self.schema]
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
        schema = tuple(AppliedMigration(str(m["target"]), int(m["version"]), str(m["name"]),
                                        str(m["checksum"])) for m in raw["schema"])
        return cls(str(raw["created_at"]), str(raw["centre_code"]), str(raw["centre_name"]),
                   str(raw["source"]), str(raw["server_version"]),
                   str(raw["dump_tool_version"]), int(raw["dump_tool_major"]), schema, listed)


def write_sealed(out: Path, passphrase: str, manifest: BackupManifest,
                  members: list[tuple[str, Path]]) -> None:
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        with os.fdopen(fd, "wb") as sink:
            sealed = backup_cipher.SealedWriter(sink, passphrase)
            with tarfile.open(fileobj=sealed, mode="w|",  # type: ignore[call-overload]
                              format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, MANIFEST, manifest.to_json())
                for name, path in members:
                    info = tar.gettarinfo(str(path), arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o600
                    with path.open("rb") as fh:
                        tar.addfile(info, fh)
            sealed.finish()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    files.fsync_dir(out.parent)


def verify_archive(in_file: Path, passphrase: str, *,
                   extract_to: Path | None = None) -> BackupManifest:
    """Authenticate the whole archive and check every member against the manifest.

    Raises :class:`BackupError`: rule ``wrong_passphrase``, ``unsealed_format``
    (a backup of the first, unencrypted format: it cannot be authenticated) or
    ``corrupt_archive`` (truncated, altered or foreign).  With ``extract_to``,
    members are written there (names checked: nothing can land outside it);
    the tar reader only ever sees authenticated bytes.
    """
    path = Path(in_file)
    try:
        with path.open("rb") as fh:
            if fh.read(len(MANIFEST) + 1) == MANIFEST.encode() + b"\0":
                raise BackupError(
                    tr("The backup file {path} was made by an earlier version of ECR, "
                       "without encryption: it cannot be authenticated and is not restored",
                       path=path), field="in_file", rule="unsealed_format")
            fh.seek(0)
            sealed = backup_cipher.SealedReader(fh, passphrase)
            manifest, seen = _read_tar(sealed, path, extract_to)
            sealed.finish()
    except BackupError:
        raise
    except FileNotFoundError:
        raise BackupError(tr("The backup file {path} does not exist", path=path),
                          field="in_file", rule="not_found") from None
    except backup_cipher.WrongPassphrase:
        raise BackupError(tr("The passphrase does not open the backup file {path} (or the "
                             "file was sealed with another one); nothing was restored",
                             path=path), field="passphrase", rule="wrong_passphrase") from None
    except backup_cipher.DamagedFile as exc:
        raise _corrupt(path, exc.reason) from None
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as exc:
        raise _corrupt(path, str(exc) or type(exc).__name__) from exc
    missing = sorted({f.name for f in manifest.files} - seen)
    if missing:
        raise _corrupt(path, f"missing member {missing[0]!r}")
    return manifest


def _read_tar(sealed: backup_cipher.SealedReader, path: Path,
              extract_to: Path | None) -> tuple[BackupManifest, set[str]]:
    with tarfile.open(fileobj=sealed, mode="r|") as tar:  # type: ignore[call-overload]
        first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise _corrupt(path, "the manifest is missing")
        manifest = BackupManifest.from_json(_read_member(tar, first))
        expected = {f.name: f for f in manifest.files}
        for name in expected:  # a dump and home files, nothing else (no roles.json)
            if len(expected) != len(manifest.files) or not _safe_name(name) or not (
                    name == DUMP or name.startswith(HOME_PREFIX)):
                raise _corrupt(path, f"unexpected member {name!r}")
        seen: set[str] = set()
        while (member := tar.next()) is not None:
            listed = expected.get(member.name)
            if listed is None or member.name in seen or not member.isfile() \
                    or not _safe_name(member.name):
                raise _corrupt(path, f"unexpected member {member.name!r}")
            seen.add(member.name)
            _check_member(tar, member, listed, path, extract_to)
    return manifest, seen


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


def sha256_of(path: Path) -> str:
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
