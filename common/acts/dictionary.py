"""The data dictionary: the one declarative source of truth of every act's fields.

Forms, validation, the wire encoding, printed documents, statistics views and
search keys all walk what this module exports; nothing else may list an act's
fields.  It is pure data plus lookups: no I/O, no database, no GUI.

* ``EVENTS`` maps the ten event keys (VITAL_EVENTS.md §1) to ``EventType``;
  ``event(key)`` looks one up or raises ``UnknownEventType``.
* ``CODE_LISTS`` maps code-list keys to ``CodeList``; ``code_label`` renders one code.
* ``REGISTRATION_FIELDS`` describes what the system, not the user, records for
  every act (registration date, NIU, register number, timeliness, centre): they
  live in the act envelope (``actjson.ActRecord``), not in ``data``.
* ``urban_rural`` derives urban/rural from a residence's area code with a national
  settings table.

See ``model.py`` for the append-only stability contract the wire encoder relies on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from types import MappingProxyType

from common.acts.blocks import REGISTRATION_FIELDS
from common.acts.codes import CODE_LISTS, COUNTRIES, NOT_STATED
from common.acts.errors import UnknownEventType
from common.acts.events_family import (
    ADOPTION,
    ANNULMENT,
    DIVORCE,
    JUDICIAL_SEPARATION,
    LEGITIMATION,
    MARRIAGE,
    RECOGNITION,
)
from common.acts.events_vital import BIRTH, DEATH, FOETAL_DEATH
from common.acts.model import (
    DICTIONARY_VERSION,
    Code,
    CodeList,
    EventType,
    Field,
    Group,
    Kind,
    Label,
    Section,
    get_value,
    split_path,
)
from common.i18n import translator

tr = translator("acts")

EVENTS: Mapping[str, EventType] = MappingProxyType(
    {
        e.key: e
        for e in (
            BIRTH, DEATH, FOETAL_DEATH, MARRIAGE, DIVORCE, ANNULMENT, JUDICIAL_SEPARATION,
            ADOPTION, LEGITIMATION, RECOGNITION,
        )
    }
)  # fmt: skip

EVENT_BY_TAG: Mapping[int, EventType] = MappingProxyType({e.tag: e for e in EVENTS.values()})


def event(key: str) -> EventType:
    """The event type ``key`` (``"birth"`` …) or ``UnknownEventType``."""
    found = EVENTS.get(key) if isinstance(key, str) else None
    if found is None:
        raise UnknownEventType(
            tr("Unknown event type {key}; expected one of: {keys}",
               key=repr(key), keys=", ".join(EVENTS)),
            field="type", rule="unknown_event_type",
        )  # fmt: skip
    return found


def code_list(key: str) -> CodeList:
    return CODE_LISTS[key]


def code_label(code_list_key: str, code: str, lang: str | None = None) -> str:
    """The label of ``code`` in ``code_list_key`` (the code itself if unknown)."""
    found = CODE_LISTS[code_list_key].code(code)
    return found.label(lang) if found is not None else code


def urban_rural(area_code: object, table: Mapping[str, str] | None = None) -> str:
    """``"urban"``, ``"rural"`` or ``"not_stated"`` for a residence's area code.

    ``table`` is the national settings table mapping area codes, or their
    prefixes (a district code covers its sub-areas), to ``"urban"``/``"rural"``;
    the longest matching prefix wins.  Without a table, or with no match, the
    answer is ``"not_stated"``: ECR does not guess.
    """
    if not table or not isinstance(area_code, str):
        return NOT_STATED
    for end in range(len(area_code), 0, -1):
        value = table.get(area_code[:end])
        if value in ("urban", "rural"):
            return value
    return NOT_STATED


def manifest() -> tuple[str, ...]:
    """One line per event, leaf, code list and code, with tags and positions.

    What a compact encoding depends on, in canonical order.  The dictionary is
    append-only: every line of an older manifest stays in every newer one
    (``tests/common/acts/test_dictionary_stability.py`` holds the committed one).
    """
    lines = [f"version {DICTIONARY_VERSION}"]
    for cl in sorted(CODE_LISTS.values(), key=lambda c: c.tag):
        lines.append(f"codelist {cl.tag} {cl.key}")
        lines += [f"code {cl.key} {i} {c.key}" for i, c in enumerate(cl.codes)]
    for e in sorted(EVENTS.values(), key=lambda e: e.tag):
        lines.append(f"event {e.tag} {e.key}")
        for path, f in e.leaves():
            tags = ".".join(str(t) for t in e.tag_path(path))
            lines.append(f"leaf {e.key} {tags} {path} {f.kind.value} {f.code_list or '-'}")
    return tuple(lines)


def fingerprint() -> str:
    """A short hash of ``manifest()``: two programs with equal fingerprints encode alike."""
    return hashlib.sha256("\n".join(manifest()).encode("utf-8")).hexdigest()[:16]


def _check_dictionary() -> None:
    """Fail at import if a declaration breaks the rules the walkers rely on."""
    tags = [e.tag for e in EVENTS.values()]
    if len(set(tags)) != len(tags):
        raise ValueError("duplicate event tag")
    cl_tags = [c.tag for c in CODE_LISTS.values()]
    if len(set(cl_tags)) != len(cl_tags):
        raise ValueError("duplicate code list tag")
    for e in EVENTS.values():
        for path, f in e.leaves():
            if f.code_list is not None and f.code_list not in CODE_LISTS:
                raise ValueError(f"{e.key}.{path}: unknown code list {f.code_list}")
        top = [c.name for c in e.root.children]
        placed = [m for s in e.sections for m in s.members]
        if sorted(top) != sorted(placed):
            raise ValueError(f"{e.key}: sections must place every top-level member once")


_check_dictionary()

__all__ = [
    "CODE_LISTS",
    "COUNTRIES",
    "DICTIONARY_VERSION",
    "EVENTS",
    "EVENT_BY_TAG",
    "NOT_STATED",
    "REGISTRATION_FIELDS",
    "Code",
    "CodeList",
    "EventType",
    "Field",
    "Group",
    "Kind",
    "Label",
    "Section",
    "UnknownEventType",
    "code_label",
    "code_list",
    "event",
    "fingerprint",
    "get_value",
    "manifest",
    "split_path",
    "urban_rural",
]
