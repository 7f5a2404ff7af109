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
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from common.acts.dictionary import EVENTS, Kind, event
from common.acts.names import name_tokens, phonetic_key
from common.acts.report import Problem
from common.acts.rules import Deadline, RegistrationRules
from common.acts.summary import duplicate_key, summarize
from common.acts.timeliness import categorize
from common.acts.validation import check_link, validate
from common.i18n import translator

from .errors import InvalidValue
from .values import CheckReport, Issue

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


def registration_rules(rules: Rules) -> RegistrationRules:
    """The centre's settings as the dictionary's validation rules."""
    return RegistrationRules(
        marriage_min_age=rules.marriage_legal_age,
        deadlines=MappingProxyType({k: Deadline(v.current_days, v.late_days)
                                    for k, v in rules.timeliness.items()}))


def _issues(problems: tuple[Problem, ...], severity: str) -> tuple[Issue, ...]:
    return tuple(Issue(field=p.path or None, rule=p.rule, message=p.message(),
                       severity=severity) for p in problems)


def _occurred_on(data: Mapping[str, Any]) -> dt.date | None:
    value = data.get("occurred_on") if isinstance(data, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def check(event_type: str, data: Mapping[str, Any], registered_on: dt.date,
          rules: Rules) -> CheckReport:
    """Validate without saving (refuses an unknown event type with field ``type``)."""
    event(event_type)
    reg_rules = registration_rules(rules)
    report = validate(event_type, data, today=dt.date.today(), rules=reg_rules,
                      registered_on=registered_on)
    return CheckReport(errors=_issues(report.errors, "error"),
                       warnings=_issues(report.warnings, "warning"),
                       timeliness=_timeliness(event_type, data, registered_on, reg_rules)
                       if report.ok else None)


def _timeliness(event_type: str, data: Mapping[str, Any], registered_on: dt.date,
                reg_rules: RegistrationRules) -> str | None:
    occurred = _occurred_on(data)
    if occurred is None or occurred > registered_on:
        return None
    return categorize(event_type, occurred, registered_on, reg_rules)


def derive(event_type: str, data: Mapping[str, Any], today: dt.date, rules: Rules, *,
           known_valid: bool = False) -> Derived:
    """Validate and compute the stored derived values (only meaningful when valid).

    ``known_valid`` skips the validation (most of the cost) for data already known
    to be valid, e.g. generated benchmark corpora whose validity is tested
    elsewhere; the stored values are computed exactly as for validated data.
    """
    if not isinstance(data, Mapping):
        raise InvalidValue(tr("The act's data must be a JSON object"), field="data",
                           rule="json_not_object")
    if known_valid:
        report = CheckReport(timeliness=_timeliness(event_type, data, today,
                                                    registration_rules(rules)))
    else:
        report = check(event_type, data, today, rules)
    if not report.ok:
        return Derived(report=report, summary={}, person_keys=(), occurred_on=None,
                       timeliness=None, duplicate=None)
    s = summarize(event_type, data)
    summary: dict[str, Any] = {
        "principal": " & ".join(p.full_name for p in s.principal),
        "persons": [p.as_dict() for p in s.persons()],
    }
    for label, person in (("mother", s.mother), ("father", s.father)):
        if person is not None:
            summary[label] = person.full_name
    if s.parents:
        summary["parents"] = " & ".join(p.full_name for p in s.parents)
    keys: list[dict[str, str]] = []
    for p in s.persons():
        role = "principal" if p.role == "principal" else "parent"
        for part, name in (("surname", p.surname), ("given", p.given_names)):
            for token in name_tokens(name or ""):
                keys.append({"role": role, "part": part, "key": token,
                             "phonetic": phonetic_key(token)})
    dup = duplicate_key(event_type, data)
    return Derived(
        report=report, summary=summary, person_keys=tuple(keys), occurred_on=s.occurred_on,
        timeliness=report.timeliness,
        duplicate=DuplicateKeys(dup.principal_key, dup.occurred_on, dup.mother_key)
        if dup.principal_key.strip("|+") else None)


def duplicate_keys(event_type: str, data: Mapping[str, Any]) -> DuplicateKeys | None:
    """What VITAL_EVENTS.md §3 compares; None when the act names no principal person."""
    dup = duplicate_key(event_type, data)
    if not dup.principal_key.strip("|+"):
        return None
    return DuplicateKeys(dup.principal_key, dup.occurred_on, dup.mother_key)


def name_words(text: str) -> list[dict[str, str]]:
    """Search keys of each word of a typed name: ``[{"key": …, "phonetic": …}]``."""
    return [{"key": t, "phonetic": phonetic_key(t)} for t in name_tokens(text)]


def concrete_links(event_type: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(path, niu)`` of every NIU link present in ``data`` (``spouses[1].birth_act_niu``)."""
    out: list[tuple[str, str]] = []
    for declared in link_paths().get(event_type, []):
        head, _, tail = declared.partition("[].")
        if tail:
            items = data.get(head)
            for i, item in enumerate(items if isinstance(items, list) else []):
                value = item.get(tail) if isinstance(item, Mapping) else None
                if isinstance(value, str):
                    out.append((f"{head}[{i}].{tail}", value))
            continue
        node: Any = data
        for part in declared.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            out.append((declared, node))
    return out


def check_links(event_type: str, data: Mapping[str, Any],
                linked: Mapping[str, tuple[str, Mapping[str, Any]]]) -> tuple[Issue, ...]:
    """Refusals for links whose target act disagrees (VITAL_EVENTS.md §3).

    ``linked`` maps a NIU to ``(event_type, data)`` of the act it designates, for
    the acts the caller could read (those held by this centre).
    """
    problems: list[Problem] = []
    for path, niu in concrete_links(event_type, data):
        if niu in linked:
            target_type, target_data = linked[niu]
            problems += check_link(event_type, data, path, target_type, target_data).errors
    return _issues(tuple(problems), "error")


def link_paths() -> dict[str, list[str]]:
    """Every NIU field of every event (``spouses[].birth_act_niu``): what links acts."""
    return {e.key: [p for p, f in e.leaves() if f.kind is Kind.NIU] for e in EVENTS.values()}


def check_event_type(event_type: str) -> None:
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
