"""The centre home folder: layout, settings, clear refusals, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from common.db.connect import DatabaseConfig
from ecr_tk.home import (
    FOLDERS,
    SETTINGS,
    CentreHome,
    HomeError,
    NoCentreHere,
    Settings,
    default_home,
    resolve_home,
)


def _create(path: Path, **extra: Any) -> CentreHome:
    return CentreHome.create(path, centre_code="237001", centre_name="Centre de Mfou", **extra)


def test_a_new_home_has_its_folders_and_private_keys(tmp_path: Path) -> None:
    home = _create(tmp_path / "h")
    for name in FOLDERS:
        assert home.folder(name).is_dir()
    assert home.folder("keys").stat().st_mode & 0o777 == 0o700
    assert home.settings_file.stat().st_mode & 0o777 == 0o600
    assert not [p for p in home.path.iterdir() if p.name.endswith(".tmp")]


def test_a_created_home_opens_with_the_same_settings(tmp_path: Path) -> None:
    created = _create(tmp_path / "h", language="en", workstation="guichet-2")
    opened = CentreHome.open(tmp_path / "h")
    assert opened.settings == created.settings
    assert opened.settings["centre.code"] == "237001"
    assert opened.settings["ui.language"] == "en"
    assert opened.settings["workstation.name"] == "guichet-2"
    assert opened.settings["printer.offset_x_mm"] == 0.0  # a default declared in code
    assert opened.database_config() == DatabaseConfig.embedded(tmp_path / "h")


def test_the_settings_file_is_versioned_and_lists_every_declared_key(tmp_path: Path) -> None:
    home = _create(tmp_path / "h")
    written = json.loads(home.settings_file.read_text("utf-8"))
    assert written["settings_version"] == 1
    assert {s.key for s in SETTINGS} <= set(written)


def test_a_networked_centre_keeps_its_dsn(tmp_path: Path) -> None:
    home = _create(tmp_path / "h", dsn="host=server.centre dbname=ecr user=ecr_owner")
    config = CentreHome.open(home.path).database_config()
    assert not config.is_embedded
    assert config.dsn == "host=server.centre dbname=ecr user=ecr_owner"


def test_a_folder_without_a_centre_says_so(tmp_path: Path) -> None:
    with pytest.raises(NoCentreHere) as caught:
        CentreHome.open(tmp_path / "empty")
    assert caught.value.rule == "no_centre"
    assert "ecr init" in caught.value.message


def test_a_home_is_not_created_twice(tmp_path: Path) -> None:
    _create(tmp_path / "h")
    with pytest.raises(HomeError) as caught:
        _create(tmp_path / "h")
    assert caught.value.rule == "centre_exists"


BAD_VALUES = [
    ("centre.code", "23700", "bad_value"),
    ("centre.code", 237001, "bad_type"),
    ("ui.language", "de", "bad_value"),
    ("database.mode", "cloud", "bad_value"),
    ("printer.offset_x_mm", "3", "bad_type"),
    ("printer.offset_x_mm", 51, "bad_value"),
    ("printer.offset_y_mm", True, "bad_type"),
    ("backup.keep", 1.5, "bad_type"),
    ("backup.keep", 0, "bad_value"),
    ("workstation.name", "x" * 64, "bad_value"),
    ("no.such.key", 1, "unknown_setting"),
]


@pytest.mark.parametrize(("key", "value", "rule"), BAD_VALUES)
def test_a_bad_setting_is_refused_naming_the_key_and_the_rule(
        tmp_path: Path, key: str, value: Any, rule: str) -> None:
    home = _create(tmp_path / "h")
    before = home.settings_file.read_bytes()
    with pytest.raises(HomeError) as caught:
        home.update({key: value})
    assert caught.value.field == key
    assert caught.value.rule == rule
    assert key in caught.value.message
    assert home.settings_file.read_bytes() == before


def test_a_whole_number_is_accepted_where_a_number_is_expected(tmp_path: Path) -> None:
    home = _create(tmp_path / "h").update({"printer.offset_x_mm": 2})
    assert CentreHome.open(home.path).settings["printer.offset_x_mm"] == 2.0


def test_keys_written_by_a_newer_version_are_kept(tmp_path: Path) -> None:
    home = _create(tmp_path / "h")
    raw = json.loads(home.settings_file.read_text("utf-8"))
    raw["future.option"] = {"x": 1}
    home.settings_file.write_text(json.dumps(raw))
    CentreHome.open(home.path).update({"centre.name": "Mfou"})
    again = json.loads(home.settings_file.read_text("utf-8"))
    assert again["future.option"] == {"x": 1}
    assert again["centre.name"] == "Mfou"


DAMAGED = [
    ("not JSON", b"{centre.code: 237001", "bad_settings"),
    ("not an object", b"[1, 2]", "bad_settings"),
    ("not UTF-8", b'{"centre.name": "\xe9"}', "bad_settings"),
    ("a newer format", b'{"settings_version": 99, "centre.code": "237001"}', "settings_too_new"),
    ("a bad value", b'{"settings_version": 1, "centre.code": "ABC"}', "bad_value"),
    ("no centre code", b'{"settings_version": 1}', "required"),
]


@pytest.mark.parametrize(("case", "content", "rule"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_a_damaged_settings_file_is_reported_not_overwritten(
        tmp_path: Path, case: str, content: bytes, rule: str) -> None:
    home = _create(tmp_path / "h")
    home.settings_file.write_bytes(content)
    with pytest.raises(HomeError) as caught:
        CentreHome.open(home.path)
    assert caught.value.rule == rule
    assert home.settings_file.read_bytes() == content


def test_a_write_that_fails_leaves_the_old_settings_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = _create(tmp_path / "h")
    before = home.settings_file.read_bytes()

    def crash(*args: object) -> None:  # the machine stops between write and rename
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        home.update({"centre.name": "Mfou"})
    monkeypatch.undo()
    assert home.settings_file.read_bytes() == before
    assert sorted(p.name for p in home.path.iterdir()) == sorted([*FOLDERS, "settings.json"])


def test_the_home_comes_from_the_option_then_the_environment_then_the_os(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECR_HOME", str(tmp_path / "from-env"))
    assert resolve_home(tmp_path / "from-option") == tmp_path / "from-option"
    assert resolve_home(None) == tmp_path / "from-env"
    monkeypatch.delenv("ECR_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_home(None) == tmp_path / "data" / "ecr" == default_home()


def test_the_default_home_on_linux_is_in_the_users_data_folder(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/officer")
    assert default_home() == Path("/home/officer/.local/share/ecr")


def test_settings_defaults_are_declared_once() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    defaults = Settings.defaults()
    for setting in SETTINGS:
        assert setting.validate(defaults[setting.key]) == setting.default


def test_a_database_password_is_kept_in_keys_never_in_the_settings(tmp_path: Path) -> None:
    from common.db.connect import _params

    root = tmp_path / "server-root.crt"  # a network server: its root comes along (common.db.tls)
    root.write_text("-----BEGIN CERTIFICATE-----\n(a root)\n-----END CERTIFICATE-----\n")
    home = _create(tmp_path / "h", dsn=f"host=server.centre dbname=ecr user=ecr_app"
                                      f" sslrootcert={root} password='s3cret pass'")
    assert "sslrootcert" not in home.settings_file.read_text("utf-8")
    assert (home.path / "keys" / "db" / "server-root.crt").read_bytes() == root.read_bytes()
    assert "s3cret" not in home.settings_file.read_text("utf-8")
    secret = home.path / "keys" / "db" / "ecr_app.password"
    assert secret.read_text("utf-8").strip() == "s3cret pass"
    assert secret.stat().st_mode & 0o777 == 0o600
    assert (home.path / "keys" / "db").stat().st_mode & 0o777 == 0o700
    config = CentreHome.open(home.path).database_config()
    assert "password" not in (config.dsn or "")
    # put back when connecting, as the DSN's user or as that role
    assert _params(config, None, None)["password"] == "s3cret pass"
    assert _params(config, "ecr_app", None)["password"] == "s3cret pass"
    # and when the address is changed later, in the settings window
    changed = CentreHome.open(home.path).update(
        {"database.dsn": "host=other dbname=ecr user=ecr_app password=n3w"})
    assert "n3w" not in changed.settings_file.read_text("utf-8")
    assert secret.read_text("utf-8").strip() == "n3w"


def test_a_password_left_in_the_settings_by_an_earlier_version_is_moved(tmp_path: Path) -> None:
    home = _create(tmp_path / "h", dsn="host=server.centre dbname=ecr user=ecr_app")
    written = json.loads(home.settings_file.read_text("utf-8"))
    written["database.dsn"] = "host=server.centre dbname=ecr user=ecr_app password=old"
    home.settings_file.write_text(json.dumps(written), "utf-8")
    opened = CentreHome.open(home.path)
    assert "password" not in opened.settings["database.dsn"]
    assert "old" not in home.settings_file.read_text("utf-8")
    assert (home.path / "keys" / "db" / "ecr_app.password").read_text("utf-8").strip() == "old"


def test_a_password_without_a_user_is_refused_naming_the_setting(tmp_path: Path) -> None:
    from common.errors import UserError

    with pytest.raises(UserError) as refused:
        _create(tmp_path / "h", dsn="host=server.centre dbname=ecr password=x")
    assert (refused.value.field, refused.value.rule) == ("database.dsn", "user_required")
    assert not CentreHome.exists(tmp_path / "h")
