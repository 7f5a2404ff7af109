"""The services' one door to the data dictionary (``common.acts``).

An act is examined in one pass (``common.acts.derived.derive``: its report, and
when valid its summary, search keys, timeliness, duplicate key and links); this
module only turns the centre's settings into the dictionary's rules, and the
dictionary's problems into the issues the services show.  It also gives the
search keys of a typed name and the text of marginal mentions.  No field of an
act is named here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from common.acts.derived import Derived, derive
from common.acts.dictionary import EVENTS, Kind, event
from common.acts.names import name_tokens, phonetic_key
from common.acts.report import Problem
from common.acts.rules import Deadline, RegistrationRules
from common.i18n import translator

from .errors import InvalidValue
from .values import CheckReport, Issue

if TYPE_CHECKING:
    from .settings import Rules

tr = translator("centre")


def registration_rules(rules: Rules) -> RegistrationRules:
    """The centre's settings as the dictionary's validation rules."""
    return RegistrationRules(
        marriage_min_age=rules.marriage_legal_age,
        deadlines=MappingProxyType({k: Deadline(v.current_days, v.late_days)
                                    for k, v in rules.timeliness.items()}))


def _issues(problems: tuple[Problem, ...], severity: str) -> tuple[Issue, ...]:
    return tuple(Issue(field=p.path or None, rule=p.rule, message=p.message(),
                       severity=severity) for p in problems)


def examine(event_type: str, data: object, registered_on: dt.date, rules: Rules, *,
            linked: Mapping[str, tuple[str, Mapping[str, Any]]] | None = None) -> Derived:
    """The one pass of the data dictionary over an act (``common.acts.derived``),
    with the centre's rules: its report and, when valid, what derives from it.

    Refuses an unknown event type (field ``type``) and data that is not an object.
    """
    event(event_type)
    if not isinstance(data, Mapping):
        raise InvalidValue(tr("The act's data must be a JSON object"), field="data",
                           rule="json_not_object")
    return derive(event_type, data, today=dt.date.today(), rules=registration_rules(rules),
                  registered_on=registered_on, linked=linked)


def check_report(derived: Derived) -> CheckReport:
    """An act's report as the services show it (issues with their sentences)."""
    report = derived.report
    return CheckReport(errors=_issues(report.errors, "error"),
                       warnings=_issues(report.warnings, "warning"),
                       timeliness=derived.timeliness if report.ok else None)


def sql_report(event_type: str, problems: list[dict[str, Any]]) -> CheckReport:
    """The problems the centre database found in an act (``ecr._refuse_act``), with the
    dictionary's sentences in the user's language."""
    found = tuple(Problem(str(p.get("path") or ""), str(p.get("rule") or "refused"),
                          p["params"] if isinstance(p.get("params"), dict) else {},
                          event_type if event_type in EVENTS else None) for p in problems)
    return CheckReport(errors=_issues(found, "error"))


def name_words(text: str) -> list[dict[str, str]]:
    """Search keys of each word of a typed name: ``[{"key": …, "phonetic": …}]``."""
    return [{"key": t, "phonetic": phonetic_key(t)} for t in name_tokens(text)]


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
