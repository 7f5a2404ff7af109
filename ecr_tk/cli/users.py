"""``ecr user add|list|suspend|set-password|set-privilege|unlock``.

``ecr user unlock N --as-owner`` is the way back when the officer is locked
out: it needs the database owner's access (the standalone PC, or the server
with ``--db`` naming the owner), opens no session and is audited.

The acting user is ``--as NUMBER`` (password from ECR_PASSWORD or the first
line of stdin); a password being set comes from ECR_NEW_PASSWORD or the next
line of stdin, never from the command line (it would stay in shell history).
"""

from __future__ import annotations

import argparse
from typing import Any

from common.i18n import translator
from ecr_tk.cli import add_actor_option, emit
from ecr_tk.cli.admin import add_db_option, new_password, session
from ecr_tk.cli.columns import table_text
from ecr_tk.labels import role_label
from ecr_tk.services import User

tr = translator("centre")


def register(sub: Any) -> None:
    p = sub.add_parser("user", help=tr("users of the centre (officer)"))
    s = p.add_subparsers(dest="user_command", metavar="COMMAND", required=True)

    a = s.add_parser("add", help=tr("add a user (password from ECR_NEW_PASSWORD or stdin)"))
    a.add_argument("number", type=int)
    a.add_argument("--name", required=True)
    a.add_argument("--role", required=True, choices=("officer", "secretary", "agent"))
    a.add_argument("--privilege", type=int, default=1)
    a.set_defaults(handler=cmd_add)

    a = s.add_parser("list", help=tr("list the users"))
    a.set_defaults(handler=cmd_list)

    a = s.add_parser("suspend", help=tr("suspend a user at once (privilege 0)"))
    a.add_argument("number", type=int)
    a.set_defaults(handler=cmd_suspend)

    a = s.add_parser("set-privilege", help=tr("set a user's privilege (0 suspends)"))
    a.add_argument("number", type=int)
    a.add_argument("privilege", type=int)
    a.set_defaults(handler=cmd_set_privilege)

    a = s.add_parser("set-password", help=tr("set a user's password (ECR_NEW_PASSWORD or stdin)"))
    a.add_argument("number", type=int)
    a.set_defaults(handler=cmd_set_password)

    for parser in s.choices.values():
        add_actor_option(parser)
        add_db_option(parser)

    a = s.add_parser("unlock", help=tr("unlock an account locked by failed logins"))
    a.add_argument("number", type=int)
    who = a.add_mutually_exclusive_group(required=True)
    who.add_argument("--as", dest="actor", type=int, metavar="NUMBER",
                     help=tr("user number acting (password from ECR_PASSWORD or stdin)"))
    who.add_argument("--as-owner", action="store_true",
                     help=tr("as the database owner, without a session: on the standalone PC "
                             "or the centre's server, when the officer is locked out"))
    add_db_option(a)
    a.set_defaults(handler=cmd_unlock)


def _table(users: list[User]) -> str:
    def state(u: User) -> str:
        return (tr("suspended") if u.privilege == 0 else
                tr("locked") if u.locked else tr("active"))

    return table_text((tr("Number"), tr("Role"), tr("Privilege"), tr("State"), tr("Name")),
                      [(u.number, role_label(u.role), u.privilege, state(u), u.name)
                       for u in users], right={0, 2})


def cmd_add(args: argparse.Namespace) -> int:
    with session(args) as s:
        user = s.users.add(args.number, args.name, args.role, new_password(),
                           privilege=args.privilege)
    emit(args, user.as_dict(), tr("User {number} added", number=user.number))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with session(args) as s:
        users = s.users.list()
    emit(args, [u.as_dict() for u in users], _table(users))
    return 0


def cmd_suspend(args: argparse.Namespace) -> int:
    with session(args) as s:
        user = s.users.suspend(args.number)
    emit(args, user.as_dict(), tr("User {number} suspended", number=user.number))
    return 0


def cmd_set_privilege(args: argparse.Namespace) -> int:
    with session(args) as s:
        user = s.users.set_privilege(args.number, args.privilege)
    emit(args, user.as_dict(), tr("User {number} now has privilege {privilege}",
                                  number=user.number, privilege=user.privilege))
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    with session(args) as s:
        s.users.set_password(args.number, new_password())
    emit(args, {"number": args.number, "password_set": True},
         tr("Password of user {number} changed", number=args.number))
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    if args.as_owner:
        from ecr_tk.cli.admin import _with_owner_password
        from ecr_tk.services.centre import owner_unlock

        user = owner_unlock(args.home, args.number, _with_owner_password(args.db))
        emit(args, user.as_dict(), tr("User {number} unlocked by the database owner",
                                      number=user.number))
        return 0
    with session(args) as s:
        user = s.users.unlock(args.number)
    emit(args, user.as_dict(), tr("User {number} unlocked", number=user.number))
    return 0
