"""Users of a centre: add, list, privilege (0 suspends at once), password, unlock.

The officer manages users; every user may change their own password.  Limits
(one active officer, up to 19 secretaries and 19 agents) are enforced in SQL.
Passwords are turned into argon2id proofs here; the database stores only
``sha256(proof)`` with the salt and cost parameters.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from common.i18n import translator

from . import passwords, permissions
from .errors import InvalidValue
from .values import User

if TYPE_CHECKING:
    from ._db import Database
    from .session import Session

tr = translator("centre")

MAX_PRIVILEGE = 9
MAX_USER_NUMBER = 999_999


class UsersService:
    def __init__(self, db: Database, token: uuid.UUID, session: Session) -> None:
        self._db = db
        self._token = token
        self._session = session

    def add(self, number: int, name: str, role: str, password: str, *,
            privilege: int = 1) -> User:
        """Create a user (officer).  Refuses a taken number, a full role, a weak password."""
        if role not in permissions.ROLES:
            raise InvalidValue(tr("Unknown role {role}: choose officer, secretary or agent",
                                  role=role), field="role", rule="bad_role")
        if not name or not name.strip():
            raise InvalidValue(tr("The user's name is required"), field="name", rule="required")
        check_user_number(number)
        _check_privilege(privilege)
        passwords.check_password_rules(password)
        salt, params, proof = _proof(password)
        row = self._db.row(
            "SELECT * FROM ecr.user_add(%s, %s, %s, %s, %s, %s, %s::jsonb, %s)",
            (self._token, number, name.strip(), role, privilege, salt, params, proof))
        return _user(row)

    def list(self) -> list[User]:
        """Every user of the centre, by number (officer)."""
        return [_user(r) for r in self._db.rows("SELECT * FROM ecr.user_list(%s)", (self._token,))]

    def set_privilege(self, number: int, privilege: int) -> User:
        """Change a user's privilege (officer); 0 suspends: their open sessions are
        refused from their next action."""
        check_user_number(number)
        _check_privilege(privilege)
        return _user(self._db.row("SELECT * FROM ecr.user_set_privilege(%s, %s, %s)",
                                  (self._token, number, privilege)))

    def suspend(self, number: int) -> User:
        """Suspend a user at once (privilege 0)."""
        return self.set_privilege(number, 0)

    def set_password(self, number: int, password: str) -> None:
        """Set a user's password: the officer for anyone, any user for themself.

        Clears failed attempts but not a lock (``unlock`` does).
        """
        check_user_number(number)
        passwords.check_password_rules(password)
        salt, params, proof = _proof(password)
        self._db.rows("SELECT ecr.user_set_password(%s, %s, %s, %s::jsonb, %s)",
                      (self._token, number, salt, params, proof))

    def unlock(self, number: int) -> User:
        """Unlock an account locked by failed logins (officer)."""
        check_user_number(number)
        return _user(self._db.row("SELECT * FROM ecr.user_unlock(%s, %s)", (self._token, number)))


def check_user_number(number: object, field: str = "number") -> int:
    """``number`` if it can be a user number (1 to 999999), else ``InvalidValue``."""
    if isinstance(number, bool) or not isinstance(number, int) \
            or not 1 <= number <= MAX_USER_NUMBER:
        raise InvalidValue(tr("A user number must be between 1 and 999999"), field=field,
                           rule="bad_number")
    return number


def _check_privilege(privilege: int) -> None:
    if not isinstance(privilege, int) or not 0 <= privilege <= MAX_PRIVILEGE:
        raise InvalidValue(tr("Privilege must be between 0 and 9"), field="privilege",
                           rule="bad_privilege")


def _proof(password: str) -> tuple[bytes, str, bytes]:
    salt = passwords.new_salt()
    params = passwords.DEFAULT_PARAMS
    return salt, json.dumps(params.as_dict()), passwords.login_proof(password, salt, params)


def _user(row: dict[str, object]) -> User:
    return User(number=int(row["number"]), name=str(row["name"]), role=str(row["role"]),  # type: ignore[call-overload]
                privilege=int(row["privilege"]), locked=bool(row["locked"]))  # type: ignore[call-overload]
