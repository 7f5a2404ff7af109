"""Hypothesis strategies for acts, derived from the data dictionary (never hand-listed)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from common.acts.actjson import ActRecord
from common.acts.codes import COUNTRIES
from common.acts.dictionary import CODE_LISTS, EVENTS
from common.acts.model import Field, Group, Kind

_DATES = st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))


def leaf(f: Field) -> st.SearchStrategy[object]:
    kind = f.kind
    if kind is Kind.INT:
        low = f.minimum if f.minimum is not None else -(10**9)
        high = f.maximum if f.maximum is not None else 10**9
        return st.integers(low, high)
    if kind is Kind.BOOL:
        return st.booleans()
    if kind is Kind.DATE:
        return _DATES.map(dt.date.isoformat)
    if kind is Kind.TIME:
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if kind is Kind.CODE:
        assert f.code_list is not None
        return st.sampled_from(CODE_LISTS[f.code_list].keys())
    if kind is Kind.NIU:
        return st.integers(0, 10**19 - 1).map(lambda v: f"{v:019d}")
    if kind is Kind.COUNTRY:
        return st.sampled_from(sorted(COUNTRIES))
    return st.text(max_size=min(f.max_length or 60, 60))


def group(g: Group, depth: int = 0) -> st.SearchStrategy[dict[str, object]]:
    optional = {}
    for child in g.children:
        if isinstance(child, Field):
            optional[child.name] = leaf(child)
        elif child.repeated:
            optional[child.name] = st.lists(group(child, depth + 1), min_size=0,
                                            max_size=min(child.repeat_max or 0, 3))
        else:
            optional[child.name] = group(child, depth + 1)
    return st.fixed_dictionaries({}, optional=optional)


@st.composite
def act_records(draw: st.DrawFn) -> ActRecord:
    """Structurally well-typed acts (not plausible ones: for the codec alone)."""
    key = draw(st.sampled_from(sorted(EVENTS)))
    registered = draw(st.none() | _DATES)
    return ActRecord(
        event_type=key, data=draw(group(EVENTS[key].root)),
        status=draw(st.sampled_from(["draft", "verified", "validated"])),
        niu=draw(st.none() | st.integers(0, 10**19 - 1).map(lambda v: f"{v:019d}")),
        register_number=draw(st.none() | st.text(min_size=1, max_size=20)),
        centre_code=draw(st.none() | st.from_regex(r"[0-9]{6}", fullmatch=True)),
        registered_on=registered,
        timeliness=draw(st.none() | st.sampled_from(CODE_LISTS["timeliness"].keys())),
        mentions=tuple(draw(st.lists(st.fixed_dictionaries(
            {"kind": st.sampled_from(["rectification", "marriage"]),
             "text": st.text(max_size=40)}), max_size=2))),
    )
