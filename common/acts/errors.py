"""The refusals of the acts layer, all ``UserError``: shown to people as they are.

Each carries the dotted path of the field at fault (or ``None``) and a stable rule
key; the message is already translated (French by default) when raised.
"""

from __future__ import annotations

from common.errors import UserError


class ActsError(UserError):
    """Base of every refusal raised by ``common.acts``."""


class UnknownEventType(ActsError):
    """An event type key that is not one of the ten (rule ``unknown_event_type``)."""


class InvalidNiu(ActsError):
    """A NIU that is malformed (``niu_format``) or fails its check digits (``niu_check_digits``)."""


class InvalidActJson(ActsError):
    """Act JSON that cannot be read: syntax, shape, size (rules ``json_*``)."""


class ActInvalid(ActsError):
    """An act whose data fails validation; ``report`` holds every problem found."""

    def __init__(self, message: str, *, field: str | None, rule: str, report: object) -> None:
        super().__init__(message, field=field, rule=rule)
        self.report = report

    def refusals(self) -> tuple[UserError, ...]:
        problems = getattr(self.report, "errors", ())
        found = tuple(UserError(p.message(), field=p.path, rule=p.rule) for p in problems)
        return found or (self,)


class InvalidActReference(ActsError):
    """What was typed to name an act is neither a NIU nor a register number
    ``n/yyyy`` (rule ``bad_act_reference``); a bare number such as ``108`` is
    refused so, since it names nothing a person can see."""
