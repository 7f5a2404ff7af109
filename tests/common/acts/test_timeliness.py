"""Timeliness categories at their boundaries, with national deadlines per event type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from common.acts.errors import ActsError
from common.acts.rules import Deadline, RegistrationRules
from common.acts.timeliness import categorize

EVENT = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "current"), (1, "current"), (30, "current"), (31, "late"), (365, "late"),
     (366, "delayed"), (5000, "delayed")],
)  # fmt: skip
def test_default_deadlines_are_30_and_365_days(days: int, expected: str) -> None:
    assert categorize("birth", EVENT, EVENT + timedelta(days=days)) == expected


def test_deadlines_are_settable_per_event_type() -> None:
    rules = RegistrationRules(deadlines={"death": Deadline(current_days=3, late_days=30)})
    assert categorize("death", EVENT, EVENT + timedelta(days=3), rules) == "current"
    assert categorize("death", EVENT, EVENT + timedelta(days=4), rules) == "late"
    assert categorize("death", EVENT, EVENT + timedelta(days=31), rules) == "delayed"
    assert categorize("birth", EVENT, EVENT + timedelta(days=31), rules) == "late"


def test_a_registration_before_the_event_is_refused() -> None:
    with pytest.raises(ActsError) as err:
        categorize("birth", EVENT, EVENT - timedelta(days=1))
    assert err.value.rule == "registered_before_occurrence"


def test_a_deadline_cannot_be_inverted() -> None:
    with pytest.raises(ValueError):
        Deadline(current_days=40, late_days=30)
