"""Everything derived from an act, in one pass: its report and the values stored beside it.

``derive`` walks the data once against the dictionary (``structure.walk``), runs
the plausibility rules on the typed values that walk found (which also gives
the registration's timeliness), and, when the act is valid, reads from the same
walk the summary of its persons, their search keys, the duplicate key of
VITAL_EVENTS.md §3 and its links to other acts by NIU.  Given the acts those
links name (``linked``), it checks them too (``validation.check_link``).

This is the reference of what the centre database computes itself, where no
client can change it: the SQL generated from the dictionary by
``tools/gen_act_sql.py`` (``ecr._act_derive``, migrations 0401–0403) gives the
same report errors and the same ``stored()`` values, and
``tests/centre/test_act_sql.py`` holds the two equal on a corpus.  The client
calls it for feedback before it sends anything; what the database keeps is
what the database derived.

Pure: no I/O; today's date, the registration date and the national rules are
passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from common.acts.dictionary import event
from common.acts.report import Report
from common.acts.rules import DEFAULT_RULES, RegistrationRules
from common.acts.summary import (
    ActSummary,
    DuplicateKey,
    PersonKey,
    duplicate_key_of,
    person_keys,
    summary_of,
)
from common.acts.timeliness import Timeliness
from common.acts.validation import LINK_TARGETS, check_link, examine


@dataclass(frozen=True)
class Link:
    """A NIU leaf of the act: the act it names, of event type ``target``."""

    path: str  # "birth_act_niu", "spouses[1].birth_act_niu"
    niu: str
    target: str  # "birth", "marriage"


@dataclass(frozen=True)
class Derived:
    """An act's report and, when it is valid, what is derived from it.

    ``summary``, ``duplicate``, ``person_keys`` and ``links`` are only computed for
    a valid act (``report.ok``); ``occurred_on`` and ``timeliness`` as soon as the
    dates allow.
    """

    event_type: str
    report: Report
    occurred_on: date | None = None
    timeliness: Timeliness | None = None
    summary: ActSummary | None = None
    duplicate: DuplicateKey | None = None
    person_keys: tuple[PersonKey, ...] = ()
    links: tuple[Link, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.report.ok

    def stored(self) -> dict[str, Any]:
        """What the centre database keeps beside the act's data, as JSON values.

        ``summary`` (the principal person's name, each indexed person, the
        parents' names), ``person_keys`` (the search index rows), the occurrence
        date, the timeliness, and the duplicate keys (``principal_key`` is None
        when the act names no principal person).
        """
        s, dup = self.summary, self.duplicate
        named = dup is not None and dup.principal_key.strip("|+") != ""
        return {
            "summary": _stored_summary(s) if s is not None else {},
            "person_keys": [k.as_dict() for k in self.person_keys],
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "timeliness": self.timeliness,
            "principal_key": dup.principal_key if dup is not None and named else None,
            "principal_date": dup.occurred_on.isoformat()
            if dup is not None and named and dup.occurred_on else None,
            "mother_key": dup.mother_key if dup is not None and named else None,
        }  # fmt: skip


def _stored_summary(s: ActSummary) -> dict[str, Any]:
    out: dict[str, Any] = {
        "principal": " & ".join(p.full_name for p in s.principal),
        "persons": [p.as_dict() for p in s.persons()],
    }
    for label, person in (("mother", s.mother), ("father", s.father)):
        if person is not None:
            out[label] = person.full_name
    if s.parents:
        out["parents"] = " & ".join(p.full_name for p in s.parents)
    return out


def derive(
    event_key: str,
    data: object,
    *,
    today: date,
    rules: RegistrationRules = DEFAULT_RULES,
    registered_on: date | None = None,
    linked: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None,
) -> Derived:
    """The report of ``data`` as an act of type ``event_key`` and what derives from it.

    ``linked`` maps a NIU to ``(event type, data)`` of the act it designates, for
    the acts the caller could read; each link to one of them is checked.  Raises
    only ``UnknownEventType``.
    """
    ev = event(event_key)
    w, c = examine(ev, data, today=today, rules=rules, registered_on=registered_on)
    if c is None or not isinstance(data, Mapping):
        return Derived(ev.key, Report(tuple(w.errors)))
    occurred = c.occurred
    report = Report(tuple(w.errors) + tuple(c.errors), tuple(c.warnings))
    if not report.ok:
        return Derived(ev.key, report, occurred_on=occurred, timeliness=c.timeliness)
    links = tuple(Link(path, niu, LINK_TARGETS[name]) for path, name, niu in w.links)
    link_errors = tuple(
        problem
        for link in links if linked is not None and link.niu in linked
        for problem in check_link(ev.key, data, link.path, *linked[link.niu]).errors
    )  # fmt: skip
    if link_errors:
        return Derived(ev.key, Report(link_errors, report.warnings), occurred_on=occurred,
                       timeliness=c.timeliness, links=links)
    summary = summary_of(ev, w.values, w.objects)
    return Derived(
        ev.key, report, occurred_on=occurred, timeliness=c.timeliness, summary=summary,
        duplicate=duplicate_key_of(summary), person_keys=person_keys(summary), links=links,
    )  # fmt: skip
