"""The types of the data dictionary: what an act's fields *are*, not which ones exist.

Every consumer of acts (the form generator, the validator, the wire encoder, the
PDF field binder, the statistics views, the search-key extractor) walks these
values generically.  The declarations themselves live in ``codes.py``,
``persons.py`` and ``events_*.py``; this module must never name a concrete field.

Stability contract (the wire encoder and stored acts rely on it):

* every ``Field`` and ``Group`` carries a ``tag`` unique among its siblings, every
  ``CodeList`` a ``tag`` unique in the dictionary, every ``EventType`` a ``tag``;
* the canonical order of an event's leaves is depth-first, siblings by ascending
  tag (``EventType.leaves()``); the order of a code list is its declaration order;
* things are only ever APPENDED: a new field takes a new, higher tag and a
  ``since`` equal to the new ``DICTIONARY_VERSION``; a new code is added at the
  END of its list with its ``since``.  Nothing is renumbered, reordered, removed
  or re-typed.  ``tests/common/acts/test_dictionary_stability.py`` checks the
  dictionary against a committed snapshot so that a violation fails the build.

This module imports nothing but the standard library and the i18n language lookup.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from common.i18n import get_language

#: Bumped whenever something is appended to the dictionary (see the contract above).
DICTIONARY_VERSION = 1


@dataclass(frozen=True)
class Label:
    """A text in French and English; call it with a language (default: the current one)."""

    fr: str
    en: str

    def __call__(self, lang: str | None = None) -> str:
        return self.en if (lang or get_language()) == "en" else self.fr


class Kind(enum.StrEnum):
    """How a leaf's value is written in the act JSON and checked."""

    TEXT = "text"  # free text, one line
    NAME = "name"  # a person's name: any script, apostrophes, hyphens, spaces
    INT = "int"  # a JSON integer (never a boolean)
    DATE = "date"  # "yyyy-mm-dd", a real calendar date
    TIME = "time"  # "hh:mm", 24-hour clock
    BOOL = "bool"  # JSON true / false
    CODE = "code"  # a key of the field's code list
    COUNTRY = "country"  # ISO 3166-1 alpha-2, upper case ("SN")
    NIU = "niu"  # a link to another act by its NIU (19 digits, check digits valid)
    ICD10 = "icd10"  # an ICD-10 code, upper case, optional dot ("I21.9")
    AREA = "area"  # an administrative area code (national nomenclature, digits)


@dataclass(frozen=True)
class Code:
    """One entry of a code list; ``key`` is what the act JSON stores."""

    key: str
    label: Label
    since: int = 1


@dataclass(frozen=True)
class CodeList:
    """An ordered list of codes.  Codes may only be appended (see the module docstring)."""

    key: str
    tag: int
    label: Label
    codes: tuple[Code, ...]

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.codes)

    def code(self, key: str) -> Code | None:
        for c in self.codes:
            if c.key == key:
                return c
        return None

    def index(self, key: str) -> int:
        """The code's position, the number a compact encoding writes."""
        return self.keys().index(key)


@dataclass(frozen=True)
class Field:
    """A leaf of an act: one value of one ``Kind``.

    ``minimum``/``maximum`` bound an INT; ``max_length`` bounds TEXT and NAME;
    ``pattern`` (a full-match regular expression) further restricts TEXT or AREA;
    ``unit`` is shown next to the value ("g", "weeks").  ``required`` means the
    key must be present (and not null) whenever its enclosing group is present.
    """

    tag: int
    name: str
    kind: Kind
    label: Label
    required: bool = False
    code_list: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    unit: str | None = None
    help: Label | None = None
    since: int = 1

    def __post_init__(self) -> None:
        if (self.kind is Kind.CODE) != (self.code_list is not None):
            raise ValueError(f"field {self.name}: a code_list is needed exactly for CODE fields")
        if self.pattern is not None:
            re.compile(self.pattern)


