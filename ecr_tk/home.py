"""A centre's home folder: where everything of one centre lives on a machine.

Layout (``--home``, else ``ECR_HOME``, else the user's data folder: ``~/.local/
share/ecr`` on Linux, ``~/Library/Application Support/ecr`` on macOS,
``%LOCALAPPDATA%\\ecr`` on Windows)::

    settings.json   versioned settings, flat dotted keys ("centre.code")
    keys/           private keys and role passwords (keys/db/ for the database)
    db/             the embedded PostgreSQL (standalone centres)
    templates/      document templates
    t2d/            transfer-to-device spool
    backups/        where ``ecr backup`` writes by default
    logs/           log files
    autosave/       drafts being typed, saved locally until they reach the database
    prints/         PDFs of copies and receipts printed at this workstation

The home and every folder in it are readable by the centre's account only
(0700; the home is 0701 when, run as root, the embedded server's own account
must traverse it to reach ``db/``).

Every setting is declared once below (:data:`SETTINGS`) with its default and
its rule; the file stores only what differs from nothing (all declared keys are
written, so an administrator sees them), and keys this version does not know
are kept untouched (a newer ECR may have written them).  Files are written
atomically.  ``CentreHome.open`` raises :class:`NoCentreHere` when the folder
holds no centre: the GUI then shows the setup assistant.

This module never touches the database; ``CentreHome.database_config()`` tells
``common.db.connect`` where it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.db import embedded, files
from common.db.connect import DatabaseConfig, move_password_out_of_dsn
from common.db.tls import move_root_out_of_dsn
from common.errors import UserError
from common.i18n import LANGUAGES, N_, translator

tr = translator("db")

SETTINGS_VERSION = 1
VERSION_KEY = "settings_version"
FOLDERS = ("keys", "db", "templates", "t2d", "backups", "logs", "autosave", "prints")


class HomeError(UserError):
    """A home folder that cannot be used as it is (message names the file and the rule)."""


class NoCentreHere(HomeError):
    """The folder holds no centre yet: run ``ecr init`` or the setup assistant."""


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Setting:
    """One declared setting: its key, default, type and rule."""

    key: str
    default: Any
    kind: type
    rule: str = ""  # English msgid describing the rule, shown when a value breaks it
    check: Callable[[Any], bool] = field(default=lambda _value: True)

    def validate(self, value: Any) -> Any:
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.kind) or isinstance(value, bool) != (self.kind is bool):
            raise HomeError(tr("Setting {key} must be a {kind}", key=self.key,
                               kind=tr(_KIND_NAMES.get(self.kind, self.kind.__name__))),
                            field=self.key, rule="bad_type")
        if not self.check(value):
            raise HomeError(tr("Setting {key}: {rule}", key=self.key, rule=tr(self.rule)),
                            field=self.key, rule="bad_value")
        return value


_KIND_NAMES = {str: N_("text"), int: N_("whole number"), float: N_("number"),
               bool: N_("true/false")}
_CENTRE_CODE = re.compile(r"^[0-9]{6}$")


def _in_range(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: low <= v <= high


SETTINGS: tuple[Setting, ...] = (
    Setting("centre.code", "", str, N_("a centre code is exactly 6 digits"),
            lambda v: v == "" or bool(_CENTRE_CODE.match(v))),
    Setting("centre.name", "", str, N_("at most 200 characters"), lambda v: len(v) <= 200),
    Setting("database.mode", "embedded", str, N_("choose embedded or dsn"),
            lambda v: v in ("embedded", "dsn")),
    Setting("database.dsn", "", str, N_("at most 1000 characters"), lambda v: len(v) <= 1000),
    Setting("ui.language", "fr", str, N_("choose fr or en"), lambda v: v in LANGUAGES),
    Setting("workstation.name", "", str, N_("at most 63 characters"), lambda v: len(v) <= 63),
    Setting("printer.name", "", str),
    Setting("printer.offset_x_mm", 0.0, float, N_("between -50 and 50 mm"), _in_range(-50, 50)),
    Setting("printer.offset_y_mm", 0.0, float, N_("between -50 and 50 mm"), _in_range(-50, 50)),
    Setting("backup.keep", 10, int, N_("between 1 and 1000"), _in_range(1, 1000)),
    # Transmission to the SCEC (docs/administration.md); defaults sized for 22 kbps.
    Setting("transmission.broker", "127.0.0.1:1883", str, N_("HOST:PORT of the MQTT broker"),
            lambda v: 0 < len(v) <= 255),
    Setting("transmission.tls", False, bool),
    Setting("transmission.topic_root", "ecr", str, N_("a topic root without + or #"),
            lambda v: 0 < len(v) <= 100 and not set(v) & set("+#")),
    Setting("transmission.batch_size", 200, int, N_("between 1 and 10000"),
            _in_range(1, 10_000)),
    Setting("transmission.max_bytes", 48 * 1024, int, N_("between 1024 and 1048576"),
            _in_range(1024, 1024 * 1024)),
    Setting("transmission.window", 4, int, N_("between 1 and 64"), _in_range(1, 64)),
    Setting("transmission.resend_seconds", 120, int, N_("between 5 and 86400"),
            _in_range(5, 86_400)),
)
_BY_KEY = {s.key: s for s in SETTINGS}

# version -> function turning a file of that version into the next version.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True)
class Settings:
    """The validated settings of one home: declared keys plus unknown ones kept as they are."""

    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        if key in _BY_KEY:
            return _BY_KEY[key].default
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    @classmethod
    def defaults(cls) -> Settings:
        return cls({s.key: s.default for s in SETTINGS})

    def replace(self, changes: Mapping[str, Any]) -> Settings:
        """A copy with ``changes`` applied; each declared key is validated, unknown keys refused."""
        merged = dict(self.values)
        for key, value in changes.items():
            setting = _BY_KEY.get(key)
            if setting is None:
                raise HomeError(tr("Unknown setting {key}", key=key), field=key,
                                rule="unknown_setting")
            merged[key] = setting.validate(value)
        return Settings(merged)

    def to_json(self) -> bytes:
        body = {VERSION_KEY: SETTINGS_VERSION, **{s.key: self[s.key] for s in SETTINGS}}
        body.update({k: v for k, v in self.values.items() if k not in _BY_KEY})
        return (json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

    @classmethod
    def from_json(cls, data: bytes, source: Path) -> Settings:
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise HomeError(tr("The settings file {path} is damaged: {reason}",
                               path=source, reason=str(exc)),
                            field="settings", rule="bad_settings") from exc
        if not isinstance(raw, dict):
            raise HomeError(tr("The settings file {path} is damaged: {reason}",
                               path=source, reason="not a JSON object"),
                            field="settings", rule="bad_settings")
        version = raw.pop(VERSION_KEY, 0)
        if not isinstance(version, int) or version > SETTINGS_VERSION:
            raise HomeError(tr("The settings file {path} was written by a newer ECR "
                               "(version {version}); update ECR", path=source, version=version),
                            field="settings", rule="settings_too_new")
        while version < SETTINGS_VERSION:
            upgrade = _UPGRADES.get(version)
            raw = upgrade(raw) if upgrade is not None else raw
            version += 1
        values: dict[str, Any] = {}
        for key, value in raw.items():
            setting = _BY_KEY.get(key)
            values[key] = setting.validate(value) if setting is not None else value
        return cls(values)


# --------------------------------------------------------------------------- home folder


def default_home() -> Path:
    """The user's data folder for ECR, per operating system."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ecr", appauthor=False))


