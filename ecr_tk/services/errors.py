"""The centre services' refusals: what a person at a workstation may be told.

Every error the services raise on purpose derives from ``CentreError`` (itself a
``UserError``): its message is already translated (French by default) and names
the field and the rule.  Database errors are translated into these classes at the
adapter boundary (``ecr_tk.services._db``): a caller never sees a psycopg
exception for a refusal, only for a bug.
"""

from __future__ import annotations

from common.errors import UserError


class CentreError(UserError):
    """Base of every refusal of the centre services."""


class LoginRefused(CentreError):
    """Login refused.  ``rule`` is ``wrong_password``, ``user_locked`` or ``user_suspended``."""


class SessionRefused(CentreError):
    """The session token is no longer good: ``session_expired``, ``session_closed``,
    ``session_unknown``.  The person must log in again."""


class PermissionRefused(CentreError):
    """The user's role does not permit the action (``action_not_permitted``) or the
    user was suspended while logged in (``user_suspended``)."""


class WorkflowRefused(CentreError):
    """The action is not allowed from the act's current status
    (``transition_not_allowed``): no skipped step, no change to a validated act."""


class ActNotFound(CentreError):
    """No act with that id, NIU or register number in this centre (``act_not_found``)."""


class InvalidAct(CentreError):
    """The act's data breaks a rule of the data dictionary.

    ``report`` is the full validation report (every issue, with field and rule);
    ``field``/``rule`` are those of the first error.
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = "invalid",
                 report: object = None) -> None:
        super().__init__(message, field=field, rule=rule)
        self.report = report

    def refusals(self) -> tuple[UserError, ...]:
        issues = getattr(self.report, "errors", ())
        found = tuple(UserError(i.message, field=i.field, rule=i.rule) for i in issues)
        return found or (self,)


class InvalidValue(CentreError):
    """A value given to a service is not acceptable (bad centre code, bad role,
    privilege out of range, unknown copy kind …)."""


class AmbiguousActReference(InvalidValue):
    """A register number given without its event type names acts of several types
    (``act_reference_ambiguous``); ``event_types`` lists them, so the person can
    choose one."""

    def __init__(self, message: str, *, event_types: tuple[str, ...] = (),
                 field: str | None = "type", rule: str = "act_reference_ambiguous") -> None:
        super().__init__(message, field=field, rule=rule)
        self.event_types = event_types


class Conflict(CentreError):
    """The change collides with the existing state (user number taken, too many
    secretaries, a second active officer …)."""


class CentreUnavailable(CentreError):
    """The centre's database cannot be reached or is not initialised."""
