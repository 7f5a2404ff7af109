"""Invalid acts made from valid ones: every rule of the dictionary broken, one way or another.

``single_mutations`` walks an act's fields through the dictionary (never a
hand-made list) and gives, for each, values that break what its kind allows,
plus unknown keys, missing required members and repeat counts out of bounds;
``rule_mutations`` breaks each plausibility rule of VITAL_EVENTS.md §3 (those
name fields: this is test code, it may).  ``mutated_acts`` is the hypothesis
strategy that applies several of them at once.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from common.acts.dictionary import EVENTS
from common.acts.model import EventType, Field, Group, Kind
from common.acts.niu import make_niu

Data = dict[str, Any]
_ITEM = re.compile(r"^(.*)\[(\d+)\]$")


def set_at(data: Data, path: str, value: Any) -> Data:
    """A deep copy of ``data`` with ``value`` at the concrete ``path`` (``DELETE`` removes)."""
    out = copy.deepcopy(data)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        m = _ITEM.match(part)
        node = node[m.group(1)][int(m.group(2))] if m else node.setdefault(part, {})
    last = parts[-1]
    m = _ITEM.match(last)
    if m:
        items = node[m.group(1)]
        if value is DELETE:
            del items[int(m.group(2))]
        else:
            items[int(m.group(2))] = value
    elif value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return out


DELETE = object()


def bad_values(f: Field) -> list[Any]:
    """Values of the wrong type or breaking what ``f`` allows."""
    out: list[Any] = [[], {"x": 1}]
    kind = f.kind
    if kind is Kind.BOOL:
        return [*out, 1, "true", 0]
    if kind is Kind.INT:
        out += [True, "3", 1.5, 1.0, 10**25]
        if f.minimum is not None:
            out += [f.minimum - 1, f.minimum]
        if f.maximum is not None:
            out += [f.maximum + 1, f.maximum]
        return out
    out += [7, True]
    if kind is Kind.DATE:
        return [*out, "2020-02-30", "0000-01-01", "2020-1-01", "2099-01-01", "1849-12-31",
                "2021-02-29", " 2020-01-01", "2020-01-01\n", "１９９０-01-01"]
    if kind is Kind.TIME:
        return [*out, "24:00", "7:30", "07:60", "07:30:00", "０7:30"]
    if kind in (Kind.CODE, Kind.COUNTRY):
        return [*out, "nope", "", "sn", "ZZ", "M ", "not_stated" if kind is Kind.COUNTRY else "F"]
    if kind is Kind.ICD10:
        return [*out, "i21.9", "I21.", "I2", "I21.999", "I2１"]
    if kind is Kind.NIU:
        good = str(make_niu("221001", 2020, 5))
        return [*out, good[:-1] + str((int(good[-1]) + 1) % 10), good[:18], good + "0",
                "２" + good[1:], good[:5] + " " + good[6:]]
    # TEXT, NAME, AREA
    out += ["", "   ", "\u3000", "a\x1bb", "a\x7fb", "a\x85b", "x" * ((f.max_length or 200) + 1)]
    if f.max_length:
        out.append("é" * f.max_length)
    if kind is Kind.NAME:
        out += ["Awa2", "Awa!", "A\u200bwa", "Ndiaye\u202e", "N'Diaye-Sow", "محمد", "Zoë\u0301",
                "Ǆemal", "Ａｗａ"]
    if f.pattern:
        out += ["12a", "1" * 13, "١٢"]
    return out


def _concrete(ev: EventType, data: Data) -> Iterator[tuple[str, Field | Group, Any]]:
    """Every member present in ``data`` with its dictionary node, and its value."""
    def walk(group: Group, obj: Any, prefix: str) -> Iterator[tuple[str, Field | Group, Any]]:
        if not isinstance(obj, dict):
            return
        for child in group.ordered():
            if child.name not in obj:
                continue
            path = f"{prefix}.{child.name}" if prefix else child.name
            value = obj[child.name]
            yield path, child, value
            if isinstance(child, Group):
                if child.repeated and isinstance(value, list):
                    for i, item in enumerate(value):
                        yield from walk(child, item, f"{path}[{i}]")
                elif not child.repeated:
                    yield from walk(child, value, path)

    yield from walk(ev.root, data, "")


def single_mutations(event_type: str, data: Data) -> Iterator[tuple[str, Data]]:
    """``(label, data)``: one field, key or count broken at a time."""
    ev = EVENTS[event_type]
    for key in ("A", "é", "a-b", "x.y", "mother.surname", "child[0]", "[]"):
        yield f"unknown key {key!r}", {**data, key: 1}
    for path, node, value in _concrete(ev, data):
        if isinstance(node, Field):
            for bad in bad_values(node):
                yield f"{path} = {bad!r}"[:120], set_at(data, path, bad)
            yield f"{path} null", set_at(data, path, None)
        else:
            if isinstance(value, dict):
                yield f"{path} unknown member", set_at(data, f"{path}.zz", 1)
            elif node.repeated:
                yield f"{path} unknown member", set_at(data, path, [{"zz": 1}])
            for bad in ("x", 3, True, [] if not node.repeated else {}):
                yield f"{path} = {bad!r}", set_at(data, path, bad)
            if node.repeated and isinstance(value, list) and value:
                assert node.repeat_min is not None and node.repeat_max is not None
                yield f"{path} too many", set_at(data, path, value * node.repeat_max + value)
                yield f"{path} too few", set_at(data, path, value[:node.repeat_min - 1])
                yield f"{path} item not an object", set_at(data, f"{path}[0]", "x")
                yield f"{path} null item", set_at(data, f"{path}[0]", None)
        if node.required:
            yield f"{path} missing", set_at(data, path, DELETE)


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def rule_mutations(event_type: str, data: Data,
                   registered_on: dt.date) -> Iterator[tuple[str, Data]]:
    """``(label, data)`` breaking the cross-field rules (plausibility.py) where they apply."""
    occurred = data["occurred_on"]
    today = registered_on.isoformat()
    yield "occurred in the future", set_at(data, "occurred_on", _shift(today, 2))
    yield "occurred long ago, no court decision", set_at(data, "occurred_on", "1990-06-01")
    yield "decided before the event", set_at(set_at(data, "occurred_on", "1990-06-01"),
                                             "registration_court_decision",
                                             {"decision_date": "1990-05-01", "reference": "J 1"})
    yield "decided after registration", set_at(set_at(data, "occurred_on", "1990-06-01"),
                                               "registration_court_decision",
                                               {"decision_date": _shift(today, 1),
                                                "reference": "J 1"})
    for path, node, value in _concrete(EVENTS[event_type], data):
        if isinstance(node, Group) and not node.repeated and node.child("birth_date"):
            yield f"{path} born after the event", set_at(data, f"{path}.birth_date",
                                                         _shift(occurred, 1))
            if node.child("age"):
                yield f"{path} age inconsistent", set_at(
                    set_at(data, f"{path}.birth_date", "1980-01-01"), f"{path}.age", 3)
                yield f"{path} age only", set_at(set_at(data, f"{path}.birth_date", DELETE),
                                                 f"{path}.age", 8)
        if isinstance(node, Group) and node.repeated and node.child("birth_date"):
            last = len(value) - 1
            yield f"{path}[0] born after", set_at(data, f"{path}[0].birth_date", occurred)
            yield f"{path}[{last}] aged 12", set_at(
                set_at(data, f"{path}[{last}].birth_date", DELETE), f"{path}[{last}].age", 12)
    if "mother" in data:
        mother = data["mother"]
        for age_birth in ("1930-01-01", _shift(occurred, -9 * 365)):
            yield f"mother born {age_birth}", set_at(data, "mother.birth_date", age_birth)
        yield "mother aged 65", set_at(set_at(data, "mother.birth_date", DELETE), "mother.age", 65)
        yield "more living than born", set_at(set_at(data, "mother.children_born_alive", 1),
                                              "mother.children_still_living", 2)
        yield "no child born alive", set_at(data, "mother.children_born_alive", 0)
        yield "last birth after", set_at(data, "mother.last_live_birth_on", _shift(occurred, 1))
        if mother.get("last_live_birth_on"):
            yield "last birth before", set_at(data, "mother.last_live_birth_on",
                                              _shift(occurred, -400))
    if "birth_type" in data:
        yield "twins, no rank", set_at(set_at(data, "birth_type", "twin"), "rank_in_delivery",
                                       DELETE)
        yield "single, rank 2", set_at(data, "rank_in_delivery", 2)
        yield "triplet rank 4", set_at(set_at(data, "birth_type", "triplet"),
                                       "rank_in_delivery", 4)
        yield "higher rank 9", set_at(set_at(data, "birth_type", "higher"), "rank_in_delivery", 9)
        yield "not stated, no rank", set_at(set_at(data, "birth_type", "not_stated"),
                                            "rank_in_delivery", DELETE)
    if event_type == "death":
        yield "pregnancy-related man", set_at(set_at(data, "deceased.sex", "M"),
                                              "pregnancy_related", True)
        yield "pregnancy-related at 70", set_at(set_at(data, "deceased.birth_date", "1950-01-01"),
                                                "pregnancy_related", False)
        yield "infant aged 30", set_at(data, "infant", {"mother_residence": {"locality": "Thiès"}})
        yield "death before birth", set_at(data, "deceased.birth_date", _shift(occurred, 3))
    if event_type == "marriage":
        yield "spouse 16", set_at(data, "spouses[0].birth_date", _shift(occurred, -16 * 366))
        yield "spouse married", set_at(data, "spouses[1].previous_marital_status", "married")
        yield "polygamy option", set_at(data, "polygamy_option", "polygamy")
    if "marriage_date" in data:
        yield "married after", set_at(data, "marriage_date", _shift(occurred, 1))
        yield "decided before marriage", set_at(data, "court.decision_date",
                                                _shift(data["marriage_date"], -1))
    if "parents" in data:
        parents = data["parents"]
        yield "mother is a man", set_at(set_at(data, "parents[0].role", "mother"),
                                        "parents[0].sex", "M")
        yield "father is a woman", set_at(set_at(data, "parents[0].role", "father"),
                                          "parents[0].sex", "F")
        if len(parents) == 2:
            both = set_at(data, "parents[1].role", parents[0]["role"])
            yield "same role twice", set_at(both, "parents[1].sex", parents[0]["sex"])
        yield "parent born after child", set_at(data, "parents[0].birth_date",
                                                data["child"].get("birth_date") or occurred)
        yield "no court nor declaration", set_at(set_at(data, "court", DELETE), "declaration",
                                                 DELETE)


@st.composite
def mutated_acts(draw: st.DrawFn, corpus: list[tuple[str, Data, dt.date]]
                 ) -> tuple[str, Data, dt.date]:
    """An act of ``corpus`` with one to three of its single or rule mutations applied."""
    event_type, data, registered_on = draw(st.sampled_from(corpus))
    options = list(single_mutations(event_type, data))
    options += list(rule_mutations(event_type, data, registered_on))
    _, data = draw(st.sampled_from(options))
    for _ in range(draw(st.integers(0, 2))):  # then more, on what the first left
        _, data = draw(st.sampled_from([("same", data), *single_mutations(event_type, data)]))
    return event_type, data, registered_on