@dataclass(frozen=True)
class Group:
    """A nested block: a JSON object, or a JSON array of objects when repeated.

    ``repeat_min``/``repeat_max`` are ``None`` for a single object; otherwise the
    group is a list whose length must lie within the bounds (``spouses`` 2..2,
    ``witnesses`` 2..4, ``cause.part1`` 1..4).  ``one_of`` lists sets of child
    names of which at least one must be given (``("birth_date", "age")``).
    """

    tag: int
    name: str
    label: Label
    children: tuple[Field | Group, ...]
    required: bool = False
    repeat_min: int | None = None
    repeat_max: int | None = None
    one_of: tuple[tuple[str, ...], ...] = ()
    help: Label | None = None
    since: int = 1
    item_names: tuple[str, ...] = ()  # how items are named: ("a", "b", "c", "d") for part I

    def __post_init__(self) -> None:
        tags = [c.tag for c in self.children]
        names = [c.name for c in self.children]
        if len(set(tags)) != len(tags) or len(set(names)) != len(names):
            raise ValueError(f"group {self.name}: duplicate child tag or name")
        if (self.repeat_min is None) != (self.repeat_max is None):
            raise ValueError(f"group {self.name}: give both repeat bounds or neither")
        for alternatives in self.one_of:
            for name in alternatives:
                if name not in names:
                    raise ValueError(f"group {self.name}: one_of names unknown child {name}")

    @property
    def repeated(self) -> bool:
        return self.repeat_max is not None

    def item_label(self, index: int, lang: str | None = None) -> str:
        """The label of item ``index`` (0-based) of a repeated group: "Witness 2", "Line (b)"."""
        if index < len(self.item_names):
            return f"{self.label(lang)} ({self.item_names[index]})"
        return f"{self.label(lang)} {index + 1}"

    def child(self, name: str) -> Field | Group | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def ordered(self) -> tuple[Field | Group, ...]:
        """The children in canonical (tag) order."""
        return tuple(sorted(self.children, key=lambda c: c.tag))


@dataclass(frozen=True)
class Section:
    """A part of the form (and of printed documents): top-level members, in order."""

    key: str
    label: Label
    members: tuple[str, ...]


