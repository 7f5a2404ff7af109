"""Where a centre's settings live: a thin layer over ``ecr_tk.home`` (H2's module).

The services need three things from the home folder: its path, the owner DSN
(a configured server, or the embedded one started on demand), and the password
of the application role ``ecr_app`` generated at ``ecr init``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from common.i18n import translator

from .errors import CentreUnavailable

tr = translator("centre")

_SETTINGS = "settings.json"


def resolve(home: str | Path | None) -> Path:
    try:
        from ecr_tk import home as ecr_home  # H2's module
    except ImportError:
        ecr_home = None  # type: ignore[assignment]
    if ecr_home is not None and hasattr(ecr_home, "resolve_home"):
        return Path(ecr_home.resolve_home(home))
    chosen = home or os.environ.get("ECR_HOME")
    if not chosen:
        chosen = Path.home() / ".local" / "share" / "ecr"
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read(home: Path) -> dict[str, Any]:
    file = home / _SETTINGS
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text("utf-8"))
    except ValueError as exc:
        raise CentreUnavailable(tr("The settings file {path} is not valid JSON", path=str(file)),
                                field="settings", rule="bad_settings") from exc
    return data if isinstance(data, dict) else {}


def _write(home: Path, data: dict[str, Any]) -> None:
    file = home / _SETTINGS
    tmp = file.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(file)


def owner_dsn(home: Path) -> str:
    """The configured owner DSN, or the embedded server's (started if needed)."""
    dsn = _read(home).get("database.dsn")
    if dsn:
        return str(dsn)
    try:
        from common.db import embedded  # H2's module
    except ImportError as exc:
        raise CentreUnavailable(tr("No database configured: give --db DSN"), field="db",
                                rule="no_database") from exc
    return str(embedded.start(home))  # type: ignore[attr-defined]


def remember_dsn(home: Path, dsn: str) -> None:
    data = _read(home)
    if data.get("database.dsn") != dsn:
        data["database.dsn"] = dsn
        _write(home, data)


def app_password(home: Path, *, create: bool) -> str | None:
    """The application role's password kept in the home's settings."""
    data = _read(home)
    value = data.get("database.app_password")
    if value or not create:
        return str(value) if value else None
    value = secrets.token_urlsafe(24)
    data["database.app_password"] = value
    _write(home, data)
    return value
