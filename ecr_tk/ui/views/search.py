"""Search: the core's criteria, a result list, and the act opened read-only."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import STATUSES, event_label, status_label
from ecr_tk.ui.acttable import ActTable
from ecr_tk.ui.dates import DateField, DateTextError
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import CheckBox, ChoiceBox

tr = translator("ui")

PAGE_SIZE = 20


@register("search")
class SearchView(View):
    permission = "act.search"
    nav_order = 50

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Search")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        from common.acts.dictionary import EVENTS

        super().__init__(master, bench, **options)
        box = ttk.Frame(self)
        box.pack(fill="x", pady=(8, 4))
        self.inputs: dict[str, Any] = {}

        def text(row: int, col: int, key: str, label: str, width: int = 22) -> None:
            ttk.Label(box, text=label).grid(row=row, column=col, sticky="w", padx=(0, 6), pady=2)
            widget = ttk.Entry(box, width=width)
            widget.grid(row=row, column=col + 1, sticky="w", padx=(0, 16), pady=2)
            widget.bind("<Return>", lambda _e: self.search())
            self.inputs[key] = widget

        text(0, 0, "surname", tr("Surname"))
        text(0, 2, "given_names", tr("Given names"))
        text(1, 0, "parent_name", tr("Father's or mother's name"))
        text(1, 2, "niu", tr("NIU"))
        text(2, 0, "register_number", tr("Register no. (123/2026)"))
        ttk.Label(box, text=tr("Event")).grid(row=2, column=2, sticky="w", padx=(0, 6))
        self.event = ChoiceBox(box, [(k, e.label()) for k, e in EVENTS.items()], width=20)
        self.event.grid(row=2, column=3, sticky="w", pady=2)
        ttk.Label(box, text=tr("Occurred from")).grid(row=3, column=0, sticky="w", padx=(0, 6))
        self.occurred_from = DateField(box, hint=False)
        self.occurred_from.grid(row=3, column=1, sticky="w", pady=2)
        ttk.Label(box, text=tr("to")).grid(row=3, column=2, sticky="w", padx=(0, 6))
        self.occurred_to = DateField(box, hint=False)
        self.occurred_to.grid(row=3, column=3, sticky="w", pady=2)
        ttk.Label(box, text=tr("Status")).grid(row=4, column=0, sticky="w", padx=(0, 6))
        self.status = ChoiceBox(box, [(k, status_label(k)) for k in STATUSES], width=20)
        self.status.grid(row=4, column=1, sticky="w", pady=2)
        self.fuzzy = CheckBox(box, text=tr("Also names that sound alike"))
        self.fuzzy.grid(row=4, column=2, columnspan=2, sticky="w")
        self.national: CheckBox | None = None
        if self.session.can("act.search_national"):
            # acts of other centres, asked to the SCEC (names, NIU, event, dates only)
            self.national = CheckBox(box, text=tr("In the whole country (asks the SCEC)"))
            self.national.grid(row=5, column=0, columnspan=4, sticky="w", pady=(2, 0))
        row = ttk.Frame(self)
        row.pack(fill="x", pady=(4, 6))
        self.search_button = ttk.Button(row, text=tr("Search"), style="Accent.TButton",
                                        command=self.search)
        self.search_button.pack(side="left")
        ttk.Button(row, text=tr("Clear"), command=self.clear).pack(side="left", padx=(8, 0))
        self.page_label = ttk.Label(row, text="", style="Muted.TLabel")
        self.next_button = ttk.Button(row, text=tr("Next page"), command=self.next_page)
        self.previous_button = ttk.Button(row, text=tr("Previous page"),
                                          command=self.previous_page)
        self.table = ActTable(self, on_open=self.open_act, height=10)
        self.table.pack(fill="both", expand=True)
        self.table.empty.pack(anchor="w")
        self.page = 0
        self.results: list[Any] = []
        self.after_idle(self.inputs["surname"].focus_set)

    def criteria(self) -> Any:
        from ecr_tk.services.values import SearchCriteria

        values: dict[str, Any] = {k: w.get().strip() or None for k, w in self.inputs.items()}
        values["event_type"] = self.event.get_key()
        values["status"] = self.status.get_key()
        values["occurred_from"] = self.occurred_from.get_date()
        values["occurred_to"] = self.occurred_to.get_date()
        return SearchCriteria(**values, fuzzy=self.fuzzy.checked, page=self.page,
                              page_size=PAGE_SIZE)

    @guarded
    def search(self, *, page: int = 0) -> None:
        self.messages.clear()
        self.page = page
        try:
            criteria = self.criteria()
        except DateTextError as exc:
            self.messages.error(exc.reason)
            return
        if self.national is not None and self.national.checked:
            self.ask_the_country(criteria)
            return
        self.results = self.session.search(criteria)
        self.table.show(self.results, empty_text=tr("No act matches these criteria."))
        self._paging()
        if self.results:
            self.table.focus_list()

    def ask_the_country(self, criteria: Any) -> None:
        """Record the question (the database audits it) and follow it in the national view."""
        if criteria.register_number or criteria.parent_name or criteria.status:
            self.messages.error(tr("In the whole country, search by NIU or by names, event "
                                   "and dates (register numbers and states are a centre's)"))
            return
        query_id = self.session.national.ask({
            "niu": criteria.niu, "surname": criteria.surname,
            "given_names": criteria.given_names, "event_type": criteria.event_type,
            "occurred_from": criteria.occurred_from, "occurred_to": criteria.occurred_to})
        self.bench.open("national", query_id=str(query_id))

    def _paging(self) -> None:
        for widget in (self.page_label, self.previous_button, self.next_button):
            widget.pack_forget()
        if not self.results and self.page == 0:
            return
        self.page_label.configure(text=tr("Page {page}", page=self.page + 1))
        self.page_label.pack(side="right")
        if len(self.results) >= PAGE_SIZE:
            self.next_button.pack(side="right", padx=(0, 8))
        if self.page > 0:
            self.previous_button.pack(side="right", padx=(0, 8))

    def next_page(self) -> None:
        self.search(page=self.page + 1)

    def previous_page(self) -> None:
        self.search(page=max(0, self.page - 1))

    def clear(self) -> None:
        for widget in self.inputs.values():
            widget.delete(0, "end")
        self.event.set_key(None)
        self.status.set_key(None)
        self.occurred_from.set_date(None)
        self.occurred_to.set_date(None)
        self.table.show([])
        self.results = []
        self._paging()

    @guarded
    def open_act(self, summary: Any) -> None:
        self.bench.open("act.view", act_id=summary.id)

    def shortcut(self, name: str) -> bool:
        if name == "next":
            self.search()
            return True
        return False


__all__ = ["SearchView", "event_label"]
