"""Transmission status (officer): validated acts on their way to the SCEC.

Validated acts wait in the outbox, transmitted ones wait for the SCEC's signed
receipt, acknowledged ones are done.  The counts come from the search service
(by status); the transmitter and its settings belong to the transmission
feature, which adds its own page to the settings.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import status_label
from ecr_tk.ui.acttable import ActTable
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")

STAGES = ("validated", "transmitted", "acknowledged")
PAGE = 100


@register("transmission")
class TransmissionView(View):
    permission = "queue.to_validate"
    nav_order = 40

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Transmission")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        super().__init__(master, bench, **options)
        boxes = ttk.Frame(self)
        boxes.pack(fill="x", pady=(10, 8))
        self.counts: dict[str, ttk.Label] = {}
        texts = {"validated": tr("Waiting to be sent"),
                 "transmitted": tr("Sent, waiting for the SCEC's receipt"),
                 "acknowledged": tr("Received by the SCEC")}
        for stage in STAGES:
            card = ttk.Frame(boxes, style="Card.TFrame", padding=(14, 8))
            card.pack(side="left", padx=(0, 10))
            count = ttk.Label(card, text="…", style="Card.Title.TLabel")
            count.pack(anchor="w")
            ttk.Label(card, text=texts[stage], style="Card.Muted.TLabel").pack(anchor="w")
            self.counts[stage] = count
        ttk.Label(self, text=tr("Acts waiting to be sent"), style="Heading.TLabel").pack(
            anchor="w", pady=(8, 2))
        self.table = ActTable(self, on_open=self.open_act, height=10)
        self.table.pack(fill="both", expand=True)
        ttk.Button(self.heading, text=tr("Refresh"), command=self.refresh).pack(side="right")

    @guarded
    def refresh(self) -> None:
        from ecr_tk.services.values import SearchCriteria

        waiting: list[Any] = []
        for stage in STAGES:
            found = self.session.search(SearchCriteria(status=stage, page_size=PAGE))
            more = "+" if len(found) >= PAGE else ""
            self.counts[stage].configure(text=f"{len(found)}{more}")
            if stage == "validated":
                waiting = found
        self.table.show(waiting, empty_text=tr("Nothing is waiting: every validated act "
                                               "has been sent."))

    @guarded
    def open_act(self, summary: Any) -> None:
        self.bench.open("act.view", act_id=summary.id)


__all__ = ["TransmissionView", "status_label"]
