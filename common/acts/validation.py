"""Validation of an act's data against the data dictionary and the registration rules.

``validate`` is what every entry point calls before saving an act (the GUI on
each change, the CLI, the services, the SCEC on ingest): it never raises for bad
data, it reports.  ``Report.raise_if_errors()`` turns a refusal into a
``UserError`` naming the first field and rule.  Pure: no I/O; the registration
date, today's date and the national rules are passed in.

Checks, in order: structure and types (``structure.py``), then plausibility
(``plausibility.py``).  ``check_link`` compares an act with the act one of its
NIU fields links to, whose data the caller fetched.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from common.acts.dictionary import event
from common.acts.model import EventType, Kind, get_value, split_path
from common.acts.names import phonetic_tokens
from common.acts.plausibility import Check, check
from common.acts.report import Problem, Report
from common.acts.rules import DEFAULT_RULES, Deadline, RegistrationRules
from common.acts.structure import Walk, parse_date, walk

__all__ = [
    "DEFAULT_RULES",
    "LINK_TARGETS",
    "Deadline",
    "Problem",
    "RegistrationRules",
    "Report",
    "check_link",
    "examine",
    "validate",
]


def validate(
    event_key: str,
    data: object,
    *,
    today: date,
    rules: RegistrationRules = DEFAULT_RULES,
    registered_on: date | None = None,
) -> Report:
    """Every problem of ``data`` as an act of type ``event_key``.

    ``registered_on`` is the registration date when known (an act being
    registered now may leave it ``None``: ``today`` is then the registration date
    for the timeliness rule).  Raises only ``UnknownEventType``.
    """
    w, c = examine(event(event_key), data, today=today, rules=rules,
                   registered_on=registered_on)
    if c is None:
        return Report(tuple(w.errors))
    return Report(tuple(w.errors) + tuple(c.errors), tuple(c.warnings))


def examine(ev: EventType, data: object, *, today: date,
            rules: RegistrationRules = DEFAULT_RULES,
            registered_on: date | None = None) -> tuple[Walk, Check | None]:
    """The one walk of ``data`` and the plausibility rules run on what it found
    (``None`` when the data is not even an object): what ``validate`` reports and
    ``derived.derive`` derives from."""
    w = walk(ev.key, ev.root, data)
    if not isinstance(data, Mapping):
        return w, None
    c = Check(ev, w.values, w.objects, today, rules, registered_on)
    check(c, data)
    return w, c


#: What each NIU field links to (by the field's name): the event type of the linked act.
LINK_TARGETS: Mapping[str, str] = MappingProxyType(
    {"birth_act_niu": "birth", "marriage_act_niu": "marriage"})


def check_link(
    event_key: str,
    data: Mapping[str, object],
    link_path: str,
    linked_event_key: str,
    linked_data: Mapping[str, object],
) -> Report:
    """Refuse a link whose target disagrees with the act (VITAL_EVENTS.md §3).

    ``link_path`` is the concrete path of the NIU field (``"birth_act_niu"`` in a
    death, ``"child.birth_act_niu"``, ``"spouses[1].birth_act_niu"``);
    ``linked_data`` the data of the act that NIU designates, fetched by the caller.
    A person linked to a birth act must have the child's sex and date of birth,
    and share at least one given name with the child, by spelling or by sound
    (``names.phonetic_tokens``: "Mouhamed" is "Mohamed"; a surname may have
    changed since the birth, by marriage or adoption, so it is not compared);
    a dissolution linked to a marriage act must have its marriage date.
    Values missing on either side are not compared.
    """
    ev = event(event_key)
    parts = split_path(link_path)
    name = parts[-1][0]
    expected = LINK_TARGETS.get(name)
    errors: list[Problem] = []

    def refuse(path: str, rule: str, **params: object) -> None:
        errors.append(Problem(path, rule, params, ev.key))

    if expected is None or ev.field(link_path).kind is not Kind.NIU:
        raise KeyError(link_path)
    if linked_event_key != expected:
        refuse(link_path, "link_wrong_event_type", linked=linked_event_key, expected=expected)
        return Report(tuple(errors))
    if expected == "marriage":
        mine, theirs = get_value(data, "marriage_date"), linked_data.get("occurred_on")
        if isinstance(mine, str) and isinstance(theirs, str) and mine != theirs:
            refuse("marriage_date", "link_marriage_date_mismatch", linked=theirs)
        return Report(tuple(errors))
    person = link_path.rsplit(".", 1)[0] if len(parts) > 1 else ev.principal_person
    child = linked_data.get("child")
    child = child if isinstance(child, Mapping) else {}
    sex, linked_sex = get_value(data, f"{person}.sex"), child.get("sex")
    if _stated(sex) and _stated(linked_sex) and sex != linked_sex:
        refuse(f"{person}.sex", "link_sex_mismatch", linked=str(linked_sex))
    born, linked_born = get_value(data, f"{person}.birth_date"), linked_data.get("occurred_on")
    if isinstance(born, str) and isinstance(linked_born, str):
        if parse_date(born) != parse_date(linked_born):
            refuse(f"{person}.birth_date", "link_birth_date_mismatch", linked=linked_born)
    given, linked_given = get_value(data, f"{person}.given_names"), child.get("given_names")
    if isinstance(given, str) and isinstance(linked_given, str):
        mine_words, their_words = phonetic_tokens(given), phonetic_tokens(linked_given)
        if mine_words and their_words and not set(mine_words) & set(their_words):
            refuse(f"{person}.given_names", "link_names_mismatch", linked=linked_given)
    return Report(tuple(errors))


def _stated(value: object) -> bool:
    return isinstance(value, str) and value not in ("", "not_stated")
