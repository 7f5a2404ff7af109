"""The structural check of an act's data against its dictionary entry.

Walks the data and the event's ``Group`` tree together and refuses unknown keys
(nothing is ever dropped silently), wrong JSON types, missing required fields,
repeat counts out of bounds, values outside code lists or bounds, malformed
dates, times, NIUs, ICD-10 codes, and names with control characters.  A JSON
``null`` is the same as an absent key.

It also returns the *typed* value of every valid leaf by concrete path
(``{"mother.birth_date": date(1990, 1, 2)}``), every object instance and every
link to another act (NIU leaves), so that nothing after it (plausibility rules,
summaries, search keys: ``derived.py``) re-parses or re-walks the data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time

from common.acts.codes import CODE_LISTS, COUNTRIES
from common.acts.model import Field, Group, Kind
from common.acts.niu import niu_problem
from common.acts.report import Problem

MIN_DATE = date(1850, 1, 1)
DATE_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIME_FORMAT = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
ICD10_FORMAT = re.compile(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?")
# Besides letters and combining marks, a name may hold spaces, apostrophes,
# hyphens and a full stop ("St."), and the zero-width (non-)joiners some scripts need.
NAME_PUNCTUATION = frozenset(" '’‘ʼʻ`´-‐‑.\u200c\u200d\u00a0")


@dataclass
class Walk:
    """The result of the structural walk."""

    event_key: str
    errors: list[Problem] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    objects: list[tuple[str, Group]] = field(default_factory=list)
    #: ``(path, field name, NIU)`` of every valid NIU leaf: the act's links to other acts.
    links: list[tuple[str, str, str]] = field(default_factory=list)

    def error(self, path: str, rule: str, **params: object) -> None:
        self.errors.append(Problem(path, rule, params, self.event_key))


def parse_date(text: str) -> date | None:
    """A strict ISO calendar date ``yyyy-mm-dd``, or ``None``."""
    if not DATE_FORMAT.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def walk(event_key: str, root: Group, data: object) -> Walk:
    w = Walk(event_key)
    if not isinstance(data, Mapping):
        w.error("", "wrong_type", expected="object")
        return w
    _group(w, root, data, "")
    return w


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _group(w: Walk, group: Group, obj: Mapping[str, object], path: str) -> None:
    for key in obj:
        if not isinstance(key, str) or group.child(key) is None:
            w.error(_join(path, str(key)), "unknown_field")
    for child in group.ordered():
        cpath = _join(path, child.name)
        value = obj.get(child.name)
        if value is None:
            if child.required:
                w.error(cpath, "required")
            continue
        if isinstance(child, Field):
            _leaf(w, child, value, cpath)
        elif child.repeated:
            _repeated(w, child, value, cpath)
        elif isinstance(value, Mapping):
            w.objects.append((cpath, child))
            _group(w, child, value, cpath)
        else:
            w.error(cpath, "wrong_type", expected="object")
    for alternatives in group.one_of:
        if all(obj.get(name) is None for name in alternatives):
            first, *others = alternatives
            labels = ", ".join(_label(group, n) for n in others)
            w.error(_join(path, first), "one_of_required", other=labels)


def _label(group: Group, name: str) -> str:
    child = group.child(name)
    return child.label() if child is not None else name


def _repeated(w: Walk, group: Group, value: object, path: str) -> None:
    if not isinstance(value, list):
        w.error(path, "wrong_type", expected="list")
        return
    assert group.repeat_min is not None and group.repeat_max is not None
    if len(value) < group.repeat_min:
        w.error(path, "too_few", minimum=group.repeat_min)
    if len(value) > group.repeat_max:
        w.error(path, "too_many", maximum=group.repeat_max)
    for i, item in enumerate(value):
        ipath = f"{path}[{i}]"
        if isinstance(item, Mapping):
            w.objects.append((ipath, group))
            _group(w, group, item, ipath)
        else:
            w.error(ipath, "wrong_type", expected="object")


class _Refused(Exception):
    """A leaf's refusal, raised inside ``_typed`` and recorded by ``_leaf``."""

    def __init__(self, rule: str, **params: object) -> None:
        super().__init__(rule)
        self.rule, self.params = rule, params


def _leaf(w: Walk, f: Field, value: object, path: str) -> None:
    try:
        w.values[path] = typed = _typed(f, value)
    except _Refused as refused:
        w.error(path, refused.rule, **refused.params)
        return
    if f.kind is Kind.NIU:
        w.links.append((path, f.name, str(typed)))


def _typed(f: Field, value: object) -> object:
    """Check one leaf and return its typed value, or raise ``_Refused``."""
    kind = f.kind
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise _Refused("wrong_type", expected="bool")
        return value
    if kind is Kind.INT:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Refused("wrong_type", expected="int")
        if f.minimum is not None and value < f.minimum:
            raise _Refused("below_minimum", minimum=f.minimum, value=value)
        if f.maximum is not None and value > f.maximum:
            raise _Refused("above_maximum", maximum=f.maximum, value=value)
        return value
    if not isinstance(value, str):
        raise _Refused("wrong_type", expected=kind.value)
    if kind is Kind.DATE:
        d = parse_date(value)
        if d is None:
            raise _Refused("invalid_date", value=value)
        return d
    if kind is Kind.TIME:
        if not TIME_FORMAT.fullmatch(value):
            raise _Refused("invalid_time", value=value)
        return time.fromisoformat(value)
    if kind is Kind.CODE:
        assert f.code_list is not None
        if value not in CODE_LISTS[f.code_list].keys():
            raise _Refused("not_in_code_list", code=value)
    elif kind is Kind.COUNTRY:
        if value not in COUNTRIES:
            raise _Refused("invalid_country", code=value)
    elif kind is Kind.ICD10:
        if not ICD10_FORMAT.fullmatch(value):
            raise _Refused("invalid_icd10", code=value)
    elif kind is Kind.NIU:
        problem = niu_problem(value)
        if problem is not None:
            raise _Refused(problem, value=value)
    else:
        _text(f, value)
    return value


def _text(f: Field, value: str) -> None:
    """TEXT, NAME and AREA: no control characters, not blank, bounded, patterned."""
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise _Refused("control_characters")
    if not value.strip():
        raise _Refused("empty")
    if f.max_length is not None and len(value) > f.max_length:
        raise _Refused("too_long", maximum=f.max_length)
    if f.kind is Kind.NAME:
        for ch in value:
            if unicodedata.category(ch)[0] not in "LM" and ch not in NAME_PUNCTUATION:
                raise _Refused("name_characters", character=ch)
    if f.pattern is not None and not re.fullmatch(f.pattern, value):
        raise _Refused("invalid_format", value=value)
