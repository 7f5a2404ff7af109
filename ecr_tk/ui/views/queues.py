"""Work queues by role, and the choice of a new act's event type.

Agent: a new act, my drafts, rejected acts to fix.  Secretary: acts to verify.
Officer: acts to validate.  Each queue lists the oldest first; opening an act
takes the person to the step their role does on it (the form for the agent,
the act with its verify / validate buttons for the others).
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any, ClassVar

from common.i18n import translator
from ecr_tk.labels import queue_label
from ecr_tk.ui.acttable import ActTable
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")


@register("act.new")
class NewActView(View):
    """Ten buttons, one per event type, in the dictionary's order."""

    permission = "act.draft"
    nav_order = 10

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("New act")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        from common.acts.dictionary import EVENTS

        super().__init__(master, bench, **options)
        ttk.Label(self, text=tr("Which event is declared?"), style="Heading.TLabel").pack(
            anchor="w", pady=(12, 8))
        grid = ttk.Frame(self)
        grid.pack(anchor="w")
        self.event_buttons: dict[str, ttk.Button] = {}
        for index, (key, event) in enumerate(EVENTS.items()):
            button = ttk.Button(grid, text=event.label(), width=28,
                                command=lambda k=key: self.start(k))
            button.grid(row=index // 2, column=index % 2, padx=(0, 10), pady=4, sticky="w")
            self.event_buttons[key] = button

    @guarded
    def start(self, event_type: str) -> None:
        self.bench.open("act.edit", event_type=event_type)


class QueueView(View):
    """One work queue: the acts waiting for this user's step."""

    queue: ClassVar[str] = ""
    opens: ClassVar[str] = "act.view"

    @classmethod
    def title_for_nav(cls) -> str:
        return queue_label(cls.queue)

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        super().__init__(master, bench, **options)
        self.count_label = ttk.Label(self.heading, text="", style="Count.TLabel")
        self.count_label.pack(side="left", padx=(10, 0))
        refresh = ttk.Button(self.heading, text=tr("Refresh"), command=self.refresh)
        refresh.pack(side="right")
        ttk.Label(self, text=tr("Double-click an act, or select it and press Enter, to open it."),
                  style="Muted.TLabel").pack(anchor="w", pady=(6, 4))
        self.table = ActTable(self, on_open=self.open_act)
        self.table.pack(fill="both", expand=True)
        self.table.empty.pack(anchor="w", pady=(6, 0))
        self.acts: list[Any] = []

    @guarded
    def refresh(self) -> None:
        self.acts = self.session.acts.queue(self.queue)
        self.table.show(self.acts, empty_text=tr("Nothing waiting here."))
        self.count_label.configure(text=str(len(self.acts)))
        self.bench.refresh_counts()
        self.table.focus_list()

    @guarded
    def open_act(self, summary: Any) -> None:
        self.bench.open(self.opens, act_id=summary.id, queue=self.queue)

    def next_after(self, act_id: int) -> Any | None:
        """The act that follows ``act_id`` in this queue now (for "next")."""
        acts = self.session.acts.queue(self.queue)
        return next((a for a in acts if a.id != act_id), None)


@register("queue.my_drafts")
class MyDraftsView(QueueView):
    queue = "my_drafts"
    permission = "queue.my_drafts"
    opens = "act.edit"
    nav_order = 20


@register("queue.rejected")
class RejectedView(QueueView):
    queue = "rejected"
    permission = "queue.rejected"
    opens = "act.edit"
    nav_order = 30


@register("queue.to_verify")
class ToVerifyView(QueueView):
    queue = "to_verify"
    permission = "queue.to_verify"
    nav_order = 20


@register("queue.to_validate")
class ToValidateView(QueueView):
    queue = "to_validate"
    permission = "queue.to_validate"
    nav_order = 20
