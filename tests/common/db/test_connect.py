"""Connections: configuration, pools, role passwords, and failures a person can read."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from common.db import embedded
from common.db.connect import (
    DatabaseConfig,
    DatabaseUnavailable,
    conninfo,
    open_pool,
    owner_connection,
    provision_role_password,
)
from common.errors import UserError
from common.i18n import using_language

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    yield path
    embedded.release(path / "db")


@pytest.fixture
def app_role(admin_dsn: str) -> Iterator[str]:
    """A login role on the local service, dropped afterwards (roles are cluster-wide)."""
    name = f"ecr_test_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port whose "server" accepts connections and never says a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


UNREACHABLE = [
    ("refused port", "host=127.0.0.1 port=1 user=ecr dbname=ecr", "Connection refused"),
    # a network host: verified TLS (common.db.tls), so that libpq really tries it
    ("unknown host", "host=no-such-host.invalid user=ecr dbname=ecr sslmode=verify-full",
     "no-such-host.invalid"),
    ("silent server", "host=127.0.0.1 port={silent} user=ecr dbname=ecr connect_timeout=2",
     "timeout"),
]


@pytest.mark.parametrize(("case", "dsn", "detail"), UNREACHABLE, ids=[c[0] for c in UNREACHABLE])
def test_a_server_that_does_not_answer_is_reported_in_french_as_unavailable(
        tmp_path: Path, silent_port: int, case: str, dsn: str, detail: str) -> None:
    config = DatabaseConfig.networked(dsn.format(silent=silent_port), home=tmp_path)
    (tmp_path / "keys" / "db").mkdir(parents=True)
    (tmp_path / "keys" / "db" / "server-root.crt").write_text("never read: no server answers")
    with pytest.raises(DatabaseUnavailable) as caught:
        open_pool(config)
    error = caught.value
    assert isinstance(error, UserError)
    assert error.rule == "database_unavailable"
    assert error.message.startswith("Le serveur local est injoignable : ")
    assert detail.lower() in error.message.lower()
    assert "\n" not in error.message and "Traceback" not in error.message


def test_the_unavailable_message_follows_the_language(tmp_path: Path) -> None:
    config = DatabaseConfig.networked("host=127.0.0.1 port=1 user=ecr dbname=ecr", home=tmp_path)
    with using_language("en"), pytest.raises(DatabaseUnavailable) as caught:
        with owner_connection(config):
            pass
    assert caught.value.message.startswith("The local server cannot be reached: ")


def test_the_scec_database_is_not_called_the_local_server() -> None:
    config = DatabaseConfig.networked("host=127.0.0.1 port=1 user=ecr dbname=ecr")
    with pytest.raises(DatabaseUnavailable) as caught:
        open_pool(config)
    assert caught.value.message.startswith("Le serveur de base de données est injoignable")


def test_a_refused_password_is_said_to_be_a_refused_login(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE ROLE ecr_clerk LOGIN PASSWORD 'right'")
    (home / "keys" / "db" / "ecr_clerk.password").write_text("wrong\n")
    with pytest.raises(DatabaseUnavailable) as caught:
        open_pool(config, role="ecr_clerk")
    assert caught.value.rule == "database_login_refused"
    assert "ecr_clerk" in caught.value.message


def test_a_cli_command_shows_the_refusal_on_one_line_without_a_traceback(tmp_path: Path) -> None:
    script = ("from pathlib import Path\n"
              "from common.db.connect import DatabaseConfig, open_pool\n"
              "from common.errors import UserError\n"
              "try:\n"
              "    open_pool(DatabaseConfig.networked('host=127.0.0.1 port=1 dbname=x user=y',"
              " home=Path('.')))\n"
              "except UserError as exc:\n"
              "    print(exc.message)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert out.stdout.count("\n") == 1 and "injoignable" in out.stdout


@pytest.mark.parametrize("dsn", ["hostx=srv dbname=ecr", "user='unterminated", "host srv"])
def test_an_invalid_dsn_names_the_setting(dsn: str) -> None:
    with pytest.raises(UserError) as caught:
        DatabaseConfig.networked(dsn)
    assert caught.value.field == "database.dsn"
    assert caught.value.rule == "invalid_dsn"


SETTINGS_CASES = [
    ({"database.mode": "embedded"}, True, None),
    ({"database.mode": "dsn", "database.dsn": "host=srv dbname=ecr"}, False, "host=srv dbname=ecr"),
]


@pytest.mark.parametrize(("values", "is_embedded", "dsn"), SETTINGS_CASES)
def test_settings_round_trip_to_a_database_config(
        tmp_path: Path, values: dict[str, str], is_embedded: bool, dsn: str | None) -> None:
    config = DatabaseConfig.from_settings(values, tmp_path)
    assert config.is_embedded is is_embedded
    assert config.dsn == dsn
    assert DatabaseConfig.from_settings(config.settings_values(), tmp_path) == config


def test_dsn_mode_without_a_dsn_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        DatabaseConfig.from_settings({"database.mode": "dsn", "database.dsn": ""}, tmp_path)
    assert caught.value.field == "database.dsn"


def test_describe_never_shows_the_password() -> None:
    config = DatabaseConfig.networked("host=srv user=ecr password=s3cret dbname=ecr")
    assert "s3cret" not in config.describe()


def test_an_application_role_logs_in_with_its_provisioned_password(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE ROLE ecr_reader NOLOGIN")
    provision_role_password(config, "ecr_reader")
    secret = home / "keys" / "db" / "ecr_reader.password"
    assert secret.stat().st_mode & 0o777 == 0o600
    pool = open_pool(config, role="ecr_reader")
    try:
        with pool.connection() as conn:
            row = conn.execute("SELECT current_user, current_setting('application_name'), "
                               "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                               ).fetchone()
        assert row == ("ecr_reader", "ecr", False)
        assert pool.max_size == 4
    finally:
        pool.close()


def test_the_local_service_role_password_is_kept_in_the_home(
        tmp_path: Path, fresh_db: str, app_role: str) -> None:
    config = DatabaseConfig.networked(fresh_db, home=tmp_path)
    provision_role_password(config, app_role)
    with psycopg.connect(fresh_db) as conn:
        verifier = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                                (app_role,)).fetchone()
    assert verifier is not None and verifier[0].startswith("SCRAM-SHA-256$")
    dsn = conninfo(config, role=app_role)
    assert f"user={app_role}" in dsn and "password=" in dsn


def test_a_pool_recovers_after_the_embedded_server_restarts(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    pool = open_pool(config)
    try:
        with pool.connection() as conn:
            conn.execute("CREATE TABLE t (x int)")
            conn.commit()
        with pool.connection() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
        pool.check()
        with pool.connection() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    finally:
        pool.close()


def test_a_bad_role_name_is_refused_before_any_sql(home: Path) -> None:
    with pytest.raises(UserError) as caught:
        provision_role_password(DatabaseConfig.embedded(home), 'x"; DROP TABLE t; --')
    assert caught.value.rule == "invalid_role"
    assert not (home / "db").exists()


def test_importing_the_database_layer_connects_to_nothing(tmp_path: Path) -> None:
    script = ("import common.db.connect, common.db.embedded, common.db.backup, "
              "common.db.migrate, ecr_tk.home\n"
              "import sys; print('psycopg_pool' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={"ECR_HOME": str(tmp_path / "h"),
                                                     "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "h").exists()
