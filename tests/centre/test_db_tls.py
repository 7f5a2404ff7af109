"""Issue 11, finding 8: workstation <-> database traffic over a network is TLS, verified.

Before this, a networked centre connected with whatever the DSN said (libpq's
default ``sslmode=prefer`` falls back to clear text, and never checks who the
server is): the login proof, session tokens and acts crossed the LAN readable
and replayable.  These tests run a real PostgreSQL configured with the files
``ecr db tls-setup`` writes (``tests/tls_postgres.py``) and a real centre on it.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography import x509

from common.db import tls
from common.db.connect import DatabaseConfig, DatabaseUnavailable, open_pool, owner_connection
from common.db.tls_server import write_server_files
from ecr_tk.services import Centre
from tests.tls_postgres import CENTRE, SERVER_NAME, TlsServer, tls_server

OFFICER_PW = "officer-pass-1"


@pytest.fixture(scope="module")
def server() -> Iterator[TlsServer]:
    with tls_server() as s:
        yield s


def _owner(server: TlsServer, **extra: str) -> DatabaseConfig:
    """The superuser over verified TLS (``extra`` overrides)."""
    params = {"password": server.password, "sslmode": "verify-full",
              "sslrootcert": str(server.files.root), **extra}
    return DatabaseConfig.networked(server.dsn(**params))


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("dsn", [
    "host=db.centre.test dbname=ecr",                       # libpq default: prefer
    "host=db.centre.test sslmode=disable",
    "host=db.centre.test sslmode=prefer",
    "host=db.centre.test sslmode=require",
    "host=db.centre.test sslmode=verify-ca sslrootcert=/etc/hostname",
    "host=192.0.2.10 sslmode=allow",
    "host=localhost hostaddr=192.0.2.10 sslmode=disable",    # a local name, a LAN address
    "host=/var/run/postgresql,db.centre.test",               # one of several hosts is remote
])
def test_a_network_connection_without_verified_tls_is_refused_before_connecting(
        dsn: str) -> None:
    # 192.0.2.0/24 is TEST-NET-1: had anything been sent, connect_timeout would show
    with pytest.raises(tls.TransportRefused) as refused:
        with owner_connection(DatabaseConfig.networked(dsn)):
            pass
    assert refused.value.field == "database.dsn"
    assert refused.value.rule in ("tls_required", "tls_root_missing")
    assert "verify-full" in str(refused.value) or "sslrootcert" in str(refused.value)


def test_libpq_environment_cannot_weaken_the_rule(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    monkeypatch.setenv("PGSSLMODE", "disable")
    with pytest.raises(tls.TransportRefused):
        tls.secured({"host": "db.centre.test"}, None)
    monkeypatch.delenv("PGSSLMODE")
    monkeypatch.setenv("PGHOST", "db.centre.test")
    with pytest.raises(tls.TransportRefused):
        tls.secured({"sslmode": "require"}, None)
    root = tmp_path / tls.ROOT_FILE
    root.write_text("x")
    # the decided values are written into the parameters, which beat the environment
    assert tls.secured({}, tmp_path) == {"sslmode": "verify-full", "sslrootcert": str(root)}


@pytest.mark.parametrize("params", [
    {}, {"host": "/var/run/postgresql"}, {"host": "localhost"}, {"host": "127.0.0.1"},
    {"host": "::1"}, {"host": "localhost", "hostaddr": "127.0.0.1"},
    {"host": "127.0.0.1", "sslmode": "disable"},
])
def test_a_connection_that_stays_on_the_machine_is_left_as_given(
        params: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PGHOST", "PGHOSTADDR", "PGSSLMODE"):
        monkeypatch.delenv(name, raising=False)
    assert tls.secured(params, None) == params


# --------------------------------------------------------------------------- the real server


def test_verify_full_with_the_centre_root_connects_encrypted(server: TlsServer) -> None:
    with owner_connection(_owner(server)) as conn:
        row = conn.execute("SELECT ssl, version FROM pg_stat_ssl "
                           "WHERE pid = pg_backend_pid()").fetchone()
    assert row is not None and row[0] is True and row[1] in ("TLSv1.2", "TLSv1.3")


def test_a_centre_on_a_tls_server_keeps_its_root_and_works_after_the_stick_is_gone(
        server: TlsServer, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    stick.mkdir()
    root_on_stick = stick / tls.ROOT_FILE
    root_on_stick.write_bytes(server.files.root.read_bytes())
    with owner_connection(_owner(server)) as conn:
        conn.execute("DROP DATABASE IF EXISTS ecr_tls_centre WITH (FORCE)")
        conn.execute("CREATE DATABASE ecr_tls_centre")
    try:
        dsn = server.dsn(dbname="ecr_tls_centre", password=server.password,
                         sslmode="verify-full", sslrootcert=str(root_on_stick))
        home = tmp_path / "home"
        Centre.init(home, "221001", "Centre de Thiès", 1, "Awa Diop", OFFICER_PW, dsn=dsn,
                    workstation="ws-tls").close()
        root_on_stick.unlink()
        kept = (home / "keys" / "db" / tls.ROOT_FILE)
        assert kept.read_bytes() == server.files.root.read_bytes()
        settings = (home / "settings.json").read_text()
        assert "sslrootcert" not in settings and server.password not in settings
        with Centre.open(home, workstation="ws-tls") as centre:
            with centre.login(1, OFFICER_PW) as officer:
                assert officer.can("settings.change")
            pool = open_pool(centre.config, role="ecr_app")
            try:
                with pool.connection() as conn:
                    ssl, user = conn.execute(
                        "SELECT s.ssl, current_user FROM pg_stat_ssl s "
                        "WHERE s.pid = pg_backend_pid()").fetchone()
            finally:
                pool.close()
        assert ssl is True and user == centre.config.app_role
    finally:
        with owner_connection(_owner(server)) as conn:
            conn.execute("DROP DATABASE IF EXISTS ecr_tls_centre WITH (FORCE)")


def test_a_server_signed_by_another_root_is_refused(server: TlsServer, tmp_path: Path) -> None:
    # an attacker's server on the LAN, with a certificate for the right name from its own root
    other = write_server_files(tmp_path / "other", CENTRE, [SERVER_NAME])
    config = _owner(server, sslrootcert=str(other.root))
    with pytest.raises(DatabaseUnavailable) as refused:
        with owner_connection(config):
            pass
    assert refused.value.rule == "tls_server_not_verified"
    assert "root" in str(refused.value) or "racine" in str(refused.value)


def test_a_server_reached_by_a_name_its_certificate_does_not_carry_is_refused(
        server: TlsServer) -> None:
    dsn = server.dsn(password=server.password, sslmode="verify-full",
                     sslrootcert=str(server.files.root)).replace(SERVER_NAME, "other.centre.test")
    with pytest.raises(DatabaseUnavailable) as refused:
        with owner_connection(DatabaseConfig.networked(dsn)):
            pass
    assert refused.value.rule == "tls_server_not_verified"


def test_the_server_configuration_refuses_clear_text_logins(server: TlsServer) -> None:
    # straight through libpq, around ECR's rule: the server itself says no
    with pytest.raises(psycopg.OperationalError, match=r"no encryption|pg_hba\.conf rejects"):
        psycopg.connect(server.dsn(password=server.password, sslmode="disable"),
                        connect_timeout=5).close()


def test_tls_setup_writes_a_private_key_and_a_certificate_for_the_names(tmp_path: Path) -> None:
    made = write_server_files(tmp_path / "tls", CENTRE, ["db.centre.test", "192.0.2.5"])
    assert stat.S_IMODE(made.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.key.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(made.certificate.read_bytes())
    root = x509.load_pem_x509_certificate(made.root.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["db.centre.test"]
    assert [str(a) for a in names.get_values_for_type(x509.IPAddress)] == ["192.0.2.5"]
    cert.verify_directly_issued_by(root)
    assert not root.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length
    assert "hostnossl" in made.hba.read_text() and "reject" in made.hba.read_text()
    assert "ssl = on" in made.conf.read_text()
