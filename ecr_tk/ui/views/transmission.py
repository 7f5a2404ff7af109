"""Transmission (officer): what is on its way to the SCEC, what it refused, and T2D.

The same figures as ``ecr transmission status``, read through the officer's
session (``session.transmission``) and refreshed every few seconds: waiting to
be sent, sent and waiting for the receipt, acknowledged today, refused by the
SCEC (each with its reason), last contact, next attempt, current link.  The
two T2D buttons write the containers to a folder (a USB stick) and read the
SCEC's answers back, with a progress bar; they run where the transmitter runs
(the background worker is paused meanwhile).  No rule lives here.
"""

from __future__ import annotations

import datetime as dt
import queue
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from common.i18n import translator
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")

REFRESH_MS = 3000
CARDS = ("pending", "in_flight", "acknowledged_today", "refused")


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
        texts = {"pending": tr("Waiting to be sent"),
                 "in_flight": tr("Sent, waiting for the SCEC's receipt"),
                 "acknowledged_today": tr("Received by the SCEC today"),
                 "refused": tr("Refused by the SCEC")}
        for key in CARDS:
            card = ttk.Frame(boxes, style="Card.TFrame", padding=(14, 8))
            card.pack(side="left", padx=(0, 10))
            count = ttk.Label(card, text="…", style="Card.Title.TLabel")
            count.pack(anchor="w")
            ttk.Label(card, text=texts[key], style="Card.Muted.TLabel").pack(anchor="w")
            self.counts[key] = count
        self.link_label = ttk.Label(self, text="", justify="left")
        self.link_label.pack(anchor="w", pady=(2, 6))
        ttk.Label(self, text=tr("Refused by the SCEC (to review with the SCEC)"),
                  style="Heading.TLabel").pack(anchor="w", pady=(8, 2))
        self.refused = ttk.Treeview(self, columns=("niu", "kind", "reason", "when"),
                                    show="headings", height=6)
        for column, title, width in (("niu", tr("NIU"), 190), ("kind", tr("Kind"), 90),
                                     ("reason", tr("SCEC's reason"), 260),
                                     ("when", tr("Refused on"), 170)):
            self.refused.heading(column, text=title)
            self.refused.column(column, width=width, anchor="w")
        self.refused.pack(fill="both", expand=True)
        t2d = ttk.Frame(self)
        t2d.pack(fill="x", pady=(10, 0))
        ttk.Label(t2d, text=tr("Removable media (T2D)"), style="Heading.TLabel").pack(anchor="w")
        buttons = ttk.Frame(t2d)
        buttons.pack(fill="x", pady=(4, 2))
        self.export_button = ttk.Button(buttons, text=tr("Write for the SCEC to a folder…"),
                                        command=self.export_t2d)
        self.export_button.pack(side="left")
        self.import_button = ttk.Button(buttons, text=tr("Read the SCEC's answers from a "
                                                         "folder…"), command=self.import_t2d)
        self.import_button.pack(side="left", padx=(8, 0))
        self.progress = ttk.Progressbar(t2d, mode="determinate", maximum=1)
        self.progress.pack(fill="x", pady=(4, 0))
        self.t2d_label = ttk.Label(t2d, text="")
        self.t2d_label.pack(anchor="w")
        ttk.Button(self.heading, text=tr("Refresh"), command=self.refresh).pack(side="right")
        self._progress: queue.Queue[tuple[int, int]] = queue.Queue()
        self._job: str | None = None
        self._schedule()

    # ------------------------------------------------------------------ figures
    def _schedule(self) -> None:
        try:
            self._job = self.after(REFRESH_MS, self._tick)
        except tk.TclError:
            self._job = None

    def _tick(self) -> None:
        if not self.winfo_exists():
            return
        try:
            self.refresh()
        finally:
            self._schedule()

    def destroy(self) -> None:
        if self._job is not None:
            try:
                self.after_cancel(self._job)
            except tk.TclError:
                pass
        super().destroy()

    @guarded
    def refresh(self) -> None:
        figures = self.session.transmission.status()
        for key in CARDS:
            self.counts[key].configure(text=str(figures[key]))
        self.link_label.configure(text="\n".join(self._link_lines(figures)))
        self.refused.delete(*self.refused.get_children())
        for entry in figures["refused_entries"]:
            self.refused.insert("", "end", values=(
                entry["niu"], entry["kind"], entry["reason"], _when(entry["refused_at"])))
        home = self.bench.app.home
        if home is not None:
            from ecr_tk.transmission.service import centre_revoked

            if centre_revoked(home):
                self.messages.error(tr("This centre's certificate is revoked by the SCEC: "
                                       "what it sends is set aside. Contact the SCEC."))

    def _link_lines(self, figures: dict[str, Any]) -> list[str]:
        app = self.bench.app
        here = app.transmitter is not None and app.transmitter.transmitting
        lines = [tr("Current link: {link}", link=figures["link"] or tr("not connected")),
                 tr("Last contact with the SCEC: {when}",
                    when=_when(figures["last_contact"]) or tr("never"))]
        if figures.get("next_retry") and not figures["link"]:
            lines.append(tr("Next attempt: {when}", when=_when(figures["next_retry"])))
        lines.append(tr("This workstation transmits") if here else tr(
            "Transmission is done by the centre's server or another workstation"))
        if figures["needs_sync"]:
            lines.append(tr("Getting back in step with the SCEC: nothing new is sent until "
                            "it answers"))
        return lines

    # ---------------------------------------------------------------------- T2D
    def export_t2d(self, folder: str | None = None) -> None:
        self._t2d("export", folder)

    def import_t2d(self, folder: str | None = None) -> None:
        self._t2d("import", folder)

    @guarded
    def _t2d(self, direction: str, folder: str | None) -> None:
        from ecr_tk.ui.app import Background

        chosen = folder or filedialog.askdirectory(
            parent=self, mustexist=True, title=tr("Choose the USB stick or folder"))
        if not chosen:
            return
        home = self.bench.app.home
        config = self.bench.app.centre.config
        worker = self.bench.app.transmitter
        path = Path(chosen)

        def work() -> Any:
            from ecr_tk.transmission import service, t2d

            def progress(done: int, total: int) -> None:
                self._progress.put((done, total))  # read on the Tk thread

            def run() -> Any:
                with service.opened(home, config) as t:
                    if direction == "export":
                        return t2d.export(t, path, progress)
                    return t2d.import_answers(t, path, progress)

            return worker.paused(run) if worker is not None else run()

        for button in (self.export_button, self.import_button):
            button.state(["disabled"])
        self.t2d_label.configure(text=tr("Working…"))
        self._poll_progress()
        Background(self, work, self._t2d_done, self._t2d_failed)

    def _drain_progress(self) -> None:
        try:
            while True:
                done, total = self._progress.get_nowait()
                self.progress.configure(maximum=max(1, total), value=done)
        except queue.Empty:
            pass

    def _poll_progress(self) -> None:
        self._drain_progress()
        if str(self.export_button.cget("state")) == "disabled":
            self.after(100, self._poll_progress)

    def _t2d_finished(self) -> None:
        self._drain_progress()
        for button in (self.export_button, self.import_button):
            button.state(["!disabled"])

    def _t2d_done(self, report: Any) -> None:
        self._t2d_finished()
        if hasattr(report, "containers"):
            text = tr("{n} container(s) written to {folder}", n=report.containers,
                      folder=report.folder)
        else:
            text = tr("{receipts} receipt(s) and {statuses} status answer(s) applied, "
                      "{again} already applied; {changed} outbox entries changed",
                      receipts=report.receipts, statuses=report.statuses,
                      again=report.already_applied, changed=report.entries_changed)
            bad = list(report.refused_files) + list(report.ignored)
            if bad:
                text += "\n" + "\n".join(tr("refused file {name}: {reason}", name=n, reason=r)
                                         for n, r in bad)
        self.t2d_label.configure(text=text)
        self.messages.info(text.splitlines()[0])
        self.refresh()

    def _t2d_failed(self, exc: BaseException) -> None:
        self._t2d_finished()
        self.t2d_label.configure(text="")
        from common.errors import UserError

        if isinstance(exc, UserError):
            self.messages.error(str(exc))
        else:
            raise exc


def _when(value: Any) -> str:
    """A time from the figures (ISO text from JSON, or a datetime), in local time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return str(value.astimezone().strftime("%d/%m/%Y %H:%M:%S"))
