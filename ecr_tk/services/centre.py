"""The composition root of a registration centre: ``Centre.open`` / ``Centre.init``.

A ``Centre`` owns the one pool of application-role connections a workstation
uses (the database's own role, ``ecr_app_<database>``: common.db.connect).
Opening it resolves the home folder, starts the embedded PostgreSQL when no DSN
is configured, applies the centre migrations as the database owner and makes
sure the application role exists with a password kept in the home (the owner
connection is then closed: a workstation never keeps it), and opens the
application-role pool.  Nothing here runs at import time.

``login`` turns a user number and password into a ``Session`` (every action of
the services goes through one).  The password never leaves this process: it is
turned into an argon2id proof with the user's salt and parameters, which the
database compares with the stored ``sha256(proof)``.
"""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path
from typing import Any

import psycopg

from common.db import migrate as migrations
from common.db.connect import (
    APP_ROLE,
    DatabaseConfig,
    DatabaseUnavailable,
    dsn_without_password,
    open_pool,
    owner_connection,
    set_role_password,
    store_role_password,
    stored_role_password,
)
from common.db.migrate import migrate
from common.errors import UserError
from common.i18n import translator
from common.pki.centre import create_centre_key
from ecr_tk.home import CentreHome, resolve_home

from . import passwords
from ._db import Database, translate_error
from .errors import CentreUnavailable, Conflict, InvalidValue, LoginRefused, PermissionRefused
from .session import Session
from .users import check_user_number
from .values import CentreIdentity, User

tr = translator("centre")

# One advisory lock for whoever makes the application role and its password.
_APP_ROLE_LOCK = 0x45435202
THROTTLE_MINUTES = 15  # ecr.open_session (migration 0411)
_CENTRE_CODE = re.compile(r"^[0-9]{6}$")