@dataclass(frozen=True)
class EventType:
    """One of the ten vital events: its fields (``root``), form layout and principal person.

    ``principal_person`` is the dotted path of the group whose person the act is
    about ("child", "deceased", "foetus", "spouses" — a repeated group, so both
    spouses).  ``mother_path`` names the mother block where the event has one
    (births and foetal deaths), used by duplicate detection and statistics;
    ``father_path`` the father's, ``parents_path`` the repeated parents block of
    the filiation events.  Search indexing walks exactly these paths.
    The registration data (date, NIU, register number, timeliness) is not in
    ``root``: the system sets it and it lives in the act envelope (see
    ``REGISTRATION_FIELDS`` and ``docs/act-format.md``).
    """

    key: str
    tag: int
    label: Label
    root: Group
    sections: tuple[Section, ...]
    principal_person: str
    mother_path: str | None = None
    father_path: str | None = None
    parents_path: str | None = None  # adoption/legitimation/recognition: repeated parents
    registration_fields: tuple[Field, ...] = ()

    def leaves(self, version: int | None = None) -> Iterator[tuple[str, Field]]:
        """Every leaf as ``(path, Field)`` in canonical order.

        Paths are dotted; a repeated group contributes ``name[]``
        (``witnesses[].surname``, ``cause.part1[].icd10``).  With ``version``,
        only the leaves that existed in that dictionary version are yielded
        (so a decoder can read data encoded by an older version).
        """
        yield from _leaves(self.root, "", version)

    def groups(self) -> Iterator[tuple[str, Group]]:
        """Every group below the root as ``(path, Group)``, in canonical order."""
        yield from _groups(self.root, "")

    def node(self, path: str) -> Field | Group:
        """The field or group at ``path`` (``[]`` or ``[3]`` after repeated groups)."""
        node: Field | Group = self.root
        for part in split_path(path):
            if not isinstance(node, Group):
                raise KeyError(path)
            found = node.child(part[0])
            if found is None:
                raise KeyError(path)
            node = found
        return node

    def tag_path(self, path: str) -> tuple[int, ...]:
        """The tags from the root to ``path`` (``mother.children_born_alive`` → (17, 32)):
        a leaf's identity that survives renaming, for compact encodings."""
        tags: list[int] = []
        node: Field | Group = self.root
        for name, _index in split_path(path):
            found = node.child(name) if isinstance(node, Group) else None
            if found is None:
                raise KeyError(path)
            tags.append(found.tag)
            node = found
        return tuple(tags)

    def field(self, path: str) -> Field:
        node = self.node(path)
        if not isinstance(node, Field):
            raise KeyError(path)
        return node

    def path_label(self, path: str, lang: str | None = None) -> str:
        """The human name of a path: group labels joined, repeated items numbered.

        ``witnesses[1].surname`` → "Witness 2 › Surname" ("Témoin 2 › Nom").  A path
        that leaves the dictionary (an unknown key, whatever its characters: ``"A"``,
        ``"a-b"``) ends with that key as it is.
        """
        parts: list[str] = []
        node: Field | Group = self.root
        steps = path.split(".") if path else []
        for i, step in enumerate(steps):
            m = _PART.match(step)
            found = node.child(m.group(1)) if m and isinstance(node, Group) else None
            if m is None or found is None:
                parts.append(".".join(steps[i:]))
                break
            index = None if m.group(2) is None else (int(m.group(2)) if m.group(2) else -1)
            node = found
            if isinstance(node, Group) and index is not None and index >= 0:
                parts.append(node.item_label(index, lang))
            else:
                parts.append(node.label(lang))
        return " › ".join(parts) if parts else self.label(lang)


def _leaves(group: Group, prefix: str, version: int | None) -> Iterator[tuple[str, Field]]:
    for child in group.ordered():
        if version is not None and child.since > version:
            continue
        if isinstance(child, Field):
            yield prefix + child.name, child
        else:
            sep = "[]." if child.repeated else "."
            yield from _leaves(child, prefix + child.name + sep, version)


def _groups(group: Group, prefix: str) -> Iterator[tuple[str, Group]]:
    for child in group.ordered():
        if isinstance(child, Group):
            path = prefix + child.name
            yield path, child
            yield from _groups(child, path + ("[]." if child.repeated else "."))


_PART = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d*)\])?$")


def split_path(path: str) -> list[tuple[str, int | None]]:
    """``"witnesses[1].surname"`` → ``[("witnesses", 1), ("surname", None)]``.

    ``[]`` (any item) is returned as index ``-1``.
    """
    if path == "":
        return []
    out: list[tuple[str, int | None]] = []
    for part in path.split("."):
        m = _PART.match(part)
        if m is None:
            raise KeyError(path)
        name, index = m.group(1), m.group(2)
        out.append((name, None if index is None else (int(index) if index else -1)))
    return out


def get_value(data: Mapping[str, object], path: str) -> object:
    """The value at ``path`` in an act's data, or ``None`` when absent.

    A concrete index (``witnesses[0].surname``) gives one value; ``[]`` gives the
    list of the values of every item (``spouses[].surname`` → two surnames),
    ``None`` items included so positions stay aligned.
    """
    return _get(data, split_path(path))


def _get(value: object, parts: list[tuple[str, int | None]]) -> object:
    if not parts:
        return value
    if not isinstance(value, Mapping):
        return None
    (name, index), rest = parts[0], parts[1:]
    child = value.get(name)
    if index is None:
        return _get(child, rest)
    if not isinstance(child, list):
        return [] if index == -1 else None
    if index == -1:
        return [_get(item, rest) for item in child]
    return _get(child[index], rest) if index < len(child) else None
