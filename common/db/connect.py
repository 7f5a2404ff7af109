"""Connections to a centre's (or the SCEC's) PostgreSQL database.

The whole API::

    config = DatabaseConfig.embedded(home)            # standalone centre
    config = DatabaseConfig.networked(dsn, home=home) # networked centre / SCEC (home=None)

    with owner_connection(config) as conn:            # migrations, ecr init, backup
        migrate(conn, "centre")
    provision_role_password(config, "ecr_app")        # after the migration made the role

    pool = open_pool(config, role="ecr_app")          # the application's connections
    with pool.connection() as conn: ...
    pool.close()

    dsn = conninfo(config, role="ecr_app")            # a libpq string, when one is needed

A connection failure (server down, wrong host, refused password, embedded
server that cannot start) raises :class:`DatabaseUnavailable`, a ``UserError``
whose message (French by default) the GUI shows before retrying; never a
traceback.  Nothing here connects at import time.

Over a network, only ``sslmode=verify-full`` (:mod:`common.db.tls`): a DSN
whose host is not local is refused before connecting unless the server can be
verified with the centre's root certificate.

Roles and passwords: ``role=None`` means the owner (the embedded server's
``postgres`` superuser, or the user of the DSN).  A named role logs in with the
password kept in the home's secrets folder (``<home>/keys/db/<role>.password``,
written by :func:`provision_role_password`), else with the DSN's own password
when the DSN names that role, else through libpq's usual means (``.pgpass``,
``PGPASSWORD``).  Every role authenticates with SCRAM-SHA-256, embedded or not.

The application role: ``role="ecr_app"`` (:data:`APP_ROLE`) means *this
database's* application role, ``ecr_app_<database>`` (:func:`app_role_name`,
``DatabaseConfig.app_role``).  Each centre database has its own, with its own
password and CONNECT on that database only; ``ecr_app`` itself is the group
role holding the API's grants inside each database and cannot log in (issue
11, finding 10; migration 0412).  A DSN naming a role ``ecr_app…`` itself (a
workstation configured with it) is taken as it is.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from common.db import embedded, files, tls
from common.errors import UserError
from common.i18n import translator

tr = translator("db")

DB_DIR = files.DB_DIR
SECRETS_DIR = files.SECRETS_DIR

# A workstation needs few connections: the window, the transmitter, a print job.
# 20 workstations x 4 stay well under PostgreSQL's default of 100 connections.
POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 4
CONNECT_TIMEOUT = 5  # seconds: a server that does not answer is reported quickly

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: The group role of the application; as a ``role`` argument, this database's login role.
APP_ROLE = "ecr_app"
_PLAIN_DBNAME = re.compile(r"[a-z0-9_]{1,55}")


def _md5_hex(text: str) -> str:
    # a name, not a secret: MD5 because SQL has it built in (ecr._app_role_name)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def app_role_name(dbname: str) -> str:
    """The application's login role for database ``dbname`` (SQL: ``ecr._app_role_name``).

    ``ecr_app_<dbname>`` when the name is lower-case letters, digits and ``_``
    (55 at most), else a readable part and 16 hex digits of its MD5, so that
    two databases never share a role and the name fits PostgreSQL's 63 bytes.
    """
    if _PLAIN_DBNAME.fullmatch(dbname):
        return f"{APP_ROLE}_{dbname}"
    readable = re.sub(r"[^a-zA-Z0-9_]", "_", dbname).lower()[:38]
    return f"{APP_ROLE}_{readable}_{_md5_hex(dbname)[:16]}"


class DatabaseUnavailable(UserError):
    """The database cannot be reached (or refuses us); the GUI shows it and retries."""

    def __init__(self, message: str, *, reason: str, rule: str = "database_unavailable") -> None:
        super().__init__(message, field=None, rule=rule)
        self.reason = reason


@dataclass(frozen=True)
class DatabaseConfig:
    """Where the database is: embedded under ``home``, or at ``dsn``.

    ``home`` is the centre's home folder (``None`` for the SCEC); it holds the
    embedded server's data (``db/``) and the role passwords (``keys/db/``).
    ``dbname`` is the database inside the embedded server.
    """

    home: Path | None = None
    dsn: str | None = None
    dbname: str = embedded.DEFAULT_DBNAME

    def __post_init__(self) -> None:
        if self.dsn is None and self.home is None:
            raise UserError(tr("A database needs either a home folder or a DSN"),
                            field="database.dsn", rule="required")
        if self.dsn is not None:
            try:
                psycopg.conninfo.conninfo_to_dict(self.dsn)
            except psycopg.ProgrammingError as exc:
                raise UserError(tr("The database address (DSN) is not valid: {reason}",
                                   reason=_one_line(str(exc))),
                                field="database.dsn", rule="invalid_dsn") from exc

    @classmethod
    def embedded(cls, home: Path, dbname: str = embedded.DEFAULT_DBNAME) -> DatabaseConfig:
        return cls(home=Path(home).absolute(), dsn=None, dbname=dbname)

    @classmethod
    def networked(cls, dsn: str, home: Path | None = None) -> DatabaseConfig:
        return cls(home=Path(home).absolute() if home is not None else None, dsn=dsn)

    @classmethod
    def from_settings(cls, values: Mapping[str, object], home: Path) -> DatabaseConfig:
        """Build from a centre's settings (``database.mode``, ``database.dsn``)."""
        mode = values.get("database.mode", "embedded")
        if mode == "embedded":
            return cls.embedded(home)
        dsn = values.get("database.dsn")
        if mode != "dsn" or not isinstance(dsn, str) or not dsn:
            raise UserError(tr("The database settings are incomplete: mode {mode}, no DSN",
                               mode=mode), field="database.dsn", rule="required")
        return cls.networked(dsn, home=home)

    def settings_values(self) -> dict[str, object]:
        """The settings keys that describe this configuration (inverse of from_settings)."""
        if self.is_embedded:
            return {"database.mode": "embedded", "database.dsn": ""}
        return {"database.mode": "dsn", "database.dsn": self.dsn}

    @property
    def is_embedded(self) -> bool:
        return self.dsn is None

    @property
    def app_role(self) -> str:
        """The login role of this database's application (what ``role="ecr_app"`` means).

        A DSN naming a role ``ecr_app…`` (a workstation configured with the
        application role) gives that role; otherwise it is derived from the
        database's name (libpq's default: the user's name).
        """
        if self.dsn is None:
            return app_role_name(self.dbname)
        params = psycopg.conninfo.conninfo_to_dict(self.dsn)
        user = params.get("user")
        if isinstance(user, str) and (user == APP_ROLE or user.startswith(APP_ROLE + "_")):
            return user
        dbname = params.get("dbname") or user or _os_user()
        return app_role_name(str(dbname))

    @property
    def db_dir(self) -> Path:
        assert self.home is not None
        return self.home / DB_DIR

    @property
    def secrets_dir(self) -> Path | None:
        return self.home.joinpath(*SECRETS_DIR) if self.home is not None else None

    def describe(self) -> str:
        """A human description, without any password."""
        if self.is_embedded:
            return tr("embedded server in {folder}", folder=self.db_dir)
        params = psycopg.conninfo.conninfo_to_dict(self.dsn or "")
        params.pop("password", None)
        return " ".join(f"{k}={v}" for k, v in sorted(params.items()))


