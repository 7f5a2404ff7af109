"""The composition root of a registration centre: ``Centre.open`` / ``Centre.init``.

A ``Centre`` owns the one pool of ``ecr_app`` connections a workstation uses.
Opening it resolves the home folder, starts the embedded PostgreSQL when no DSN
is configured, applies the centre migrations as the database owner (the owner
connection is then closed: a workstation never keeps it), and opens the
application-role pool.  Nothing here runs at import time.

``login`` turns a user number and password into a ``Session`` (every action of
the services goes through one).  The password never leaves this process: it is
turned into an argon2id proof with the user's salt and parameters, which the
database compares with the stored ``sha256(proof)``.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from pathlib import Path
from typing import Any

import psycopg

from common.db.migrate import migrate
from common.i18n import translator

from . import passwords
from ._db import Database, translate_error
from .errors import CentreUnavailable, InvalidValue, LoginRefused
from .session import Session
from .values import CentreIdentity

tr = translator("centre")

APP_ROLE = "ecr_app"
_CENTRE_CODE = re.compile(r"^[0-9]{6}$")


class Centre:
    """One registration centre's database, seen from one workstation."""

    def __init__(self, db: Database, identity: CentreIdentity, home: Path | None,
                 workstation: str) -> None:
        self._db = db
        self.identity = identity
        self.home = home
        self.workstation = workstation

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, home: str | Path | None = None, dsn: str | None = None, *,
             workstation: str | None = None) -> Centre:
        """Open an initialised centre.

        ``dsn`` is the database OWNER's DSN (migrations are applied with it); when
        None, the home folder's settings give it, or the embedded server is
        started.  Raises ``CentreUnavailable`` when the database cannot be reached
        or holds no centre (run ``ecr init``).
        """
        from . import _home

        home_path = _home.resolve(home)
        owner_dsn = dsn or _home.owner_dsn(home_path)
        app_password = _home.app_password(home_path, create=False)
        _prepare_database(owner_dsn, app_password)
        db = Database(app_dsn(owner_dsn, app_password))
        try:
            identity = _identity(db)
        except Exception:
            db.close()
            raise
        return cls(db, identity, home_path, workstation or default_workstation())

    @classmethod
    def init(cls, home: str | Path | None, centre_code: str, name: str, officer_number: int,
             officer_name: str, officer_password: str, dsn: str | None = None, *,
             workstation: str | None = None) -> Centre:
        """Create a centre: schema, identity, and its one officer.

        Refuses a code that is not 6 digits, a weak password, and a database that
        already holds a centre.  Returns the opened centre.
        """
        from . import _home

        if not isinstance(centre_code, str) or not _CENTRE_CODE.match(centre_code):
            raise InvalidValue(tr("A centre code is exactly 6 digits"), field="centre",
                               rule="bad_centre_code")
        if not name.strip():
            raise InvalidValue(tr("The centre's name is required"), field="name", rule="required")
        if not officer_name.strip():
            raise InvalidValue(tr("The officer's name is required"), field="officer_name",
                               rule="required")
        passwords.check_password_rules(officer_password)
        home_path = _home.resolve(home)
        owner_dsn = dsn or _home.owner_dsn(home_path)
        app_password = _home.app_password(home_path, create=True)
        _prepare_database(owner_dsn, app_password)
        salt = passwords.new_salt()
        params = passwords.DEFAULT_PARAMS
        proof = passwords.login_proof(officer_password, salt, params)
        try:
            with psycopg.connect(owner_dsn, autocommit=True) as conn:
                conn.execute(
                    "SELECT ecr.init_centre(%s, %s, %s, %s, %s, %s::jsonb, %s)",
                    (centre_code, name.strip(), officer_number, officer_name.strip(), salt,
                     _json(params.as_dict()), proof))
        except psycopg.Error as exc:
            translated = translate_error(exc)
            if translated is not None:
                raise translated from exc
            raise
        if dsn is not None:
            _home.remember_dsn(home_path, dsn)
        return cls.open(home_path, owner_dsn, workstation=workstation)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Centre:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ login
    def login(self, number: int, password: str, workstation: str | None = None) -> Session:
        """Open a session for user ``number``.

        Raises ``LoginRefused`` with rule ``wrong_password`` (also for an unknown
        number: numbers cannot be enumerated), ``user_locked`` (5 consecutive
        failures; the officer unlocks) or ``user_suspended`` (privilege 0).
        """
        params_row = self._db.row("SELECT * FROM ecr.login_parameters(%s)", (int(number),))
        params = passwords.KdfParams(int(params_row["time_cost"]), int(params_row["memory_cost"]),
                                     int(params_row["parallelism"]))
        proof = passwords.login_proof(password, bytes(params_row["salt"]), params)
        where = workstation or self.workstation
        row = self._db.row("SELECT * FROM ecr.open_session(%s, %s, %s)",
                           (int(number), proof, where))
        outcome = row["outcome"]
        if outcome != "ok":
            messages = {
                "wrong_password": tr("Wrong user number or password"),
                "user_locked": tr("This account is locked after too many failed logins: "
                                  "ask the officer to unlock it"),
                "user_suspended": tr("This user is suspended"),
            }
            raise LoginRefused(messages.get(outcome, outcome), field="password"
                               if outcome == "wrong_password" else "number", rule=outcome)
        return Session(self._db, row["token"], where, self.identity)

    def public_identity(self) -> CentreIdentity:
        """The centre's code and name (shown on the login window; no login needed)."""
        return _identity(self._db)


# -------------------------------------------------------------------- helpers
def default_workstation() -> str:
    return os.environ.get("ECR_WORKSTATION") or socket.gethostname() or "workstation"


def app_dsn(owner_dsn: str, app_password: str | None) -> str:
    """The application role's DSN: the owner's, with user ``ecr_app``."""
    params: dict[str, Any] = psycopg.conninfo.conninfo_to_dict(owner_dsn)
    params["user"] = APP_ROLE
    params.pop("password", None)
    if app_password:
        params["password"] = app_password
    params.setdefault("application_name", "ecr")
    return psycopg.conninfo.make_conninfo(**params)


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def _prepare_database(owner_dsn: str, app_password: str | None) -> None:
    """Apply migrations as owner; give ``ecr_app`` the home's password when there is one."""
    try:
        with psycopg.connect(owner_dsn, autocommit=True, connect_timeout=10) as conn:
            migrate(conn, "centre")  # type: ignore[arg-type]
            if app_password:
                conn.execute(psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    psycopg.sql.Identifier(APP_ROLE), psycopg.sql.Literal(app_password)))
    except psycopg.OperationalError as exc:
        raise CentreUnavailable(
            tr("The centre database cannot be reached: {reason}", reason=str(exc).strip()),
            rule="database_unavailable") from exc


def _identity(db: Database) -> CentreIdentity:
    row = db.row("SELECT * FROM ecr.centre_identity()")
    if row["code"] is None:
        raise CentreUnavailable(tr("This database holds no centre yet: run ecr init"),
                                rule="not_initialised")
    return CentreIdentity(code=row["code"], name=row["name"])


def new_app_password() -> str:
    return secrets.token_urlsafe(24)
