"""An act's data as a read-only sheet: sections, groups and values, as on paper.

Walks the data dictionary like the form does, but shows values instead of
inputs: code keys become their labels, dates jj/mm/aaaa, booleans Oui/Non.
Leaves with no value are left out, so the sheet is as short as the act.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Mapping
from tkinter import ttk
from typing import Any

from common.acts.model import EventType, Field, Group, Kind
from common.i18n import translator
from ecr_tk.labels import date_text, niu_text

tr = translator("ui")


def value_text(field: Field, value: Any) -> str:
    """A stored value as people read it."""
    from common.acts.dictionary import code_label

    if value is None:
        return ""
    if field.kind is Kind.CODE and field.code_list:
        return code_label(field.code_list, str(value))
    if field.kind is Kind.BOOL:
        return tr("Yes") if value else tr("No")
    if field.kind is Kind.DATE:
        return date_text(str(value))
    if field.kind is Kind.NIU:
        return niu_text(str(value))
    if field.kind is Kind.COUNTRY:
        from ecr_tk.ui.widgets import country_choices

        return dict(country_choices()).get(str(value), str(value))
    return str(value)


class ActSheet(ttk.Frame):
    """The data of one act under its event's sections (read-only)."""

    def __init__(self, master: tk.Misc, event_type: EventType, data: Mapping[str, Any]) -> None:
        super().__init__(master)
        self.values: dict[str, str] = {}  # path -> text shown (what tests and people read)
        self.columnconfigure(1, weight=1)
        self._row = 0
        for section in event_type.sections:
            present = [m for m in section.members if data.get(m) not in (None, {}, [])]
            if not present:
                continue
            ttk.Label(self, text=section.label(), style="Heading.TLabel").grid(
                row=self._next(), column=0, columnspan=2, sticky="w", pady=(10, 2))
            for name in present:
                node = event_type.root.child(name)
                if node is not None:
                    self._node(node, data.get(name), name, depth=0)

    def _next(self) -> int:
        self._row += 1
        return self._row

    def _node(self, node: Field | Group, value: Any, path: str, depth: int) -> None:
        if value in (None, {}, []):
            return
        if isinstance(node, Field):
            text = value_text(node, value)
            self.values[path] = text
            row = self._next()
            ttk.Label(self, text=node.label(), style="Muted.TLabel", wraplength=260,
                      justify="left").grid(row=row, column=0, sticky="nw",
                                           padx=(16 * depth, 12), pady=1)
            ttk.Label(self, text=text, wraplength=420, justify="left").grid(
                row=row, column=1, sticky="nw", pady=1)
            return
        items = value if node.repeated and isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                continue
            title = f"{node.label()} {index + 1}" if node.repeated else node.label()
            ttk.Label(self, text=title, font="EcrBold").grid(
                row=self._next(), column=0, columnspan=2, sticky="w", padx=(16 * depth, 0),
                pady=(4, 0))
            prefix = f"{path}[{index}]" if node.repeated else path
            for child in node.children:
                self._node(child, item.get(child.name), f"{prefix}.{child.name}", depth + 1)
