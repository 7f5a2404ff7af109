"""What search indexing and duplicate detection need from an act, read generically.

The persons an act is *about* are declared by the dictionary
(``EventType.principal_person``, ``mother_path``, ``father_path``,
``parents_path``); this module reads them, never a hand-made list per event.

* ``summarize`` gives the principal person(s), the parents and the occurrence date;
* ``search_entries`` gives one row per indexed person with the name keys of
  ``names.py`` (what the database stores for accent-insensitive, typo-tolerant
  search without any extension);
* ``duplicate_key`` / ``may_be_duplicates`` implement VITAL_EVENTS.md §3: same
  type, same principal person's normalised name, occurrence within ±3 days, and
  for births the same mother;
* ``person_keys`` gives the rows of name words the centre database indexes.

``summarize`` works on the data as given (validated or not), never raises on odd
values; ``summary_of`` reads a walked act's typed values instead (``derived.py``
walks an act once and derives everything from that walk).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from common.acts.dictionary import event
from common.acts.model import EventType
from common.acts.names import compact_key, name_tokens, phonetic_key, search_key
from common.acts.structure import parse_date

DUPLICATE_WINDOW_DAYS = 3


@dataclass(frozen=True)
class PersonSummary:
    """One person of an act, as found at ``path`` (``"child"``, ``"spouses[1]"``)."""

    role: str  # "principal", "mother", "father" or "parent"
    path: str
    surname: str | None
    given_names: str | None
    sex: str | None
    birth_date: date | None
    age: int | None

    @property
    def full_name(self) -> str:
        return " ".join(x for x in (self.surname, self.given_names) if x)

    def name_key(self) -> str:
        """Accent-, case-, spacing-insensitive key of the whole name ("ndiaye|awa")."""
        return f"{compact_key(self.surname or '')}|{compact_key(self.given_names or '')}"

    def as_dict(self) -> dict[str, object]:
        return {
            "role": self.role, "path": self.path, "surname": self.surname,
            "given_names": self.given_names, "sex": self.sex, "age": self.age,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }  # fmt: skip


@dataclass(frozen=True)
class ActSummary:
    event_type: str
    occurred_on: date | None
    principal: tuple[PersonSummary, ...]  # one person, or both spouses
    mother: PersonSummary | None
    father: PersonSummary | None
    parents: tuple[PersonSummary, ...]  # filiation events

    def persons(self) -> tuple[PersonSummary, ...]:
        """Every indexed person, principal first."""
        others = tuple(p for p in (self.mother, self.father) if p is not None)
        return self.principal + others + self.parents

    def as_dict(self) -> dict[str, object]:
        return {
            "event_type": self.event_type,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "principal": [p.as_dict() for p in self.principal],
            "mother": self.mother.as_dict() if self.mother else None,
            "father": self.father.as_dict() if self.father else None,
            "parents": [p.as_dict() for p in self.parents],
        }


def _text(obj: Mapping[str, object], key: str) -> str | None:
    v = obj.get(key)
    return v if isinstance(v, str) and v.strip() else None


def _person(obj: object, role: str, path: str) -> PersonSummary | None:
    if not isinstance(obj, Mapping):
        return None
    born = _text(obj, "birth_date")
    age = obj.get("age")
    return PersonSummary(
        role=role, path=path, surname=_text(obj, "surname"),
        given_names=_text(obj, "given_names"), sex=_text(obj, "sex"),
        birth_date=parse_date(born) if born else None,
        age=age if isinstance(age, int) and not isinstance(age, bool) else None,
    )  # fmt: skip


def _persons_at(data: Mapping[str, object], path: str, role: str) -> Iterator[PersonSummary]:
    """The person(s) at a declared top-level or nested path (repeated groups: each item)."""
    node: object = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    if isinstance(node, list):
        for i, item in enumerate(node):
            found = _person(item, role, f"{path}[{i}]")
            if found is not None:
                yield found
    else:
        found = _person(node, role, path)
        if found is not None:
            yield found


def summarize(event_key: str, data: Mapping[str, object]) -> ActSummary:
    """The summary of ``data`` as given (validated or not)."""
    ev = event(event_key)
    occurred = data.get("occurred_on")
    return _summary(ev, parse_date(occurred) if isinstance(occurred, str) else None,
                    lambda path, role: _persons_at(data, path, role))


def summary_of(ev: EventType, values: Mapping[str, object],
               objects: Sequence[tuple[str, object]]) -> ActSummary:
    """The summary of a walked act, from its typed values and object instances
    (``structure.walk``): what ``summarize`` gives for valid data, without reading
    the data again."""
    occurred = values.get("occurred_on")
    present = [p for p, _ in objects]

    def persons(path: str, role: str) -> Iterator[PersonSummary]:
        if path in present:
            yield _typed_person(values, role, path)
            return
        item = re.compile(re.escape(path) + r"\[[0-9]+\]")
        for p in present:
            if item.fullmatch(p):
                yield _typed_person(values, role, p)

    return _summary(ev, occurred if isinstance(occurred, date) else None, persons)


def _summary(ev: EventType, occurred: date | None,
             persons: Callable[[str, str], Iterator[PersonSummary]]) -> ActSummary:
    """The persons the dictionary declares for ``ev``, as ``persons(path, role)`` finds them."""
    def one(path: str | None, role: str) -> PersonSummary | None:
        return next(persons(path, role), None) if path else None

    return ActSummary(
        event_type=ev.key, occurred_on=occurred,
        principal=tuple(persons(ev.principal_person, "principal")),
        mother=None if ev.mother_path == ev.principal_person else one(ev.mother_path, "mother"),
        father=one(ev.father_path, "father"),
        parents=tuple(persons(ev.parents_path, "parent")) if ev.parents_path else (),
    )  # fmt: skip


def _typed_person(values: Mapping[str, object], role: str, path: str) -> PersonSummary:
    def text(name: str) -> str | None:
        v = values.get(f"{path}.{name}")
        return v if isinstance(v, str) and v.strip() else None

    born, age = values.get(f"{path}.birth_date"), values.get(f"{path}.age")
    return PersonSummary(
        role=role, path=path, surname=text("surname"), given_names=text("given_names"),
        sex=text("sex"), birth_date=born if isinstance(born, date) else None,
        age=age if isinstance(age, int) and not isinstance(age, bool) else None,
    )  # fmt: skip


@dataclass(frozen=True)
class SearchEntry:
    """One indexed person: the keys the database stores and compares."""

    role: str
    path: str
    surname_key: str  # search_key(surname): "n diaye"
    given_names_key: str
    surname_compact: str  # compact_key(surname): "ndiaye"
    surname_phonetic: str  # phonetic_key(surname): "NT"
    given_names_phonetic: str
    tokens: tuple[str, ...]  # name_tokens of surname and given names
    sex: str | None
    birth_date: date | None

    def as_dict(self) -> dict[str, object]:
        return {
            "role": self.role, "path": self.path, "surname_key": self.surname_key,
            "given_names_key": self.given_names_key, "surname_compact": self.surname_compact,
            "surname_phonetic": self.surname_phonetic,
            "given_names_phonetic": self.given_names_phonetic, "tokens": list(self.tokens),
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }  # fmt: skip


def search_entries(event_key: str, data: Mapping[str, object]) -> tuple[SearchEntry, ...]:
    """One ``SearchEntry`` per indexed person of the act (principal, parents)."""
    return entries_of(summarize(event_key, data))


def entries_of(summary: ActSummary) -> tuple[SearchEntry, ...]:
    """``search_entries`` of an act already summarised (``derived.derive`` gives it)."""
    out: list[SearchEntry] = []
    for p in summary.persons():
        surname, given = p.surname or "", p.given_names or ""
        if not (surname or given):
            continue
        out.append(SearchEntry(
            role=p.role, path=p.path, surname_key=search_key(surname),
            given_names_key=search_key(given), surname_compact=compact_key(surname),
            surname_phonetic=phonetic_key(surname), given_names_phonetic=phonetic_key(given),
            tokens=tuple(dict.fromkeys(name_tokens(surname) + name_tokens(given))),
            sex=p.sex, birth_date=p.birth_date,
        ))  # fmt: skip
    return tuple(out)


@dataclass(frozen=True)
class DuplicateKey:
    """What two acts must share to be reported as possible duplicates."""

    event_type: str
    principal_key: str  # name keys of the principal person(s), sorted, joined by "+"
    occurred_on: date | None
    mother_key: str | None  # births and foetal deaths only


def duplicate_key(event_key: str, data: Mapping[str, object]) -> DuplicateKey:
    return duplicate_key_of(summarize(event_key, data))


def duplicate_key_of(s: ActSummary) -> DuplicateKey:
    """The duplicate key of a summarised act."""
    ev = event(s.event_type)
    principal = "+".join(sorted(p.name_key() for p in s.principal))
    mother = None
    if ev.mother_path is not None and ev.mother_path != ev.principal_person:
        mother = s.mother.name_key() if s.mother else ""
    return DuplicateKey(ev.key, principal, s.occurred_on, mother)


@dataclass(frozen=True)
class PersonKey:
    """One word of one name of an indexed person: a row the centre's search reads.

    ``role`` is ``principal`` or ``parent`` (mother, father and filiation parents
    alike), ``part`` is ``surname`` or ``given``; ``key`` is a word of the name
    (``name_tokens``) and ``phonetic`` its sound key.
    """

    role: str
    part: str
    key: str
    phonetic: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "part": self.part, "key": self.key,
                "phonetic": self.phonetic}  # fmt: skip


def person_keys(s: ActSummary) -> tuple[PersonKey, ...]:
    """Every name word of every indexed person of a summarised act, in order."""
    keys: list[PersonKey] = []
    for p in s.persons():
        role = "principal" if p.role == "principal" else "parent"
        for part, name in (("surname", p.surname), ("given", p.given_names)):
            for token in name_tokens(name or ""):
                keys.append(PersonKey(role, part, token, phonetic_key(token)))
    return tuple(keys)


def may_be_duplicates(a: DuplicateKey, b: DuplicateKey,
                      window_days: int = DUPLICATE_WINDOW_DAYS) -> bool:  # fmt: skip
    """True when ``b`` looks like the same event as ``a`` (VITAL_EVENTS.md §3)."""
    if a.event_type != b.event_type or a.principal_key != b.principal_key:
        return False
    if a.mother_key != b.mother_key:
        return False
    if a.occurred_on is None or b.occurred_on is None:
        return True  # same person, date unknown: let a person look
    return abs((a.occurred_on - b.occurred_on).days) <= window_days