# --------------------------------------------------------------------------- connections


@contextmanager
def owner_connection(config: DatabaseConfig, *, autocommit: bool = True
                     ) -> Iterator[psycopg.Connection[Any]]:
    """One connection as the database owner (migrations, init, backup), closed on exit."""
    server = _use_embedded(config)
    try:
        conn = _connect(config, _params(config, None, server), role=None, autocommit=autocommit)
        with conn:
            yield conn
    finally:
        if server is not None:
            server.close()


class CentrePool(ConnectionPool):
    """A psycopg pool that also keeps the embedded server in use until closed."""

    _ecr_server: embedded.EmbeddedServer | None = None

    def close(self, timeout: float = 5.0) -> None:
        try:
            super().close(timeout)
        finally:
            server, self._ecr_server = self._ecr_server, None
            if server is not None:
                server.close()


def open_pool(config: DatabaseConfig, role: str | None = None, *,
              min_size: int = POOL_MIN_SIZE, max_size: int = POOL_MAX_SIZE,
              application_name: str = "ecr", timeout: float = 10.0) -> CentrePool:
    """Open a connection pool as ``role`` (owner when None); close it when done.

    One connection is made first so that an unreachable server is reported at
    once as :class:`DatabaseUnavailable` with libpq's reason.  Connections are
    checked when taken from the pool, so a restarted server is recovered from.
    """
    server = _use_embedded(config)
    try:
        params = _params(config, role, server)
        params["application_name"] = application_name
        _connect(config, params, role=role).close()
        pool = CentrePool(
            kwargs=params, min_size=min_size, max_size=max_size, open=False, timeout=timeout,
            check=ConnectionPool.check_connection, name=f"ecr-{role or 'owner'}",
            reconnect_timeout=60.0)
        pool._ecr_server = server
        pool.open(wait=False)
        return pool
    except BaseException:
        if server is not None:
            server.close()
        raise