class Centre:
    """One registration centre's database, seen from one workstation."""

    def __init__(self, db: Database, identity: CentreIdentity, home: CentreHome | None,
                 config: DatabaseConfig, workstation: str) -> None:
        self._db = db
        self.identity = identity
        self.home = home
        self.config = config
        self.workstation = workstation

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, home: str | Path | None = None, dsn: str | None = None, *,
             workstation: str | None = None) -> Centre:
        """Open an initialised centre.

        The home folder (``home``, else ``ECR_HOME``, else the user's data folder)
        says where the database is; ``dsn`` overrides it (a home is then
        optional).  A standalone centre (embedded database: this PC is its
        server) applies the centre migrations first as the owner.  A networked
        centre is opened as the application role only, never as the owner: its
        schema is upgraded by the administrator (:func:`upgrade`, ``ecr db
        upgrade``), and a schema older or newer than this program is refused
        (``schema_upgrade_needed``, ``newer_schema``).  Raises
        ``CentreUnavailable`` (or the home's/database's own ``UserError``) when
        there is no centre or no database.
        """
        centre_home, config = _locate(home, dsn)
        if config.is_embedded:
            with owner_connection(config) as conn:
                _migrate(conn)
                _provide_app_role(conn, config)
        try:
            pool = open_pool(config, role=APP_ROLE, application_name="ecr")
        except DatabaseUnavailable as exc:
            if (exc.rule == "database_login_refused" and not _is_app_dsn(config)
                    and stored_role_password(config, APP_ROLE) is None):
                # this computer does not have the role's password (or the centre is
                # from before the database had its own role)
                raise CentreUnavailable(
                    tr("This computer has no password for the application role {role}: copy "
                       "keys/db/{role}.password from the centre's server, or run ecr db "
                       "upgrade there if the centre was made by an earlier version of ECR",
                       role=config.app_role), rule="app_role_password_missing") from exc
            raise
        db = Database(pool)
        try:
            if not config.is_embedded:
                _check_schema(db)
            identity = _identity(db)
        except BaseException:
            db.close()
            raise
        if workstation is None and centre_home is not None:
            workstation = centre_home.settings.get("workstation.name") or None
        return cls(db, identity, centre_home, config, workstation or default_workstation())

    @staticmethod
    def check_new_centre(centre_code: object, name: object, officer_number: object,
                         officer_name: object, officer_password: object) -> list[UserError]:
        """Every refusal of what a new centre is made of, in the order of the fields.

        ``init`` raises the first; the setup assistant shows them all at once, so
        that a person fixes the whole form in one go rather than one field a try.
        """
        problems: list[UserError] = []
        if not isinstance(centre_code, str) or not _CENTRE_CODE.match(centre_code):
            problems.append(InvalidValue(tr("A centre code is exactly 6 digits"),
                                         field="centre", rule="bad_centre_code"))
        if not isinstance(name, str) or not name.strip():
            problems.append(InvalidValue(tr("The centre's name is required"), field="name",
                                         rule="required"))
        if not isinstance(officer_number, int) or not 1 <= officer_number <= 999999:
            problems.append(InvalidValue(tr("A user number must be between 1 and 999999"),
                                         field="officer", rule="bad_number"))
        if not isinstance(officer_name, str) or not officer_name.strip():
            problems.append(InvalidValue(tr("The officer's name is required"),
                                         field="officer_name", rule="required"))
        try:
            passwords.check_password_rules(str(officer_password or ""))
        except UserError as exc:
            problems.append(exc)
        return problems

    @classmethod
    def init(cls, home: str | Path | None, centre_code: str, name: str, officer_number: int,
             officer_name: str, officer_password: str, dsn: str | None = None, *,
             workstation: str | None = None) -> Centre:
        """Create a centre: its home folder, its database schema and identity, its officer.

        Refuses a code that is not 6 digits, a weak password, a home that already
        holds a centre and a database that already holds one.  The home's
        settings are written last, so a failure leaves no half-made centre there.
        For a networked centre, ``dsn`` names the owner (this is the
        administrator's step); the home keeps the address and the application
        role's password, never the owner's password.  Returns the opened centre.
        """
        problems = cls.check_new_centre(centre_code, name, officer_number, officer_name,
                                        officer_password)
        if problems:
            raise problems[0]
        path = resolve_home(home)
        if CentreHome.exists(path):
            raise Conflict(tr("{path} already holds a centre", path=str(path)), field="home",
                           rule="centre_exists")
        config = (DatabaseConfig.networked(dsn, home=path) if dsn
                  else DatabaseConfig.embedded(path))
        salt = passwords.new_salt()
        params = passwords.DEFAULT_PARAMS
        proof = passwords.login_proof(officer_password, salt, params)
        with owner_connection(config) as conn:
            _migrate(conn)
            try:
                conn.execute(
                    "SELECT ecr.init_centre(%s, %s, %s, %s, %s, %s::jsonb, %s)",
                    (centre_code, name.strip(), officer_number, officer_name.strip(), salt,
                     json.dumps(params.as_dict()), proof))
            except psycopg.Error as exc:
                translated = translate_error(exc)
                if translated is not None:
                    raise translated from exc
                raise
            _provide_app_role(conn, config)
        # The owner's password served this command only: never kept in the home
        # (a workstation never holds it; owner steps on the server get it from
        # PGPASSWORD, ~/.pgpass or the server's own authentication).
        kept = config if config.is_embedded else DatabaseConfig.networked(
            dsn_without_password(config.dsn or ""), home=path)
        made = CentreHome.create(path, centre_code=centre_code, centre_name=name.strip(),
                                 database=kept, workstation=workstation)
        # The centre's own key (encrypted at rest) and certificate request, so that
        # ``ecr enroll`` can obtain its certificate from the SCEC.
        create_centre_key(made.folder("keys"), centre_code)
        # A new centre has used no sequence number: say so where backups do not
        # reach, so its transmitter need not ask the SCEC first (a restored
        # database in a fresh home has no such mark, and asks).
        from ecr_tk.transmission import highwater

        highwater.raise_to(made.folder("t2d"), centre_code, 0)
        return cls.open(path, workstation=workstation)

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
        failures; the officer unlocks, an officer's lock expires after 15
        minutes, the owner can unlock anyone), ``user_suspended`` (privilege 0)
        or ``too_many_attempts`` (30 refused logins from this address within 15
        minutes: nothing was checked).
        """
        number = check_user_number(number)
        params_row = self._db.row("SELECT * FROM ecr.login_parameters(%s)", (number,))
        params = passwords.KdfParams(int(params_row["time_cost"]), int(params_row["memory_cost"]),
                                     int(params_row["parallelism"]))
        if not passwords.params_within_bounds(params):
            # stored before the database bounded them (migration 0411): computing
            # the proof could exhaust this computer's memory
            raise LoginRefused(tr("This account's password settings are out of bounds: "
                                  "ask the officer to set a new password"),
                               field="password", rule="bad_kdf")
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
                "too_many_attempts": tr(
                    "Too many refused logins from this workstation: try again in "
                    "{minutes} minutes", minutes=THROTTLE_MINUTES),
            }
            raise LoginRefused(messages.get(outcome, outcome), field="password"
                               if outcome == "wrong_password" else "number", rule=outcome)
        return Session(self._db, row["token"], where, self.identity)

    def public_identity(self) -> CentreIdentity:
        """The centre's code and name (shown on the login window; no login needed)."""
        return _identity(self._db)


# ------------------------------------------------------------ administration
def upgrade(home: str | Path | None, dsn: str | None = None) -> dict[str, Any]:
    """Apply the centre migrations and make the application role, as the owner.

    The administrator's step for a networked centre (``ecr db upgrade``), run
    where the owner's access is: the centre's server, or with ``dsn`` naming
    the owner (its password from ``PGPASSWORD``, ``~/.pgpass`` or the DSN; never
    kept).  Workstations never do it.  Returns the migrations applied and the
    application role.
    """
    _centre_home, config = _locate(home, dsn)
    if _is_app_dsn(config):
        raise PermissionRefused(
            tr("Only the database owner may upgrade the centre database: run the command on "
               "the centre's server, with --db naming the owner"), field="db",
            rule="owner_required")
    with owner_connection(config) as conn:
        applied = _migrate(conn)
        role = _provide_app_role(conn, config)
    return {"applied": applied, "app_role": role}


