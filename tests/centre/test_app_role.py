"""One application role per centre database (issue 11, finding 10).

Played on a real embedded server, where every role must give its SCRAM
password (the test server on 127.0.0.1 trusts its clients, so a changed
password would go unnoticed there): two centres on one server, a centre made
by the previous version upgraded in place, a workstation still configured with
the old shared role.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.db.connect import (
    DatabaseConfig,
    DatabaseUnavailable,
    app_role_name,
    conninfo,
    owner_connection,
    set_role_password,
    store_role_password,
)
from common.db.migrate import migrate
from common.db.testing import EmbeddedTestServer, embedded_test_server, scratch_folder
from ecr_tk.home import CentreHome
from ecr_tk.services import Centre, passwords
from tests.centre.conftest import OFFICER, PASSWORDS


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with scratch_folder() as made:
        yield made


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[EmbeddedTestServer]:
    with embedded_test_server(folder / "server") as running:
        yield running


def _init(home: Path, dsn: str, code: str) -> Centre:
    return Centre.init(home, code, f"Centre {code}", OFFICER, "Awa Diop", PASSWORDS[OFFICER],
                       dsn=dsn, workstation="ws")


def _dbname(dsn: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(dsn)["dbname"])


def _as(dsn: str, user: str, password: str | None, dbname: str | None = None) -> str:
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(dsn)
    params["user"] = user
    params.pop("password", None)
    if password is not None:
        params["password"] = password
    if dbname is not None:
        params["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**params)


def test_a_second_centre_on_the_server_does_not_break_the_first(
        server: EmbeddedTestServer, folder: Path) -> None:
    with server.fresh_database() as dsn_a, server.fresh_database() as dsn_b:
        _init(folder / "a", dsn_a, "221011").close()
        _init(folder / "b", dsn_b, "221012").close()  # changed ecr_app's password before
        with Centre.open(folder / "a") as a:
            a.login(OFFICER, PASSWORDS[OFFICER]).logout()
            assert a.config.app_role == app_role_name(_dbname(dsn_a))
        with Centre.open(folder / "b") as b:
            b.login(OFFICER, PASSWORDS[OFFICER]).logout()


def test_a_centres_application_role_cannot_connect_to_another_centres_database(
        server: EmbeddedTestServer, folder: Path) -> None:
    with server.fresh_database() as dsn_a, server.fresh_database() as dsn_b:
        _init(folder / "c", dsn_a, "221013").close()
        _init(folder / "d", dsn_b, "221014").close()
        config_a = CentreHome.open(folder / "c").database_config()
        mine = conninfo(config_a, "ecr_app")
        with psycopg.connect(mine) as conn:  # its own database: yes
            conn.execute("SELECT 1")
        other = psycopg.conninfo.conninfo_to_dict(mine)
        other["dbname"] = _dbname(dsn_b)
        with pytest.raises(psycopg.OperationalError) as err:
            psycopg.connect(**other).close()  # type: ignore[arg-type]
        assert "permission denied for database" in str(err.value)


def _legacy_migrations(tmp: Path) -> Path:
    """The centre migrations of the previous version (before 0412)."""
    source = resources.files("common.db").joinpath("migrations", "centre")
    target = tmp / "legacy-migrations"
    target.mkdir()
    for entry in source.iterdir():
        if entry.name.endswith(".sql") and int(entry.name[:4]) < 412:
            (target / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    return target


def test_a_centre_of_the_previous_version_moves_to_its_own_role(
        server: EmbeddedTestServer, folder: Path) -> None:
    home = folder / "legacy"
    with server.fresh_database() as dsn:
        # what the previous version's ``ecr init`` left: the shared ecr_app, its password
        config = DatabaseConfig.networked(dsn, home=home)
        salt = passwords.new_salt()
        proof = passwords.login_proof(PASSWORDS[OFFICER], salt, passwords.DEFAULT_PARAMS)
        with owner_connection(config) as conn:
            migrate(conn, "centre", folder=_legacy_migrations(folder))
            conn.execute("SELECT ecr.init_centre('221015', 'Ancien', %s, 'Awa Diop', %s, "
                         "%s::jsonb, %s)", (OFFICER, salt,
                                            json.dumps(passwords.DEFAULT_PARAMS.as_dict()), proof))
            old_password = set_role_password(conn, "ecr_app")
        store_role_password(home / "keys" / "db", "ecr_app", old_password)
        CentreHome.create(home, centre_code="221015", centre_name="Ancien", dsn=dsn)
        joined = _as(dsn, "ecr_app", old_password)  # a workstation joined with ecr_app
        with psycopg.connect(joined) as conn:
            conn.execute("SELECT 1")

        # the new version: a workstation does not upgrade, the administrator does
        from ecr_tk.services import CentreUnavailable
        from ecr_tk.services.centre import upgrade

        with pytest.raises(CentreUnavailable) as refused:
            Centre.open(home)
        assert refused.value.rule == "app_role_password_missing"
        done = upgrade(home)  # `ecr db upgrade`, where the owner's access is
        assert "0412_app_role_per_database.sql" in done["applied"]
        with Centre.open(home) as centre:
            centre.login(OFFICER, PASSWORDS[OFFICER]).logout()
            role = centre.config.app_role
        assert done["app_role"] == role
        assert role == app_role_name(_dbname(dsn))
        keys = home / "keys" / "db"
        assert (keys / f"{role}.password").stat().st_mode & 0o777 == 0o600
        assert not (keys / "ecr_app.password").exists()
        with owner_connection(config) as conn:
            acl = conn.execute("SELECT datacl::text FROM pg_database WHERE datname = "
                               "current_database()").fetchone()
            login = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ecr_app'"
                                 ).fetchone()
        assert acl is not None and f"{role}=c/" in acl[0]
        assert "ecr_app=" not in acl[0] and "=Tc/" not in acl[0]
        assert login == (False,)  # no database of the server grants it anything now
        # the workstation still configured with ecr_app is told what to do
        with pytest.raises(DatabaseUnavailable) as told:
            Centre.open(dsn=joined)
        assert told.value.rule == "app_role_changed"
        assert role in told.value.message
        # upgraded again: the password is kept, not replaced behind the workstations' backs
        before = (keys / f"{role}.password").read_text("utf-8")
        assert upgrade(home)["applied"] == []
        Centre.open(home).close()
        assert (keys / f"{role}.password").read_text("utf-8") == before


def test_an_owner_without_the_roles_password_does_not_replace_it(
        server: EmbeddedTestServer, folder: Path) -> None:
    with server.fresh_database() as dsn:
        _init(folder / "first", dsn, "221016").close()
        # another computer with the owner's access but not the role's password
        from ecr_tk.services import CentreUnavailable
        from ecr_tk.services.centre import upgrade

        CentreHome.create(folder / "second", centre_code="221016", centre_name="x", dsn=dsn)
        with pytest.raises(CentreUnavailable) as err:
            Centre.open(folder / "second")
        assert err.value.rule == "app_role_password_missing"
        with pytest.raises(CentreUnavailable) as err:
            upgrade(folder / "second")
        assert err.value.rule == "app_role_password_missing"
        with Centre.open(folder / "first") as first:
            first.login(OFFICER, PASSWORDS[OFFICER]).logout()


NAMES = ["ecr", "ecr_test_0123456789ab", "Centre-Thiès", "a" * 55, "a" * 56, "x y", "ÉCR",
         "221001", 'with"quote', "日本語の名前", "UPPER"]


def test_sql_and_python_name_a_databases_role_alike(server: EmbeddedTestServer) -> None:
    with server.fresh_database() as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        migrate(conn, "centre")
        for dbname in NAMES:
            row = conn.execute("SELECT ecr._app_role_name(%s)", (dbname,)).fetchone()
            assert row is not None
            assert row[0] == app_role_name(dbname), dbname
            assert len(row[0].encode()) <= 63 and row[0].startswith("ecr_app_")
        assert len({app_role_name(n) for n in NAMES}) == len(NAMES)


# ------------------------------------- finding 6: workstations never hold the owner's access
def _files_holding(folder: Path, secret: str) -> list[str]:
    return [str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and secret.encode() in p.read_bytes()]


def test_a_networked_centre_keeps_no_owner_password_and_works_without_it(
        server: EmbeddedTestServer, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with server.fresh_database() as dsn:
        owner_password = str(psycopg.conninfo.conninfo_to_dict(dsn)["password"])
        home = folder / "made-at-a-workstation"
        _init(home, dsn, "221017").close()  # what the setup assistant and ecr init do
        assert _files_holding(home, owner_password) == []
        settings = CentreHome.open(home).settings["database.dsn"]
        assert "password" not in settings
        # every user's work goes through the application role alone
        with Centre.open(home) as centre:
            centre.login(OFFICER, PASSWORDS[OFFICER]).logout()


def _with_a_newer_migration(monkeypatch: pytest.MonkeyPatch) -> None:
    """This program knows one migration more than the database has (a new version)."""
    import common.db.migrate as migrate_module

    real = migrate_module.load_migrations

    def newer(target: str, folder: Any = None) -> list[migrate_module.Migration]:
        found = real(target, folder)
        if target == "centre" and folder is None:
            found.append(migrate_module.Migration(9999, "9999_test_newer.sql",
                                                  "CREATE TABLE ecr.newer_marker (x int);"))
        return found

    monkeypatch.setattr(migrate_module, "load_migrations", newer)


def test_a_workstation_never_upgrades_the_schema_the_administrator_does(
        server: EmbeddedTestServer, folder: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from ecr_tk.cli import main
    from ecr_tk.services import CentreUnavailable

    with server.fresh_database() as dsn:
        home = folder / "workstation"
        _init(home, dsn, "221018").close()
        _with_a_newer_migration(monkeypatch)
        with pytest.raises(CentreUnavailable) as err:
            Centre.open(home)  # an agent's command, the desktop application
        assert err.value.rule == "schema_upgrade_needed"
        assert "ecr db upgrade" in err.value.message
        with owner_connection(DatabaseConfig.networked(dsn)) as owner:
            assert owner.execute("SELECT to_regclass('ecr.newer_marker')").fetchone() == (None,)
        # a workstation's own address cannot do the administrator's step
        app = psycopg.conninfo.conninfo_to_dict(
            conninfo(CentreHome.open(home).database_config(), "ecr_app"))
        monkeypatch.setenv("ECR_DB_PASSWORD", str(app.pop("password", "")))  # not on a command line
        app_dsn = psycopg.conninfo.make_conninfo(**app)  # type: ignore[arg-type]
        assert main(["--home", str(home), "db", "upgrade", "--db", app_dsn]) == 1
        monkeypatch.delenv("ECR_DB_PASSWORD")
        assert "owner_required" in capsys.readouterr().err
        # the administrator's step, with the owner's address given for this command only
        owner = psycopg.conninfo.conninfo_to_dict(dsn)
        if owner.get("password"):
            monkeypatch.setenv("ECR_DB_PASSWORD", str(owner.pop("password")))
        assert main(["--home", str(home), "--json", "db", "upgrade", "--db",
                     psycopg.conninfo.make_conninfo(**owner)]) == 0  # type: ignore[arg-type]
        done = json.loads(capsys.readouterr().out)
        assert done["applied"] == ["9999_test_newer.sql"]
        with Centre.open(home) as centre:
            centre.login(OFFICER, PASSWORDS[OFFICER]).logout()
        assert _files_holding(home, str(psycopg.conninfo.conninfo_to_dict(dsn)["password"])
                              ) == []


def test_a_workstation_refuses_a_schema_newer_than_itself(
        server: EmbeddedTestServer, folder: Path) -> None:
    from ecr_tk.services import CentreUnavailable

    with server.fresh_database() as dsn:
        home = folder / "older-program"
        _init(home, dsn, "221019").close()
        with owner_connection(DatabaseConfig.networked(dsn)) as owner:
            owner.execute("INSERT INTO ecr_schema_migrations (target, version, name, checksum)"
                          " VALUES ('centre', 9998, '9998_from_the_future.sql', 'x')")
        with pytest.raises(CentreUnavailable) as err:
            Centre.open(home)
        assert err.value.rule == "newer_schema"
