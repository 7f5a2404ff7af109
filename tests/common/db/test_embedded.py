"""The embedded PostgreSQL of a standalone centre, against the real bundled server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from common.db import embedded
from common.db.connect import DatabaseConfig, owner_connection

ROOT = Path(__file__).resolve().parents[3]

# A second program of the same centre: uses the server, says which postmaster
# it found, then waits for a line on stdin before leaving (or is killed).
_OTHER_PROCESS = """
import sys
from pathlib import Path
from common.db.connect import DatabaseConfig, owner_connection
config = DatabaseConfig.embedded(Path(sys.argv[1]))
with owner_connection(config) as conn:
    pid = conn.execute("SELECT pg_postmaster_start_time(), pg_backend_pid()").fetchone()
from common.db import embedded
lines = (config.db_dir / "data" / "postmaster.pid").read_text().splitlines()
print(lines[0], flush=True)
sys.stdin.readline()
"""


def _postmaster_pid(config: DatabaseConfig) -> int:
    return int((config.db_dir / "data" / "postmaster.pid").read_text().splitlines()[0])


def _other_process(home: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, "-c", _OTHER_PROCESS, str(home)], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip(), f"the other process failed (exit {proc.poll()})"
    return proc, int(line)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    yield path
    embedded.release(path / "db")  # whatever a test left, the server does not outlive it


def test_embedded_server_keeps_its_data_across_a_stop_and_a_restart(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE TABLE register (niu text PRIMARY KEY, name text)")
        conn.execute("INSERT INTO register VALUES ('1234567890', 'Élodie Ngono')")
    assert embedded.release(config.db_dir) is True
    assert not embedded.server_is_running(config.db_dir)

    with owner_connection(config) as conn:
        rows = conn.execute("SELECT niu, name FROM register").fetchall()
    assert rows == [("1234567890", "Élodie Ngono")]
    assert embedded.server_is_running(config.db_dir)


def test_embedded_server_stores_its_data_under_the_home_db_folder(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        data_dir = conn.execute("SHOW data_directory").fetchone()[0]
    assert Path(data_dir) == home / "db" / "data"
    assert (home / "keys" / "db" / "postgres.password").stat().st_mode & 0o777 == 0o600
    assert (home / "keys" / "db").stat().st_mode & 0o777 == 0o700


def test_two_processes_of_a_centre_share_one_server(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config):
        ours = _postmaster_pid(config)
    other, theirs = _other_process(home)
    try:
        assert theirs == ours
    finally:
        other.communicate("bye\n", timeout=60)
    # The other program has left; we still use the server, so it still runs.
    assert embedded.server_is_running(config.db_dir)
    assert embedded.release(config.db_dir) is True
    assert not embedded.server_is_running(config.db_dir)


def test_two_processes_starting_a_new_centre_at_once_make_one_cluster(home: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", _OTHER_PROCESS, str(home)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    try:
        pids = {int(p.stdout.readline()) for p in procs}  # type: ignore[union-attr]
    finally:
        for p in procs:
            p.communicate("bye\n", timeout=120)
    assert len(pids) == 1
    assert all(p.returncode == 0 for p in procs)
    assert not (home / "db" / "data.tmp").exists()
    assert not embedded.server_is_running(home / "db")  # the last one out stopped it


def test_the_server_outlives_us_while_another_process_still_uses_it(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config):
        pass
    other, pid = _other_process(home)
    try:
        assert embedded.release(config.db_dir) is False  # not the last user
        assert embedded.server_is_running(config.db_dir)
        assert _postmaster_pid(config) == pid
    finally:
        other.communicate("bye\n", timeout=60)
    # The other process was the last user: it stopped the server on leaving.
    assert not embedded.server_is_running(config.db_dir)


def test_a_killed_process_does_not_keep_the_server_running_for_ever(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    other, _pid = _other_process(home)
    other.kill()  # SIGKILL: no clean-up code runs in it
    other.wait(timeout=30)
    assert embedded.server_is_running(config.db_dir)  # orphaned, still serving
    with owner_connection(config) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert embedded.release(config.db_dir) is True  # the dead process counts for nothing
    assert not embedded.server_is_running(config.db_dir)


def test_a_server_stopped_behind_our_back_is_started_again(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config) as conn:
        conn.execute("CREATE TABLE t (x int)")
    os.kill(_postmaster_pid(config), signal.SIGTERM)  # "smart" shutdown, as by an admin
    deadline = time.monotonic() + 30
    while embedded.server_is_running(config.db_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    with owner_connection(config) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_every_role_including_the_owner_must_give_its_password(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with embedded.use_server(config.db_dir, home / "keys" / "db") as server:
        params = server.conninfo_params()
        del params["password"]
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(**params, connect_timeout=5)
        params["password"] = "not-the-password"
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(**params, connect_timeout=5)
        with psycopg.connect(**server.conninfo_params()) as conn:
            method = conn.execute("SHOW password_encryption").fetchone()
        assert method == ("scram-sha-256",)


def test_the_server_runs_unprivileged_in_its_own_session(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config):
        postmaster = psutil.Process(_postmaster_pid(config))
    assert postmaster.uids().real != 0  # PostgreSQL refuses root; we run it as ecrdb then
    if os.geteuid() == 0:
        assert postmaster.username() == embedded.ACCOUNT
    # Its own session: a Ctrl-C in one command's terminal does not reach it.
    assert os.getsid(postmaster.pid) != os.getsid(0)


def test_the_embedded_database_uses_the_builtin_unicode_locale(home: Path) -> None:
    with owner_connection(DatabaseConfig.embedded(home)) as conn:
        row = conn.execute("SELECT upper('élodie ñ'), lower('ÉLODIE'), "
                           "current_setting('server_encoding')").fetchone()
    assert row == ("ÉLODIE Ñ", "élodie", "UTF8")


def test_a_home_too_deep_for_a_socket_gets_a_private_socket_folder(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 4) / "home"
    config = DatabaseConfig.embedded(deep)
    try:
        with embedded.use_server(config.db_dir, deep / "keys" / "db") as server:
            socket_dir = Path(server.address.host)
            assert not socket_dir.is_relative_to(deep)
            assert socket_dir.stat().st_mode & 0o777 == 0o700
            with psycopg.connect(**server.conninfo_params()) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        embedded.release(config.db_dir)


def test_a_cluster_without_its_password_file_is_reported_not_recreated(home: Path) -> None:
    config = DatabaseConfig.embedded(home)
    with owner_connection(config):
        pass
    embedded.release(config.db_dir)
    (home / "keys" / "db" / "postgres.password").unlink()
    with pytest.raises(embedded.EmbeddedServerError, match="password file"):
        embedded.use_server(config.db_dir, home / "keys" / "db")
    assert (home / "db" / "data" / "PG_VERSION").exists()
