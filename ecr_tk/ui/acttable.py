"""A list of acts (work queues, search results): one line per act, Enter opens it."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import date_text, event_label, niu_text, status_label

tr = translator("ui")


class ActTable(ttk.Frame):
    """Register number, event, person, date, status, NIU; double-click or Enter opens."""

    COLUMNS = ("number", "event", "person", "occurred", "status", "niu")
    WIDTHS = (95, 105, 180, 85, 95, 185)

    def __init__(self, master: tk.Misc, *, on_open: Callable[[Any], None], height: int = 14
                 ) -> None:
        super().__init__(master)
        self.on_open = on_open
        self.rows: dict[str, Any] = {}
        self.tree = ttk.Treeview(self, columns=self.COLUMNS, show="headings", height=height,
                                 selectmode="browse")
        headings = (tr("Register no."), tr("Event"), tr("Person"), tr("Date"), tr("Status"),
                    tr("NIU"))
        for column, heading, width in zip(self.COLUMNS, headings, self.WIDTHS, strict=True):
            self.tree.heading(column, text=heading, anchor="w")
            self.tree.column(column, width=width, minwidth=60, stretch=column == "person")
        scroll = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self.tree.bind("<Double-1>", lambda _e: self.open_selected())
        self.tree.bind("<Return>", lambda _e: self.open_selected())
        self.tree.bind("<KP_Enter>", lambda _e: self.open_selected())
        self.empty = ttk.Label(master, text="", style="Muted.TLabel")

    def show(self, summaries: Sequence[Any], *, empty_text: str = "") -> None:
        self.tree.delete(*self.tree.get_children())
        self.rows.clear()
        for summary in summaries:
            iid = self.tree.insert("", "end", values=(
                summary.register_number, event_label(summary.event_type), summary.principal,
                date_text(summary.occurred_on), status_label(summary.status),
                niu_text(summary.niu)))
            self.rows[iid] = summary
        children = self.tree.get_children()
        if children:
            self.tree.selection_set(children[0])
            self.tree.focus(children[0])
        self.empty.configure(text="" if summaries else empty_text)

    def select_index(self, index: int) -> None:
        children = self.tree.get_children()
        self.tree.selection_set(children[index])
        self.tree.focus(children[index])

    def selected(self) -> Any | None:
        chosen = self.tree.selection()
        return self.rows.get(chosen[0]) if chosen else None

    def open_selected(self) -> None:
        summary = self.selected()
        if summary is not None:
            self.on_open(summary)

    def focus_list(self) -> None:
        self.tree.focus_set()
