"""Notices from the SCEC (officer, secretaries): what the country says about this centre's acts.

A possible duplicate (an act of this centre looks like an act another centre
registered: the SCEC reviews the pair, the centre checks it with the persons
concerned), the SCEC's decision on it, and a mention this centre sent that the
holding centre wrote on its act.  The database records each notice once,
audits who listed them and who marked one read; no rule lives here.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from common.i18n import N_, translate, translator
from ecr_tk.labels import datetime_text, event_label, niu_text, notice_text
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")


@register("notices")
class NoticesView(View):
    permission = "notice.read"
    nav_order = 57

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Notices from the SCEC")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        super().__init__(master, bench, **options)
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(10, 4))
        self.show_all = tk.BooleanVar(value=False)
        self.all_box = ttk.Checkbutton(bar, text=tr("Also the notices already read"),
                                       variable=self.show_all, command=self.refresh)
        self.all_box.pack(side="left")
        self.read_button = ttk.Button(bar, text=tr("Mark as read"), command=self.mark_read,
                                      state="disabled")
        self.read_button.pack(side="right")
        self.notices = ttk.Treeview(self, columns=("received", "state"), show="tree headings",
                                    height=8, selectmode="browse")
        self.notices.heading("#0", text=tr("Notice"))
        self.notices.column("#0", width=640, stretch=True)
        for column, title, width in (("received", tr("Received on"), 130),
                                     ("state", tr("Read"), 150)):
            self.notices.heading(column, text=title)
            self.notices.column(column, width=width, anchor="w", stretch=False)
        self.notices.pack(fill="both", expand=True)
        self.notices.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.detail = ttk.Label(self, text="", justify="left", wraplength=940)
        self.detail.pack(anchor="w", fill="x", pady=(8, 0))
        ttk.Button(self.heading, text=tr("Refresh"), command=self.refresh).pack(side="right")
        self._rows: dict[str, dict[str, Any]] = {}
        self.refresh()

    @guarded
    def refresh(self) -> None:
        rows = self.session.national.notices(unread_only=not self.show_all.get())
        self.notices.delete(*self.notices.get_children())
        self._rows = {}
        for row in rows:
            state = (tr("{who}, {when}", who=row["read_by"], when=datetime_text(row["read_at"]))
                     if row["read_at"] else tr("unread"))
            item = self.notices.insert("", "end", text=_short(row),
                                       values=(datetime_text(row["received_at"]), state))
            self._rows[item] = row
        if not rows:
            self.detail.configure(text=tr("No notice from the SCEC") if self.show_all.get()
                                  else tr("No unread notice from the SCEC"))
        else:
            self.detail.configure(text="")
        self._selected()

    def _selected(self) -> None:
        chosen = self.notices.selection()
        row = self._rows.get(chosen[0]) if chosen else None
        if row is not None:
            self.detail.configure(text=notice_text(row))
        self.read_button.configure(state="normal" if row is not None and not row["read_at"]
                                   else "disabled")

    @guarded
    def mark_read(self) -> None:
        chosen = self.notices.selection()
        row = self._rows.get(chosen[0]) if chosen else None
        if row is None:
            return
        self.session.national.mark_read(int(row["id"]))
        self.messages.info(tr("Notice marked as read"))
        self.refresh()


_KINDS = {"possible_duplicate": N_("Possible duplicate"),
          "duplicate_resolved": N_("SCEC's decision"),
          "mention_applied": N_("Mention written elsewhere")}


def _short(row: dict[str, Any]) -> str:
    """One line of the list; the whole sentence is under it (``notice_text``)."""
    own = (tr("{event} no. {number}", event=event_label(str(row["own_event_type"])),
              number=row["own_register_number"]) if row.get("own_register_number")
           else niu_text(str(row["other_niu" if row["kind"] == "mention_applied" else "niu"])))
    return tr("{kind}: {own} · centre {centre}", kind=translate("ui", _KINDS[row["kind"]]),
              own=own, centre=row["other_centre"])
