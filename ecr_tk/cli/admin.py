"""``ecr init``, ``ecr demo``, ``ecr audit verify``, ``ecr backup``, ``ecr restore``,
``ecr db upgrade`` (the administrator's step of a networked centre).

Also the helpers every centre command uses: open the centre of ``--home``
(``--db`` overrides its database) and log the ``--as`` user in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import add_actor_option, emit, read_password

if TYPE_CHECKING:  # imported where used: ``ecr --help`` imports no database code
    from ecr_tk.services import Centre, Session

tr = translator("centre")


DB_PASSWORD_ENV = "ECR_DB_PASSWORD"  # noqa: S105 (a variable name)
BACKUP_PASSPHRASE_ENV = "ECR_BACKUP_PASSPHRASE"  # noqa: S105 (a variable name)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, metavar="DSN", type=_dsn_argument,
                        help=tr("PostgreSQL DSN of the centre database (default: the home's); "
                                "its password, if any, from ECR_DB_PASSWORD"))


def _dsn_argument(value: str) -> str:
    """``--db``: never with a password (``ps`` shows every argument to every local user).

    The password comes from ``ECR_DB_PASSWORD`` (or a prompt, for ``init`` and
    ``restore``) and joins the DSN in memory only.
    """
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(value)
    except psycopg.ProgrammingError:  # DatabaseConfig names what is wrong with it
        return value
    if "password" in params:
        raise argparse.ArgumentTypeError(tr(
            "the DSN must not hold the password: every user of this PC can read a command "
            "line (ps). Set {env} or type the password when asked", env=DB_PASSWORD_ENV))
    password = os.environ.get(DB_PASSWORD_ENV)
    return make_conninfo(value, password=password) if password else value


def _with_owner_password(dsn: str | None) -> str | None:
    """Ask for the database owner's password when none was given and someone is typing."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    if dsn is None or not sys.stdin.isatty() or "password" in conninfo_to_dict(dsn):
        return dsn
    import getpass

    typed = getpass.getpass(tr("Password of the database owner (Enter if none): "))
    return make_conninfo(dsn, password=typed) if typed else dsn


def backup_passphrase(*, confirm: bool) -> str:
    """The backup passphrase: ``ECR_BACKUP_PASSPHRASE``, a prompt, else the next stdin line."""
    value = os.environ.get(BACKUP_PASSPHRASE_ENV)
    if value is not None:
        return value
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(tr("Backup passphrase: "))
        if confirm and getpass.getpass(tr("The same passphrase again: ")) != value:
            raise UserError(tr("The two passphrases differ: nothing was written"),
                            field="passphrase", rule="mismatch")
        return value
    line = sys.stdin.readline()
    if not line:
        raise UserError(tr("No backup passphrase given: set ECR_BACKUP_PASSPHRASE or write it "
                           "on standard input (after the officer's password for a backup)"),
                        field="passphrase", rule="required")
    return line.rstrip("\r\n")


@contextmanager
def opened_centre(args: argparse.Namespace) -> Iterator[Centre]:
    from ecr_tk.services import Centre

    centre = Centre.open(args.home, getattr(args, "db", None), workstation=args.workstation)
    try:
        yield centre
    finally:
        centre.close()


@contextmanager
def session(args: argparse.Namespace) -> Iterator[Session]:
    """The ``--as`` user's session (password from ECR_PASSWORD or stdin), closed after."""
    password = read_password()
    with opened_centre(args) as centre:
        s = centre.login(args.actor, password)
        try:
            yield s
        finally:
            s.logout()


def new_password() -> str:
    """A password being set: ``ECR_NEW_PASSWORD``, else the next line of stdin."""
    value = os.environ.get("ECR_NEW_PASSWORD")
    if value is not None:
        return value
    line = sys.stdin.readline()
    if not line:
        raise UserError(tr("No new password given: set ECR_NEW_PASSWORD or write it on "
                           "standard input after the acting user's password"),
                        field="new_password", rule="required")
    return line.rstrip("\r\n")


