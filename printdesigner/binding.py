"""What a template's fields and placeholders print for one act.

``PrintContext`` is everything a document shows besides its layout: the act's
data (addressed by the data dictionary's dotted paths), the values the system
computes (NIU, register number, mentions, issuance date, officer, centre…) and
the copy number.  ``field_text`` and ``computed_text`` turn them into the words
of the page; the dictionary decides how a leaf is written (its kind, its code
list), so no field is ever listed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from common.acts.model import Field, Group, get_value
from common.i18n import translator
from printdesigner.formats import FieldInfo, format_value
from printdesigner.placeholders import Placeholder, parse_placeholders

tr = translator("print")


@dataclass(frozen=True)
class PrintContext:
    """One act ready to print.

    ``computed`` holds the system's values by the names of ``model.COMPUTED``;
    ``mentions`` are the marginal mentions' texts, oldest first.
    """

    event_type: str | None
    data: Mapping[str, Any]
    computed: Mapping[str, Any] = field(default_factory=dict)
    mentions: Sequence[str] = ()
    copy_number: int = 1
    qr_text: str | None = None


def field_info(event_type: str | None, path: str) -> FieldInfo:
    """The dictionary's description of a leaf (empty if the path is unknown)."""
    if not event_type:
        return FieldInfo()
    from common.acts.dictionary import EVENTS

    event = EVENTS.get(event_type)
    if event is None:
        return FieldInfo()
    try:
        node = event.node(path)
    except KeyError:
        return FieldInfo()
    if isinstance(node, Field):
        return FieldInfo(kind=str(node.kind), code_list=node.code_list, name=node.name)
    return FieldInfo(kind="group", name=node.name)


def unknown_paths(event_type: str, paths: Sequence[str]) -> list[str]:
    """The paths that name no field or group of the event (for template checks)."""
    from common.acts.dictionary import EVENTS

    event = EVENTS[event_type]
    missing = []
    for path in paths:
        try:
            event.node(path)
        except KeyError:
            missing.append(path)
    return missing


def _flatten(value: object) -> list[object]:
    if isinstance(value, list):
        out: list[object] = []
        for item in value:
            out.extend(_flatten(item))
        return out
    return [value]


def _group_text(event_type: str | None, path: str, value: Mapping[str, Any], fmt: str) -> str:
    """A whole group (``place``) printed as its leaves' values in dictionary order."""
    from common.acts.dictionary import EVENTS

    event = EVENTS.get(event_type or "")
    node = event.node(path) if event else None
    names = [c.name for c in node.ordered()] if isinstance(node, Group) else sorted(value)
    parts = []
    for name in names:
        if name in value and not isinstance(value[name], Mapping | list):
            text = format_value(value[name], fmt, field_info(event_type, f"{path}.{name}"))
            if text:
                parts.append(text)
    return ", ".join(parts)


def field_text(ctx: PrintContext, path: str, fmt: str = "auto", separator: str = ", ") -> str:
    """The text a data field prints ('' when the act has no value there)."""
    value = get_value(ctx.data, path)
    info = field_info(ctx.event_type, path)
    texts = []
    for item in _flatten(value):
        if isinstance(item, Mapping):
            text = _group_text(ctx.event_type, path.replace("[]", ""), item, fmt)
        else:
            text = format_value(item, fmt, info)
        if text:
            texts.append(text)
    return separator.join(texts)


def computed_text(ctx: PrintContext, name: str, fmt: str = "auto", *, page: int = 1,
                  pages: int = 1) -> str:
    """The text of a computed value; page numbers are known only while drawing."""
    if name == "page_number":
        return format_value(page, fmt)
    if name == "page_count":
        return format_value(pages, fmt)
    if name == "mentions":
        return "\n".join(ctx.mentions)
    if name == "copy_number":
        return format_value(ctx.copy_number, fmt)
    if name == "event_label":
        return _event_label(ctx.event_type, fmt)
    value = ctx.computed.get(name)
    if value is None:
        return ""
    if name == "fee" and isinstance(value, tuple):
        amount, currency = value
        return f"{format_value(amount, 'auto')} {currency}".strip()
    if name in ("issuance_date", "registered_on") and fmt == "auto":
        fmt = "date_long"
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_value(value, fmt, _COMPUTED_INFO.get(name, FieldInfo()))


#: Computed values written as the dictionary's leaves of the same kind are.
_COMPUTED_INFO = {"niu": FieldInfo(kind="niu")}


def _event_label(event_type: str | None, fmt: str) -> str:
    if not event_type:
        return ""
    from common.acts.dictionary import EVENTS
    from common.i18n import get_language

    event = EVENTS.get(event_type)
    text = event.label(get_language()) if event else event_type
    return text.upper() if fmt == "upper" else text


def paragraph_text(ctx: PrintContext, text: str, *, page: int = 1, pages: int = 1) -> str:
    """Running text with its placeholders filled."""
    out = []
    for part in parse_placeholders(text):
        if isinstance(part, Placeholder):
            if part.computed:
                out.append(computed_text(ctx, part.name, part.format, page=page, pages=pages))
            else:
                out.append(field_text(ctx, part.name, part.format))
        else:
            out.append(part)
    return "".join(out)
