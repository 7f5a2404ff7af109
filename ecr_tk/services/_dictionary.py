"""The services' one door to the data dictionary (``common.acts``, owned by H1).

Everything the services need from the dictionary goes through here: validation
reports, the principal person's summary, person search keys, timeliness, the
duplicate keys of VITAL_EVENTS.md §3, and the text of marginal mentions.  No
field of an act is named in this module beyond what the dictionary exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common.i18n import translator

from .values import CheckReport

if TYPE_CHECKING:
    from .settings import Rules

tr = translator("centre")


@dataclass(frozen=True)
class DuplicateKeys:
    principal_key: str
    principal_date: dt.date | None
    mother_key: str | None


@dataclass(frozen=True)
class Derived:
    """What is computed from an act's data and stored beside it."""

    report: CheckReport
    summary: Mapping[str, Any]
    person_keys: tuple[Mapping[str, str], ...]
    occurred_on: dt.date | None
    timeliness: str | None
    duplicate: DuplicateKeys | None
    links: tuple[Mapping[str, str], ...] = field(default_factory=tuple)

    def for_sql(self) -> dict[str, Any]:
        dup = self.duplicate
        return {
            "summary": dict(self.summary),
            "person_keys": [dict(k) for k in self.person_keys],
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "timeliness": self.timeliness,
            "principal_key": dup.principal_key if dup else None,
            "principal_date": dup.principal_date.isoformat() if dup and dup.principal_date
            else None,
            "mother_key": dup.mother_key if dup else None,
        }


def check(event_type: str, data: Mapping[str, Any], registered_on: dt.date,
          rules: Rules) -> CheckReport:
    """Validate without saving."""
    raise NotImplementedError("waiting for common.acts validation")


def derive(event_type: str, data: Mapping[str, Any], today: dt.date, rules: Rules) -> Derived:
    """Validate and compute the stored derived values."""
    raise NotImplementedError("waiting for common.acts validation and names")


def duplicate_keys(event_type: str, data: Mapping[str, Any]) -> DuplicateKeys | None:
    raise NotImplementedError("waiting for common.acts names")


def name_words(text: str) -> list[dict[str, str]]:
    """Search keys of each word of a typed name: ``[{"key": …, "phonetic": …}]``."""
    raise NotImplementedError("waiting for common.acts names")


def check_event_type(event_type: str) -> None:
    from common.acts.dictionary import event

    event(event_type)


_MENTION_TEXTS: Mapping[str, str] = {}


def mention_text(doc: Mapping[str, Any]) -> str:
    """The sentence of a marginal mention: its own text, or one made from the later act."""
    if doc.get("text"):
        return str(doc["text"])
    kind = str(doc.get("kind"))
    when = doc.get("event_date") or ""
    niu = doc.get("source_niu") or ""
    texts = {
        "marriage": tr("Married on {date} (act NIU {niu})", date=when, niu=niu),
        "divorce": tr("Divorced on {date} (act NIU {niu})", date=when, niu=niu),
        "annulment": tr("Marriage annulled on {date} (act NIU {niu})", date=when, niu=niu),
        "judicial_separation": tr("Judicially separated on {date} (act NIU {niu})", date=when,
                                  niu=niu),
        "death": tr("Died on {date} (act NIU {niu})", date=when, niu=niu),
        "recognition": tr("Recognised on {date} (act NIU {niu})", date=when, niu=niu),
        "adoption": tr("Adopted on {date} (act NIU {niu})", date=when, niu=niu),
        "legitimation": tr("Legitimated on {date} (act NIU {niu})", date=when, niu=niu),
    }
    return texts.get(kind, kind)
