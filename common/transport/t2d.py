"""T2D (transfer to device): sealed containers in a folder on removable media.

The second carrier of the same bytes as MQTT (DESIGN.md §3): a centre without a
link writes its containers to a USB stick, the SCEC imports them and writes its
answers back.  Layout (docs/protocol.md §7)::

    <root>/ecr-t2d/<direction>/<centre>/manifest.json
    <root>/ecr-t2d/<direction>/<centre>/<nnnnnnnnnnnn>-<message id>.ecr

``direction`` is ``to-scec`` or ``to-centre``.  Every file is written under a
temporary name, flushed to the medium and renamed, the manifest last, so a stick
pulled out mid-copy leaves either the old state or the new one.  Reading treats
the folder as hostile: names are checked, symbolic links and oversized files are
refused, and each file must match the size and SHA-256 the manifest gives; a bad
file is refused by name and the others are still read.  The manifest is not a
signature (the containers carry their own): it only tells a complete copy from a
damaged one.  This module knows files, not what containers mean.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.errors import UserError
from common.i18n import translator

tr = translator("wire")

FORMAT = "ecr-t2d/1"
TOP = "ecr-t2d"
TO_SCEC = "to-scec"
TO_CENTRE = "to-centre"
DIRECTIONS = (TO_SCEC, TO_CENTRE)
MANIFEST = "manifest.json"
MAX_FILE_BYTES = 1024 * 1024  # the container size limit (common.wire.container)
MAX_FILES = 100_000
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
_CENTRE = re.compile(r"^[0-9]{6}$")
_FILE = re.compile(r"^[0-9]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.ecr$")


class T2dError(UserError):
    """The folder cannot be used at all (no ECR folder, another centre's, unreadable)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message, field="folder", rule=rule)


@dataclass(frozen=True)
class T2dFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class RefusedFile:
    """A file that was not read, and why (``missing``, ``damaged``, ``not_listed``, …)."""

    name: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class FolderContents:
    centre: str
    direction: str
    created: str
    files: tuple[T2dFile, ...]
    refused: tuple[RefusedFile, ...] = field(default_factory=tuple)


def file_name(number: int, message_id: uuid.UUID) -> str:
    """The name of the ``number``-th container (a sequence number, or the SCEC's counter)."""
    return f"{number:012d}-{message_id}.ecr"


def folder_of(root: Path, direction: str, centre: str) -> Path:
    _check(direction, centre)
    return Path(root) / TOP / direction / centre


def _check(direction: str, centre: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown T2D direction {direction!r}")
    if not _CENTRE.match(centre):
        raise ValueError(f"not a centre code: {centre!r}")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # not possible on every system (Windows): the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def write_folder(root: Path, direction: str, centre: str,
                 containers: Iterable[tuple[str, bytes]], *,
                 now: dt.datetime | None = None) -> list[str]:
    """Add containers ``(file name, bytes)`` to the folder; return the names written.

    Files already there with the same name and content are kept as they are
    (writing twice is harmless); the manifest lists every file of the folder.
    """
    folder = folder_of(root, direction, centre)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        listed: dict[str, dict[str, Any]] = {
            str(entry["name"]): entry for entry in _manifest_entries(folder)}
        written: list[str] = []
        for name, data in containers:
            if not _FILE.match(name):
                raise ValueError(f"not a T2D container name: {name!r}")
            if len(data) > MAX_FILE_BYTES:
                raise ValueError(f"{name}: {len(data)} bytes is over the container limit")
            entry = {"name": name, "bytes": len(data),
                     "sha256": hashlib.sha256(data).hexdigest()}
            if listed.get(name) == entry and (folder / name).is_file():
                continue
            _write_atomically(folder / name, data)
            listed[name] = entry
            written.append(name)
        _fsync_dir(folder)
        created = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        manifest = {"format": FORMAT, "direction": direction, "centre": centre,
                    "created": created, "files": [listed[n] for n in sorted(listed)]}
        _write_atomically(folder / MANIFEST,
                          json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        _fsync_dir(folder)
    except OSError as exc:
        raise T2dError(tr("Cannot write to the folder {path}: {error}", path=folder,
                          error=exc.strerror or exc), "unwritable") from None
    return written


def _manifest_entries(folder: Path) -> list[dict[str, Any]]:
    """The entries of an existing manifest we wrote (for adding to it); [] if none or bad."""
    try:
        doc = json.loads((folder / MANIFEST).read_bytes())
        files = doc["files"]
        return [f for f in files if isinstance(f, dict) and _FILE.match(str(f.get("name")))]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def centres_in(root: Path, direction: str) -> list[str]:
    """The centre codes that have a folder for ``direction`` under ``root``."""
    base = Path(root) / TOP / direction
    try:
        return sorted(p.name for p in base.iterdir()
                      if _CENTRE.match(p.name) and p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def read_folder(root: Path, direction: str, centre: str) -> FolderContents:
    """Read and check one centre's folder; damaged files are refused, the rest returned.

    Raise ``T2dError`` when there is nothing to read for ``centre`` (naming the
    centres the folder is for, if any) or the manifest is unusable.
    """
    _check(direction, centre)
    folder = folder_of(root, direction, centre)
    if not folder.is_dir() or folder.is_symlink():
        others = centres_in(root, direction)
        if others:
            raise T2dError(tr("This folder is for centre {others}, not for centre {centre}",
                              others=", ".join(others), centre=centre), "wrong_centre")
        raise T2dError(tr("No ECR transfer for centre {centre} in {path}", centre=centre,
                          path=Path(root) / TOP / direction), "empty")
    manifest = _read_manifest(folder, direction, centre)
    files: list[T2dFile] = []
    refused: list[RefusedFile] = []
    listed: set[str] = set()
    for entry in manifest["files"]:
        name = entry["name"]
        listed.add(name)
        path = folder / name
        if path.is_symlink() or not path.is_file():
            refused.append(RefusedFile(name, "missing"))
            continue
        try:
            size = path.stat().st_size
            if size != entry["bytes"] or size > MAX_FILE_BYTES:
                refused.append(RefusedFile(name, "damaged",
                                           f"{size} bytes, {entry['bytes']} expected"))
                continue
            data = path.read_bytes()
        except OSError as exc:
            refused.append(RefusedFile(name, "unreadable", str(exc.strerror or exc)))
            continue
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            refused.append(RefusedFile(name, "damaged", "SHA-256 differs"))
            continue
        files.append(T2dFile(name, data))
    try:
        extra = sorted(p.name for p in folder.iterdir()
                       if p.name != MANIFEST and not p.name.startswith(".")
                       and p.name not in listed)
    except OSError:
        extra = []
    refused.extend(RefusedFile(name, "not_listed") for name in extra)
    return FolderContents(centre, direction, str(manifest["created"]), tuple(files),
                          tuple(refused))


def _read_manifest(folder: Path, direction: str, centre: str) -> dict[str, Any]:
    path = folder / MANIFEST

    def bad(detail: str) -> T2dError:
        return T2dError(tr("The transfer manifest {path} is unusable: {detail}", path=path,
                           detail=detail), "bad_manifest")

    try:
        if path.is_symlink() or path.stat().st_size > MAX_MANIFEST_BYTES:
            raise bad(tr("too large or not a file"))
        doc = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise bad(tr("missing (the copy is incomplete)")) from None
    except OSError as exc:
        raise bad(str(exc.strerror or exc)) from None
    except (ValueError, RecursionError):
        raise bad(tr("not JSON")) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise bad(tr("not an {format} manifest", format=FORMAT))
    if doc.get("direction") != direction or doc.get("centre") != centre:
        raise bad(tr("it is for {direction} {centre}", direction=doc.get("direction"),
                     centre=doc.get("centre")))
    files = doc.get("files")
    if not isinstance(files, list) or len(files) > MAX_FILES:
        raise bad(tr("no file list"))
    for entry in files:
        if not (isinstance(entry, dict) and isinstance(entry.get("name"), str)
                and _FILE.match(entry["name"]) and isinstance(entry.get("bytes"), int)
                and not isinstance(entry.get("bytes"), bool)
                and isinstance(entry.get("sha256"), str)
                and re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])):
            raise bad(tr("a file entry is malformed"))
    if not isinstance(doc.get("created"), str):
        raise bad(tr("no creation time"))
    return doc


def remove_files(root: Path, direction: str, centre: str, names: Sequence[str]) -> None:
    """Forget files once the other side's answer made them useless (optional tidying)."""
    folder = folder_of(root, direction, centre)
    keep = [e for e in _manifest_entries(folder) if e["name"] not in set(names)]
    for name in names:
        if _FILE.match(name):
            (folder / name).unlink(missing_ok=True)
    manifest = {"format": FORMAT, "direction": direction, "centre": centre,
                "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "files": keep}
    _write_atomically(folder / MANIFEST,
                      json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