def resolve_home(home: str | Path | None = None) -> Path:
    """``--home``, else ``ECR_HOME``, else :func:`default_home`; absolute, not created."""
    chosen = home or os.environ.get("ECR_HOME") or default_home()
    return Path(chosen).expanduser().absolute()


@dataclass(frozen=True)
class CentreHome:
    """One centre's home folder and its settings (a value: changes return a new one)."""

    path: Path
    settings: Settings

    @property
    def settings_file(self) -> Path:
        return self.path / files.SETTINGS_FILE

    def folder(self, name: str) -> Path:
        """One of :data:`FOLDERS`."""
        if name not in FOLDERS:
            raise ValueError(f"no folder {name!r} in a centre home")
        return self.path / name

    @classmethod
    def create(cls, path: str | Path | None, *, centre_code: str, centre_name: str,
               database: DatabaseConfig | None = None, dsn: str | None = None,
               language: str = "fr", workstation: str | None = None,
               extra: Mapping[str, Any] | None = None) -> CentreHome:
        """Make a home for a new centre; refuses a folder that already holds one.

        ``dsn`` (or ``database``) chooses a networked server; the default is the
        embedded one, under ``db/``.  Settings are written last, so an
        interrupted creation leaves "no centre here" and can simply be redone.
        """
        home = resolve_home(path)
        if (home / files.SETTINGS_FILE).exists():
            raise HomeError(tr("{path} already holds a centre", path=home), field="home",
                            rule="centre_exists")
        if database is None:
            database = (DatabaseConfig.networked(dsn, home=home) if dsn
                        else DatabaseConfig.embedded(home))
        values: dict[str, Any] = {
            "centre.code": centre_code, "centre.name": centre_name, "ui.language": language,
            "workstation.name": workstation or _default_workstation(),
            **database.settings_values(), **(extra or {})}
        _make_folders(home)
        settings = Settings.defaults().replace(_password_out_of_dsn(home, values))
        files.atomic_write(home / files.SETTINGS_FILE, settings.to_json())
        return cls(home, settings)

    @classmethod
    def open(cls, path: str | Path | None = None) -> CentreHome:
        """Open an existing centre home; :class:`NoCentreHere` if there is none."""
        home = resolve_home(path)
        if (home / files.RESTORING_MARKER).exists():
            raise HomeError(tr("A restore into {path} did not finish: run the restore again",
                               path=home), field="home", rule="restore_unfinished")
        settings_file = home / files.SETTINGS_FILE
        try:
            data = settings_file.read_bytes()
        except FileNotFoundError:
            raise NoCentreHere(tr("No centre in {path}: run ecr init or the setup assistant",
                                  path=home), field="home", rule="no_centre") from None
        except OSError as exc:
            raise HomeError(tr("Cannot read {path}: {reason}", path=settings_file,
                               reason=exc.strerror or str(exc)),
                            field="home", rule="unreadable") from exc
        settings = Settings.from_json(data, settings_file)
        if not settings["centre.code"]:
            raise HomeError(tr("The settings file {path} names no centre code",
                               path=settings_file), field="centre.code", rule="required")
        _make_folders(home)  # a folder deleted by hand is recreated, empty
        opened = cls(home, settings)
        if _has_password(settings["database.dsn"]):
            # written by an earlier version: move the password out of the settings now
            with contextlib.suppress(UserError):  # no user named: left as it was
                opened = opened.update({"database.dsn": settings["database.dsn"]})
        return opened

    @staticmethod
    def exists(path: str | Path | None = None) -> bool:
        return (resolve_home(path) / files.SETTINGS_FILE).exists()

    def database_config(self) -> DatabaseConfig:
        return DatabaseConfig.from_settings(self.settings.values, self.path)

    def update(self, changes: Mapping[str, Any]) -> CentreHome:
        """Validate and save ``changes`` (atomically); return the updated home."""
        settings = self.settings.replace(_password_out_of_dsn(self.path, changes))
        files.atomic_write(self.settings_file, settings.to_json())
        return CentreHome(self.path, settings)

    def reload(self) -> CentreHome:
        return CentreHome.open(self.path)


