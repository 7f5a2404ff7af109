"""The centre home's files that the database layer touches, and how to write them safely.

``ecr_tk.home`` owns the home folder's layout; the names below are the part of it
that the embedded server, role passwords and backups need, declared once here
(``common`` never imports ``ecr_tk``) and used by both.

Writes are atomic: a temporary file in the same folder, flushed and fsynced,
then renamed over the target, then the folder fsynced (POSIX), so a crash
leaves either the old content or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

SETTINGS_FILE = "settings.json"
KEYS_DIR = "keys"
TEMPLATES_DIR = "templates"
DB_DIR = "db"
SECRETS_DIR = (KEYS_DIR, "db")  # role passwords: keys/db/<role>.password
# Present while a restore writes into a home: such a home is not opened.
RESTORING_MARKER = ".restoring"


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically; the file gets ``mode``."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where folders cannot be opened)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and missing parents) readable by its owner only (0700)."""
    folder = Path(folder)
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    for parent in reversed(missing):
        parent.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
