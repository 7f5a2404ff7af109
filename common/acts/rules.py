"""National registration settings (P&R Rev.3 leaves them to national law).

A ``RegistrationRules`` value is passed to the validator and to
``timeliness.categorize``; the centre's settings build one, tests build others.
Defaults are those of VITAL_EVENTS.md §3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Deadline:
    """Registration within ``current_days`` of the event is *current*, within
    ``late_days`` *late*, beyond that *delayed* (a court decision is required)."""

    current_days: int = 30
    late_days: int = 365

    def __post_init__(self) -> None:
        if not 0 <= self.current_days <= self.late_days:
            raise ValueError("a deadline needs 0 <= current_days <= late_days")


@dataclass(frozen=True)
class RegistrationRules:
    """The settings the validator applies; all have the documented defaults."""

    marriage_min_age: int = 18
    polygamy_allowed: bool = False
    matrimonial_regime_applies: bool = True
    #: Per event type; an event not listed uses ``default_deadline``.
    deadlines: Mapping[str, Deadline] = field(default_factory=lambda: MappingProxyType({}))
    default_deadline: Deadline = Deadline()
    # Mother's age at a birth or foetal death: refused outside
    # [refused_below, refused_above], warned outside [warned_below, warned_above].
    mother_age_refused_below: int = 10
    mother_age_warned_below: int = 15
    mother_age_warned_above: int = 49
    mother_age_refused_above: int = 60
    # A death may be marked pregnancy-related only for a woman of these ages.
    pregnancy_related_min_age: int = 15
    pregnancy_related_max_age: int = 49

    def deadline(self, event_key: str) -> Deadline:
        return self.deadlines.get(event_key, self.default_deadline)


DEFAULT_RULES = RegistrationRules()