def register(sub: Any) -> None:
    p = sub.add_parser("init", help=tr("create a centre: home folder, database, officer"))
    p.add_argument("--centre", required=True, metavar="CODE", help=tr("6-digit centre code"))
    p.add_argument("--name", required=True, help=tr("the centre's name"))
    p.add_argument("--officer", required=True, type=int, metavar="NUMBER",
                   help=tr("the officer's user number"))
    p.add_argument("--officer-name", required=True, help=tr("the officer's name"))
    add_db_option(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help=tr("a ready-to-explore centre with users and sample acts"))
    p.add_argument("--acts", type=int, default=200, metavar="N",
                   help=tr("how many generated acts (default 200)"))
    p.add_argument("--seed", type=int, default=1)
    add_db_option(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("audit", help=tr("the audit trail"))
    audit_sub = p.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    v = audit_sub.add_parser("verify", help=tr("recompute the audit hash chain"))
    add_actor_option(v)
    add_db_option(v)
    v.set_defaults(handler=cmd_audit_verify)

    p = sub.add_parser("backup", help=tr("back up the centre (database and home) to one file, "
                                         "sealed with a passphrase (ECR_BACKUP_PASSPHRASE)"))
    p.add_argument("file", nargs="?", default=None, help=tr("archive to write"))
    add_actor_option(p)
    add_db_option(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("db", help=tr("the centre database (administrator)"))
    db_sub = p.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    u = db_sub.add_parser("upgrade", help=tr("upgrade the centre database's schema and its "
                                             "application role, as the owner (on the server)"))
    add_db_option(u)
    u.set_defaults(handler=cmd_db_upgrade)
    t = db_sub.add_parser("tls-setup", help=tr(
        "make the database server's TLS key and certificate, the root to give to "
        "workstations, and the PostgreSQL configuration lines (on the server)"))
    t.add_argument("--server-name", action="append", required=True, metavar="NAME",
                   help=tr("a name or IP address by which workstations reach the server "
                           "(repeat for several)"))
    t.add_argument("--centre", metavar="CODE", default=None,
                   help=tr("6-digit centre code (default: the home's)"))
    t.add_argument("--out", required=True, metavar="FOLDER",
                   help=tr("folder to write the files to (created, readable by you only)"))
    t.set_defaults(handler=cmd_db_tls_setup)

    p = sub.add_parser("restore", help=tr("restore a backup into a new home and empty "
                                          "database (its passphrase: ECR_BACKUP_PASSPHRASE)"))
    p.add_argument("file", help=tr("archive to read"))
    add_db_option(p)
    p.set_defaults(handler=cmd_restore)


def cmd_init(args: argparse.Namespace) -> int:
    from ecr_tk.services import Centre

    password = read_password(tr("Officer's password: "))
    dsn = _with_owner_password(args.db)
    with Centre.init(args.home, args.centre, args.name, args.officer, args.officer_name,
                     password, dsn=dsn, workstation=args.workstation) as centre:
        home = centre.home.path if centre.home else None
        payload = {"centre": centre.identity.code, "name": centre.identity.name,
                   "officer": args.officer, "home": str(home)}
    emit(args, payload, tr("Centre {code} ({name}) created in {home}; officer {officer}",
                           code=payload["centre"], name=payload["name"], home=home,
                           officer=args.officer))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with session(args) as s:
        report = s.audit.verify()
    if report.ok:
        text = tr("Audit trail intact: {n} entries checked", n=report.rows_checked)
    else:
        text = tr("Audit trail BROKEN at entry {seq} ({reason})", seq=report.first_broken_seq,
                  reason=report.reason)
    emit(args, report.as_dict(), text)
    return 0 if report.ok else 3


def cmd_backup(args: argparse.Namespace) -> int:
    from common.db.backup import backup

    password = read_password()
    with opened_centre(args) as centre:
        with centre.login(args.actor, password) as s:
            if not s.can("settings.change"):
                raise UserError(tr("Only the officer backs up the centre"), field="as",
                                rule="action_not_permitted")
        config = centre.config
        folder = centre.home.folder("backups") if centre.home else Path.cwd()
        code = centre.identity.code
    passphrase = backup_passphrase(confirm=True)
    if passphrase == password:
        raise UserError(tr("The backup passphrase must not be the officer's password: a "
                           "backup often leaves the office, the password must not"),
                        field="passphrase", rule="same_as_password")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.file) if args.file else folder / f"ecr-{code}-{stamp}.ecrbackup"
    manifest = backup(config, out, passphrase)
    emit(args, {"file": str(out), "centre": manifest.centre_code,
                "files": len(manifest.files)}, tr("Backup written to {path}", path=out))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from ecr_tk.services.centre import upgrade

    done = upgrade(args.home, _with_owner_password(args.db))
    applied = done["applied"]
    text = (tr("{n} migration(s) applied: {names}; application role {role}", n=len(applied),
               names=", ".join(applied), role=done["app_role"]) if applied else
            tr("The centre database is up to date; application role {role}",
               role=done["app_role"]))
    emit(args, done, text)
    return 0


def cmd_db_tls_setup(args: argparse.Namespace) -> int:
    from common.db.tls_server import write_server_files
    from ecr_tk.home import CentreHome

    code = args.centre or CentreHome.open(args.home).settings.values["centre.code"]
    made = write_server_files(Path(args.out), str(code), args.server_name)
    payload = {"folder": str(made.folder), "key": str(made.key),
               "certificate": str(made.certificate), "root": str(made.root),
               "postgresql_conf": str(made.conf), "pg_hba": str(made.hba),
               "not_after": made.not_after, "server_names": args.server_name}
    emit(args, payload, "\n".join([
        tr("Server key and certificate written to {folder} (valid until {date})",
           folder=made.folder, date=made.not_after),
        tr("1. Give the folder to the account PostgreSQL runs as: chown -R postgres {folder}",
           folder=made.folder),
        tr("2. Add to postgresql.conf: include '{conf}'", conf=made.conf),
        tr("3. Put the lines of {hba} at the top of pg_hba.conf, then reload PostgreSQL",
           hba=made.hba),
        tr("4. Give {root} to every workstation: sslmode=verify-full sslrootcert=FILE in "
           "its database address", root=made.root)]))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from common.db.backup import restore
    from common.db.connect import DatabaseConfig
    from ecr_tk.home import resolve_home
    from ecr_tk.services import Centre

    home = resolve_home(args.home)
    passphrase = backup_passphrase(confirm=False)
    dsn = _with_owner_password(args.db)
    config = (DatabaseConfig.networked(dsn, home=home) if dsn
              else DatabaseConfig.embedded(home))
    manifest = restore(config, Path(args.file), passphrase)
    from ecr_tk.services.centre import upgrade

    upgrade(home)  # the archive's schema brought up to this version, its role made
    with Centre.open(home, workstation=args.workstation) as centre:  # checks
        code = centre.identity.code
    emit(args, {"home": str(home), "centre": code, "created_at": manifest.created_at},
         tr("Centre {code} restored into {home}", code=code, home=home))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ecr_tk.services.demo import DEMO_PASSWORD, build_demo

    payload = build_demo(args.home, args.db, acts=args.acts, seed=args.seed,
                         workstation=args.workstation)
    lines = [tr("Demo centre {code} ready in {home}", code=payload["centre"],
                home=payload["home"]),
             tr("Log in with one of these users (password: {password}):",
                password=DEMO_PASSWORD)]
    from ecr_tk.labels import role_label, status_label

    lines += [f"  {u['number']:>3}  {role_label(u['role']):<10} {u['name']}"
              for u in payload["users"]]
    lines.append(tr("Acts: {counts}", counts=", ".join(
        f"{status_label(k)} {v}" for k, v in sorted(payload["acts_by_status"].items()))))
    emit(args, payload, "\n".join(lines))
    return 0