def _has_password(dsn: object) -> bool:
    from psycopg.conninfo import conninfo_to_dict

    return isinstance(dsn, str) and bool(dsn) and "password" in conninfo_to_dict(dsn)


def _password_out_of_dsn(home: Path, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the DSN's password and server root moved to ``keys/db/``."""
    dsn = values.get("database.dsn")
    if not isinstance(dsn, str) or not dsn:
        return dict(values)
    secrets_dir = home.joinpath(*files.SECRETS_DIR)
    dsn = move_root_out_of_dsn(dsn, secrets_dir)
    return {**values, "database.dsn": move_password_out_of_dsn(dsn, secrets_dir)}


def _make_folders(home: Path) -> None:
    """The home and its folders, readable by the centre's account only.

    Run as root, the embedded server runs as its own account, which must
    traverse the home to reach ``db/`` (o+x: never list, never read): the home
    is then 0701, and ``db/`` is left to ``common.db.embedded``.
    """
    files.make_private_dir(home)
    home.chmod(0o701 if embedded.runs_as_other_account() else 0o700)
    for name in FOLDERS:
        (home / name).mkdir(exist_ok=True, mode=0o700)
        if name != files.DB_DIR:
            (home / name).chmod(0o700)


def _default_workstation() -> str:
    return socket.gethostname().split(".")[0][:63] or "workstation"
