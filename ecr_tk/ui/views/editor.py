"""The agent's act form: draft a new act, change a draft, fix a rejected act.

The form is generated from the data dictionary (``ActForm``); this view adds
what surrounds it: save (Ctrl+S), save and start the next act (Ctrl+Enter),
close (Escape), the duplicate warning, the link summaries, and autosave (a
local file while typing; the database draft itself once the act is valid).
"""

from __future__ import annotations

import datetime as dt
import logging
import tkinter as tk
from tkinter import ttk
from typing import Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.labels import event_label, status_label, summary_line
from ecr_tk.ui.actform import ActForm
from ecr_tk.ui.autosave import Autosave, AutosaveStore
from ecr_tk.ui.dialogs import Dialog
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")
log = logging.getLogger("ecr.ui")

LOCAL_AUTOSAVE_MS = 3_000  # after the last keystroke
DATABASE_AUTOSAVE_MS = 60_000


@register("act.edit")
class ActEditor(View):
    permission = "act.draft"

    def __init__(self, master: tk.Misc, bench: Any, *, event_type: str | None = None,
                 act_id: int | None = None, queue: str | None = None,
                 restore: Autosave | None = None) -> None:
        from common.acts.dictionary import event

        self.record: Any = None
        if act_id is not None:
            self.record = bench.session.acts.show(act_id)
            event_type = self.record.event_type
        assert event_type is not None
        self.event_type = event(event_type)
        self.act_id = act_id
        super().__init__(master, bench, event_type=event_type, act_id=act_id, queue=queue)
        self.dirty = False
        self.store = AutosaveStore(bench.app.home.path) if bench.app.home else None
        self.autosave_key = restore.key if restore else AutosaveStore.new_key()
        self._local_job: str | None = None
        self._db_job: str | None = None
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(6, 4))
        self.save_button = ttk.Button(bar, text=tr("Save (Ctrl+S)"), style="Accent.TButton",
                                      command=self.save)
        self.save_button.pack(side="left")
        self.next_button = ttk.Button(bar, text=tr("Save and next (Ctrl+Enter)"),
                                      command=self.save_and_next)
        self.next_button.pack(side="left", padx=(8, 0))
        self.close_button = ttk.Button(bar, text=tr("Close (Esc)"), command=self.close)
        self.close_button.pack(side="left", padx=(8, 0))
        self.state_label = ttk.Label(bar, text="", style="Muted.TLabel")
        self.state_label.pack(side="right")
        self.form = ActForm(self, self.event_type, checker=self.check,
                            niu_lookup=self.linked_act_summary, on_change=self.changed)
        self.form.pack(fill="both", expand=True)
        #: What the database holds for this form, as the form reads it (None: nothing yet).
        self._stored: dict[str, Any] | None = None
        if self.record is not None:
            self.form.set_data(self.record.data)
            self._stored = self.form.collect()[0]
            if self.record.status == "rejected" and self.record.rejection_reason:
                self.messages.error(tr("Rejected: {reason}", reason=self.record.rejection_reason))
        if restore is not None:
            self.form.set_data(restore.data)
            for path, text in restore.texts.items():
                try:
                    self.form.leaf(path).input.set(text)
                except KeyError:
                    log.info("autosaved text for a field no longer shown: %s", path)
            self.dirty = True
            self.messages.info(tr("What you typed before was brought back. Save it when ready."))
        self.after_idle(self.form.focus_first)

    def title(self) -> str:
        name = self.event_type.label()
        if self.record is None:
            return tr("{event} — new act", event=name)
        return tr("{event} {number} ({status})", event=name,
                  number=self.record.register_number, status=status_label(self.record.status))

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Act form")

    # ------------------------------------------------------------ services
    def check(self, data: dict[str, Any]) -> Any:
        return self.session.acts.check(self.event_type.key, data)

    def linked_act_summary(self, niu: str) -> str:
        from common.acts.niu import parse_niu
        from ecr_tk.services.values import SearchCriteria

        parse_niu(niu)  # a mistyped NIU is named before any search
        found = self.session.search(SearchCriteria(niu=niu))
        if not found:
            return tr("No act with this NIU is known here.")
        return summary_line(found[0])

    # ---------------------------------------------------------------- saving
    @guarded
    def save(self) -> bool:
        """Save the draft in the database; ``False`` (and why, next to the fields) if not."""
        errors, _warnings = self.form.check(show_all=True)
        if errors:
            self.messages.error(tr("The act cannot be saved yet: {count} problem(s) are shown "
                                   "next to the fields.", count=len(errors)))
            widget = self.form.first_error_widget(errors)
            if widget is not None:
                widget.focus_set()
            return False
        data = self.form.get_data()
        if self.act_id is None:
            result = self.session.acts.draft(self.event_type.key, data)
            if not result.saved and result.duplicates:
                if not self.confirm_duplicates(result.duplicates):
                    self.messages.error(tr("Not saved: look at the similar acts first."))
                    return False
                result = self.session.acts.draft(self.event_type.key, data,
                                                 confirm_duplicates=True)
            self.act_id = result.id
            self.options["act_id"] = result.id
            self.record = self.session.acts.show(result.id)
        else:
            self.session.acts.update_draft(self.act_id, data)
            self.record = self.session.acts.show(self.act_id)
        self.title_label.configure(text=self.title())
        self._saved()
        self.bench.refresh_counts()
        self.messages.info(tr("Draft saved: {number}.", number=self.record.register_number))
        return True

    def confirm_duplicates(self, duplicates: Any) -> bool:
        lines = "\n".join(f"• {summary_line(d)}" for d in duplicates[:5])
        dialog = Dialog(self, tr("Similar acts exist"),
                        tr("This act may already be registered:"), [
                            ("cancel", tr("Do not save")),
                            ("save", tr("Save anyway"))],
                        default="cancel", cancel="cancel", detail=lines, tone="warning")
        return dialog.show() == "save"

    @guarded
    def save_and_next(self) -> None:
        if self.save():
            self.bench.replace("act.edit", event_type=self.event_type.key)

    @guarded
    def close(self) -> None:
        """Close the form; with unsaved changes, ask first (Save, Throw away, Go on typing)."""
        if self.dirty:
            answer = Dialog(
                self, tr("Unsaved changes"),
                tr("What you typed since the last save is not in the register yet."),
                [("stay", tr("Go on typing")), ("discard", tr("Throw the changes away")),
                 ("save", tr("Save"))], default="save", cancel="stay", tone="warning").show()
            if answer == "stay":
                return
            if answer == "save" and not self.save():
                return
            if answer == "discard":
                self.leaving_without_changes()
        if self.bench.stack:
            self.bench.back()
        else:
            self.bench.show(_home_view(self.bench))

    def shortcut(self, name: str) -> bool:
        if name == "save":
            self.save()
        elif name == "next":
            self.save_and_next()
        elif name == "cancel":
            self.close()
        else:
            return False
        return True

    # -------------------------------------------------------------- autosave
    def changed(self) -> None:
        self.dirty = True
        self.state_label.configure(text=tr("Not saved"))
        if self._local_job is not None:
            self.after_cancel(self._local_job)
        self._local_job = self.after(LOCAL_AUTOSAVE_MS, self.autosave_locally)
        if self._db_job is None:
            self._db_job = self.after(DATABASE_AUTOSAVE_MS, self.autosave_to_database)

    def autosave_locally(self) -> None:
        self._local_job = None
        if not self.dirty or self.store is None:
            return
        data, problems = self.form.collect()
        texts = {p.field: self.form.leaf(p.field).input.text() for p in problems if p.field}
        if data == self._stored and not texts:  # typed back to what is saved: nothing to keep
            self._saved()
            return
        try:
            self.store.write(self.autosave_key, user=self.session.user.number,
                             event_type=self.event_type.key, act_id=self.act_id, data=data,
                             texts=texts)
        except OSError as exc:
            log.error("autosave failed: %s", exc)
            return
        self.state_label.configure(text=tr("Kept on this computer at {time}",
                                           time=dt.datetime.now().strftime("%H:%M")))

    def autosave_to_database(self) -> None:
        """Once the act is valid, the draft in the database is the safest copy."""
        self._db_job = None
        if not self.dirty or not self.winfo_exists():
            return
        try:
            errors, _ = self.form.check(show_all=False)
            if errors:
                return
            data = self.form.get_data()
            if self.act_id is None:
                result = self.session.acts.draft(self.event_type.key, data)
                if not result.saved:
                    return  # similar acts: the person decides, at "Save"
                self.act_id = result.id
                self.options["act_id"] = result.id
                self.record = self.session.acts.show(result.id)
                self.title_label.configure(text=self.title())
            else:
                self.session.acts.update_draft(self.act_id, data)
            self._saved()
            self.state_label.configure(text=tr("Draft saved automatically at {time}",
                                               time=dt.datetime.now().strftime("%H:%M")))
        except UserError as exc:
            log.info("database autosave skipped: %s", exc.message)
        except Exception as exc:  # the local file still holds everything
            log.warning("database autosave failed: %s", exc)

    def _saved(self) -> None:
        """The database holds what the form shows: no local copy is kept."""
        self._stored = self.form.collect()[0]
        self.dirty = False
        if self.store is not None:
            self.store.delete(self.autosave_key)
        self.state_label.configure(text=tr("Saved"))

    def leaving_without_changes(self) -> None:
        """The clerk threw the changes away: no autosave of them is kept."""
        for job in (self._local_job, self._db_job):
            if job is not None:
                self.after_cancel(job)
        self._local_job = self._db_job = None
        self.dirty = False
        if self.store is not None:
            self.store.delete(self.autosave_key)

    def leaving(self) -> None:
        for job in (self._local_job, self._db_job):
            if job is not None:
                self.after_cancel(job)
        self._local_job = self._db_job = None
        if self.dirty:
            self.autosave_locally()

    def present_error(self, error: UserError) -> bool:
        report = getattr(error, "report", None)
        if report is not None and getattr(report, "errors", None):
            self.form.show_issues(list(report.errors), list(report.warnings), show_all=True)
        self.form.present_error(error)
        self.messages.error(error.message)
        return True


def _home_view(bench: Any) -> str:
    return next(iter(bench.nav_buttons), "search")


__all__ = ["ActEditor", "event_label"]
