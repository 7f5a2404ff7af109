"""Timeliness of a registration: current, late or delayed (VITAL_EVENTS.md §3).

The category is derived from the occurrence and registration dates and the
national deadlines for the event type, and stored with the act; statistics
tabulate its shares.  A delayed registration needs a court decision.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from common.acts.errors import ActsError
from common.acts.rules import DEFAULT_RULES, RegistrationRules
from common.i18n import translator

tr = translator("acts")

Timeliness = Literal["current", "late", "delayed"]
CATEGORIES: tuple[Timeliness, ...] = ("current", "late", "delayed")


def categorize(
    event_key: str,
    occurred_on: date,
    registered_on: date,
    rules: RegistrationRules = DEFAULT_RULES,
) -> Timeliness:
    """``"current"`` up to ``current_days`` after the event (inclusive), ``"late"``
    up to ``late_days``, ``"delayed"`` beyond.  A registration before the event
    is refused (``registered_before_occurrence``)."""
    days = (registered_on - occurred_on).days
    if days < 0:
        raise ActsError(
            tr("The registration date {registered} is before the date of occurrence {occurred}",
               registered=registered_on.isoformat(), occurred=occurred_on.isoformat()),
            field="occurred_on", rule="registered_before_occurrence",
        )  # fmt: skip
    deadline = rules.deadline(event_key)
    if days <= deadline.current_days:
        return "current"
    if days <= deadline.late_days:
        return "late"
    return "delayed"