def conninfo(config: DatabaseConfig, role: str | None = None) -> str:
    """A libpq connection string for ``role`` (owner when None), password included.

    For callers that need a string (a pool of their own, a subprocess).  An
    embedded server is started if needed and stays up until this process exits
    or calls :func:`common.db.embedded.release`.  Keep the string in memory only.
    """
    server = _use_embedded(config)
    try:
        return psycopg.conninfo.make_conninfo(**_params(config, role, server))
    finally:
        if server is not None:
            server.close()


@contextmanager
def server_in_use(config: DatabaseConfig) -> Iterator[embedded.EmbeddedServer | None]:
    """Keep the embedded server running for the block (yields None for a DSN).

    Pass the handle to :func:`connection_params` (pg_dump, pg_restore, psql).
    """
    server = _use_embedded(config)
    try:
        yield server
    finally:
        if server is not None:
            server.close()


def connection_params(config: DatabaseConfig, role: str | None = None,
                      server: embedded.EmbeddedServer | None = None) -> dict[str, Any]:
    """libpq keywords (host, port, user, password, dbname) for ``role``.

    For an embedded config, ``server`` must be a running server's handle
    (:func:`common.db.embedded.use_server`); used by pg_dump/pg_restore.
    """
    return _params(config, role, server)


def provision_role_password(config: DatabaseConfig, role: str) -> str:
    """Give login role ``role`` a new random password and keep it in the secrets folder.

    The role must exist (a migration creates it); the password is sent as a
    SCRAM verifier, so it never reaches the server's logs in clear.
    """
    role = _resolve_role(config, role)
    _check_role_name(role)
    folder = config.secrets_dir
    if folder is None:
        raise UserError(tr("Role passwords are kept in a centre home; none is configured"),
                        field="home", rule="required")
    with owner_connection(config) as conn:
        password = set_role_password(conn, role)
    store_role_password(folder, role, password)
    return password


def set_role_password(conn: psycopg.Connection[Any], role: str) -> str:
    """Give ``role`` a new random password on ``conn`` (an owner connection); return it.

    Sent as a SCRAM verifier, so the password never reaches the server's logs.
    The caller keeps it (:func:`store_role_password`).
    """
    _check_role_name(role)
    password = secrets.token_urlsafe(32)
    verifier = conn.pgconn.encrypt_password(
        password.encode(), role.encode(), b"scram-sha-256").decode()
    conn.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(
        sql.Identifier(role), sql.Literal(verifier)))
    return password


def stored_role_password(config: DatabaseConfig, role: str) -> str | None:
    """``role``'s password as kept in the home's secrets folder, if it is there."""
    return _stored_password(config, _resolve_role(config, role))


def store_role_password(folder: Path, role: str, password: str) -> None:
    """Keep ``role``'s password in the secrets folder (0700, the file 0600)."""
    _check_role_name(role)
    files.make_private_dir(folder)
    files.atomic_write(folder / f"{role}.password", (password + "\n").encode())


def dsn_without_password(dsn: str) -> str:
    """``dsn`` with its password left out (not kept anywhere)."""
    params = dict(psycopg.conninfo.conninfo_to_dict(dsn))
    if "password" not in params:
        return dsn
    params.pop("password")
    return psycopg.conninfo.make_conninfo("", **params)


def move_password_out_of_dsn(dsn: str, secrets_dir: Path) -> str:
    """``dsn`` without its password, which goes to ``secrets_dir/<user>.password``.

    Settings files are read by anyone who can see the home and are copied around
    (support, screenshots, backups of settings): a password has no place in them.
    ``_params`` puts it back when connecting as that user.
    """
    params = dict(psycopg.conninfo.conninfo_to_dict(dsn))
    password = params.pop("password", None)
    if not password:
        return dsn
    user = params.get("user")
    if not user:
        raise UserError(tr("A database address with a password must also name the user"),
                        field="database.dsn", rule="user_required")
    _check_role_name(str(user), field="database.dsn")
    store_role_password(secrets_dir, str(user), str(password))
    return psycopg.conninfo.make_conninfo("", **params)