# ----------------------------------------------------------------- recovery
def owner_unlock(home: str | Path | None, number: int, dsn: str | None = None) -> User:
    """Unlock user ``number`` as the database owner, without any user's session.

    The way back when the officer is locked out (``ecr user unlock N
    --as-owner``): run where the owner's access is, the standalone PC or the
    centre's server (``dsn`` naming the owner).  It also lifts every address
    throttle, and is audited with the system account and machine that ran it.
    """
    _centre_home, config = _locate(home, dsn)
    if _is_app_dsn(config):
        raise PermissionRefused(
            tr("Only the database owner may unlock this way: run the command on the centre's "
               "server, with --db naming the owner"), field="as_owner", rule="owner_required")
    by = f"{_system_account()}@{socket.gethostname()}"
    with owner_connection(config) as conn:
        _migrate(conn)
        try:
            row = conn.execute("SELECT number, name, role, privilege, locked "
                               "FROM ecr.owner_unlock(%s, %s)", (int(number), by)).fetchone()
        except psycopg.Error as exc:
            translated = translate_error(exc)
            if translated is not None:
                raise translated from exc
            raise
    assert row is not None
    return User(number=row[0], name=row[1], role=row[2], privilege=row[3], locked=row[4])


# -------------------------------------------------------------------- helpers
def _locate(home: str | Path | None, dsn: str | None) -> tuple[CentreHome | None,
                                                                 DatabaseConfig]:
    """The centre's home (None when only a DSN is given) and where its database is."""
    if dsn is not None and not CentreHome.exists(home):
        return None, DatabaseConfig.networked(dsn, home=None)
    centre_home = CentreHome.open(home)
    config = (DatabaseConfig.networked(dsn, home=centre_home.path) if dsn
              else centre_home.database_config())
    return centre_home, config


def _system_account() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def default_workstation() -> str:
    return os.environ.get("ECR_WORKSTATION") or socket.gethostname() or "workstation"


def _is_app_dsn(config: DatabaseConfig) -> bool:
    """A DSN naming the application role (this database's, or the shared one of
    earlier versions): a workstation that never migrates."""
    if config.dsn is None:
        return False
    return psycopg.conninfo.conninfo_to_dict(config.dsn).get("user") == config.app_role


def _provide_app_role(conn: psycopg.Connection[Any], config: DatabaseConfig) -> str:
    """Make this database's application role (``ecr._ensure_app_role``) and give it a
    password kept in the home, unless it has one already; return its name.

    Under an advisory lock, so two programs opening the centre at once set one
    password.  An existing password is never replaced behind the other
    workstations' backs, except on an embedded server (private to its home).
    A DSN without a home keeps libpq's means (``.pgpass``, ``PGPASSWORD``).
    """
    folder = config.secrets_dir
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_APP_ROLE_LOCK,))
        row = conn.execute("SELECT role, needs_password FROM ecr._ensure_app_role()"
                           ).fetchone()
        assert row is not None
        role, needs_password = str(row[0]), bool(row[1])
        if folder is None:
            return role
        have = stored_role_password(config, role) is not None
        if needs_password or (config.is_embedded and not have):
            password = set_role_password(conn, role)
            conn.execute("SELECT ecr._app_role_password_set()")
            store_role_password(folder, role, password)  # before the commit: never lost
        elif not have:
            raise CentreUnavailable(
                tr("The password of the application role {role} is not on this computer: copy "
                   "keys/db/{role}.password from the computer that created the centre",
                   role=role), rule="app_role_password_missing")
    legacy = folder / f"{APP_ROLE}.password"
    if role != APP_ROLE and legacy.exists():
        legacy.unlink()  # the shared role of earlier versions: no longer a way in
    return role


def _migrate(conn: psycopg.Connection[object]) -> list[str]:
    try:
        return migrate(conn, "centre")
    except psycopg.OperationalError as exc:
        raise CentreUnavailable(
            tr("The centre database cannot be reached: {reason}", reason=str(exc).strip()),
            rule="database_unavailable") from exc


def _check_schema(db: Database) -> None:
    """Refuse a networked centre's schema that is not this program's (seen as the app role)."""
    known = {m.version for m in migrations.load_migrations("centre")}
    try:
        applied = set(db.value("SELECT ecr.schema_versions('centre')") or ())
    except psycopg.errors.UndefinedFunction:
        applied = set()  # older than migration 0413
    newer = {v for v in applied - known if v > max(known)}
    if newer:
        raise CentreUnavailable(
            tr("This database was upgraded by a newer version of ECR: use that version or a "
               "newer one on this workstation"), rule="newer_schema")
    if known - applied:
        raise CentreUnavailable(
            tr("The centre database must be upgraded by the administrator before this version "
               "of ECR can use it: run ecr db upgrade on the centre's server"),
            rule="schema_upgrade_needed")


def _identity(db: Database) -> CentreIdentity:
    row = db.row("SELECT * FROM ecr.centre_identity()")
    if row["code"] is None:
        raise CentreUnavailable(tr("This database holds no centre yet: run ecr init"),
                                rule="not_initialised")
    return CentreIdentity(code=row["code"], name=row["name"])