# --------------------------------------------------------------------------- internals


def _use_embedded(config: DatabaseConfig) -> embedded.EmbeddedServer | None:
    if not config.is_embedded:
        return None
    assert config.secrets_dir is not None
    try:
        return embedded.use_server(config.db_dir, config.secrets_dir, dbname=config.dbname)
    except embedded.EmbeddedServerError as exc:
        reason = exc.reason + (f" ({exc.log_file})" if exc.log_file else "")
        raise DatabaseUnavailable(
            tr("The embedded database could not be started: {reason}", reason=reason),
            reason=reason, rule="embedded_server_failed") from exc
    except OSError as exc:
        raise DatabaseUnavailable(
            tr("The embedded database could not be started: {reason}", reason=str(exc)),
            reason=str(exc), rule="embedded_server_failed") from exc


def _resolve_role(config: DatabaseConfig, role: str) -> str:
    return config.app_role if role == APP_ROLE else role


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "postgres"


def _params(config: DatabaseConfig, role: str | None,
            server: embedded.EmbeddedServer | None) -> dict[str, Any]:
    if role is not None:
        role = _resolve_role(config, role)
        _check_role_name(role)
    password = _stored_password(config, role) if role is not None else None
    if config.is_embedded:
        if server is None:
            raise ValueError("an embedded configuration needs its server handle")
        params = server.conninfo_params(user=role or embedded.OWNER, password=password,
                                        dbname=config.dbname)
    else:
        params = dict(psycopg.conninfo.conninfo_to_dict(config.dsn or ""))
        if role is not None and params.get("user") != role:
            params["user"] = role
            params.pop("password", None)
        if password is None and role is None and "password" not in params:
            user = params.get("user")  # the DSN's own user, whose password left the DSN
            if isinstance(user, str) and _ROLE_NAME.match(user):
                password = _stored_password(config, user)
        if password is not None:
            params["password"] = password
        params = tls.secured(params, config.secrets_dir)  # over a network: verify-full only
    params.setdefault("connect_timeout", CONNECT_TIMEOUT)
    return params


def _stored_password(config: DatabaseConfig, role: str) -> str | None:
    folder = config.secrets_dir
    if folder is None:
        return None
    path = folder / f"{role}.password"
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        return None


def _connect(config: DatabaseConfig, params: Mapping[str, Any], *, role: str | None,
             autocommit: bool = False) -> psycopg.Connection[Any]:
    try:
        return psycopg.connect(**params, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        user = params.get("user")
        raise _unavailable(config, exc, str(user) if role is not None and user else role
                           ) from exc


def _unavailable(config: DatabaseConfig, exc: psycopg.Error,
                 role: str | None) -> DatabaseUnavailable:
    reason = _one_line(str(exc))
    not_verified = tls.refusal_reason(reason)
    if not_verified is not None:
        return DatabaseUnavailable(not_verified, reason=reason, rule="tls_server_not_verified")
    if role == APP_ROLE and (exc.sqlstate in ("28P01", "28000", "42501")
                             or "permission denied for database" in reason
                             or "not permitted to log in" in reason
                             or "password authentication failed" in reason):
        # a workstation still configured with the shared role of earlier versions
        return DatabaseUnavailable(
            tr("The database no longer accepts the shared role ecr_app: each centre database "
               "now has its own application role ({role}); ask the administrator for its "
               "password and enter it in the database settings",
               role=app_role_name(str(psycopg.conninfo.conninfo_to_dict(config.dsn or "")
                                      .get("dbname") or "ecr"))),
            reason=reason, rule="app_role_changed")
    if (exc.sqlstate in ("28P01", "28000") or "password authentication failed" in reason
            or "no password supplied" in reason):
        return DatabaseUnavailable(
            tr("The database refused the login of {role}: {reason}",
               role=role or tr("the owner"), reason=reason),
            reason=reason, rule="database_login_refused")
    if config.home is not None:
        message = tr("The local server cannot be reached: {reason}", reason=reason)
    else:
        message = tr("The database server cannot be reached: {reason}", reason=reason)
    return DatabaseUnavailable(message, reason=reason)


def _check_role_name(role: str, field: str = "role") -> None:
    if not _ROLE_NAME.match(role):
        raise UserError(tr("{role} is not a valid role name (lower-case letters, digits, _)",
                           role=role), field=field, rule="invalid_role")


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
