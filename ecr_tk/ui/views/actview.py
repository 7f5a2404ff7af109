"""One act, read-only: its data, its marginal mentions, its history (traceability).

The buttons are those of the user's role for the act's status, and only those:
the secretary verifies or rejects a draft, the officer validates (after a
confirmation: it cannot be undone) or rejects a verified act and adds mentions
to a validated one; copies are issued from here.  A role's absent actions have
no button.  Ctrl+Enter does the role's step and moves to the next act of the
queue the act was opened from.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import (
    MENTION_KINDS,
    action_label,
    date_text,
    datetime_text,
    detail_text,
    event_label,
    mention_kind_label,
    niu_text,
    status_label,
)
from ecr_tk.ui.actsheet import ActSheet
from ecr_tk.ui.dates import DateField
from ecr_tk.ui.dialogs import Dialog, ask_text, confirm
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import ChoiceBox, Form, ScrollableFrame

tr = translator("ui")


def may(session: Any, action: str, permission: str, status: str) -> bool:
    """The role permits it and the workflow table allows it from this status."""
    from ecr_tk.services.workflow import next_status

    return bool(session.can(permission)) and next_status(action, status) is not None


@register("act.view")
class ActView(View):
    permission = "act.show"

    def __init__(self, master: tk.Misc, bench: Any, *, act_id: int | None = None,
                 niu: str | None = None, queue: str | None = None) -> None:
        self.record = bench.session.acts.show(act_id if act_id is not None else str(niu))
        super().__init__(master, bench, act_id=self.record.id, queue=queue)
        self.queue = queue
        r = self.record
        facts = ttk.Frame(self)
        facts.pack(fill="x", pady=(4, 0))
        self.status_label = ttk.Label(facts, text=status_label(r.status), style="Count.TLabel")
        self.status_label.pack(side="left")
        line = [tr("NIU: {niu}", niu=niu_text(r.niu)) if r.niu else tr("No NIU yet"),
                tr("registered on {date}", date=date_text(r.registered_on))]
        if r.timeliness:
            from common.acts.dictionary import code_label

            line.append(code_label("timeliness", r.timeliness))
        ttk.Label(facts, text="   ·   ".join(line), style="Muted.TLabel").pack(
            side="left", padx=(10, 0))
        if r.status == "rejected" and r.rejection_reason:
            self.messages.error(tr("Rejected: {reason}", reason=r.rejection_reason))
        self.actions = ttk.Frame(self)
        self.actions.pack(fill="x", pady=(8, 4))
        self.buttons: dict[str, ttk.Button] = {}
        self._build_actions()
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=(4, 0))
        self.page = ScrollableFrame(self.tabs)
        self.tabs.add(self.page, text=tr("Act"))
        from common.acts.dictionary import event

        self.sheet = ActSheet(self.page.body, event(r.event_type), r.data)
        self.sheet.pack(fill="x")
        self.mentions = self._mentions_tab()
        self.history = self._history_tab()

    def title(self) -> str:
        return f"{event_label(self.record.event_type)} {self.record.register_number}"

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Act")

    # -------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        s, status = self.session, self.record.status
        table = (
            ("verify", "act.verify", "verify", tr("Verify (Ctrl+Enter)"), self.verify),
            ("validate", "act.validate", "validate", tr("Validate (Ctrl+Enter)"), self.validate),
            ("reject", "act.reject", "reject", tr("Reject…"), self.reject),
            ("edit", "act.update_draft", "update_draft", tr("Change the draft"), self.edit),
            ("mention", "act.mention", "mention", tr("Add a mention…"), self.add_mention),
            ("copy", "copy.issue", "issue_copy", tr("Issue a copy…"), self.issue_copy),
        )
        for key, permission, action, text, command in table:
            if not may(s, action, permission, status):
                continue  # absent, not greyed out
            if key == "edit" and self.record.drafted_by != s.user.number:
                continue
            style = "Accent.TButton" if key in ("verify", "validate") else "TButton"
            button = ttk.Button(self.actions, text=text, style=style, command=command)
            button.pack(side="left", padx=(0, 8))
            self.buttons[key] = button
        close = ttk.Button(self.actions, text=tr("Close (Esc)"), command=self.close)
        close.pack(side="right")

    @guarded
    def verify(self) -> None:
        niu = self.session.acts.verify(self.record.id)
        self._done(tr("Act verified. Its NIU is {niu}.", niu=niu_text(niu)))

    @guarded
    def validate(self) -> None:
        if not confirm(self, tr("Validate this act?"),
                       tr("{act}: once validated, the act can never be changed; only "
                          "marginal mentions can be added to it.", act=self.title()),
                       yes=tr("Validate")):
            return
        result = self.session.acts.validate(self.record.id)
        self._done(tr("Act validated (NIU {niu}); it is queued for the SCEC.",
                      niu=niu_text(result.niu)))

    @guarded
    def reject(self) -> None:
        reason = ask_text(self, tr("Reject this act?"),
                          tr("Say what must be corrected; the agent will read it."),
                          ok=tr("Reject"),
                          action=lambda text: self.session.acts.reject(self.record.id, text))
        if reason is None:
            return
        self._done(tr("Act sent back to its agent."))

    @guarded
    def edit(self) -> None:
        self.bench.replace("act.edit", act_id=self.record.id)

    @guarded
    def issue_copy(self) -> None:
        # the field shows what the clerk reads on the act, never its internal id
        self.bench.open("copies", act=niu_text(self.record.niu) or self.record.register_number,
                        event_type=self.record.event_type)

    @guarded
    def add_mention(self) -> None:
        dialog = MentionDialog(self)
        # added while the dialog is open: a refusal is shown there, nothing typed is lost
        dialog.action = lambda _key: self.session.acts.add_mention(self.record.id,
                                                                  **(dialog.values or {}))
        if dialog.show() != "add" or dialog.values is None:
            return
        self.bench.replace("act.view", act_id=self.record.id, queue=self.queue)
        current = self.bench.current
        if current is not None:
            current.messages.info(tr("Mention added."))

    def _done(self, message: str) -> None:
        """After a workflow step: the next act of the queue, else back, with the news."""
        nxt = None
        if self.queue:
            acts = self.session.acts.queue(self.queue)
            nxt = next((a for a in acts if a.id != self.record.id), None)
        if nxt is not None:
            view = self.bench.replace("act.view", act_id=nxt.id, queue=self.queue)
        else:
            self.close()
            view = self.bench.current
        self.bench.refresh_counts()
        if view is not None:
            view.messages.info(message)

    @guarded
    def close(self) -> None:
        if self.bench.stack:
            self.bench.back()
        else:
            self.bench.show(next(iter(self.bench.nav_buttons)))

    def shortcut(self, name: str) -> bool:
        if name == "next":
            for key in ("verify", "validate"):
                if key in self.buttons:
                    self.buttons[key].invoke()
                    return True
            return True
        if name == "cancel":
            self.close()
            return True
        return False

    # ------------------------------------------------------ mentions, history
    def _mentions_tab(self) -> ttk.Treeview:
        frame = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(frame, text=tr("Mentions ({count})", count=len(self.record.mentions)))
        tree = ttk.Treeview(frame, columns=("date", "kind", "text", "court"), show="headings",
                            height=8)
        for column, heading, width in (("date", tr("Date"), 125), ("kind", tr("Kind"), 140),
                                       ("text", tr("Mention"), 340),
                                       ("court", tr("Court decision"), 150)):
            tree.heading(column, text=heading, anchor="w")
            tree.column(column, width=width, stretch=column == "text")
        for m in self.record.mentions:
            court = " ".join(x for x in (date_text(m.court_decision_date),
                                         m.court_reference or "") if x)
            tree.insert("", "end", values=(datetime_text(m.created_at),
                                           mention_kind_label(m.kind), m.text, court))
        tree.pack(fill="both", expand=True)
        if not self.record.mentions:
            ttk.Label(frame, text=tr("No marginal mention."), style="Muted.TLabel").pack(
                anchor="w")
        return tree

    def _history_tab(self) -> ttk.Treeview:
        frame = ttk.Frame(self.tabs, padding=8)
        self.tabs.add(frame, text=tr("History"))
        tree = ttk.Treeview(frame, columns=("at", "user", "workstation", "action", "detail"),
                            show="headings", height=10)
        for column, heading, width in (("at", tr("Date and time"), 125),
                                       ("user", tr("User no."), 75),
                                       ("workstation", tr("Workstation"), 100),
                                       ("action", tr("What"), 160),
                                       ("detail", tr("Detail"), 270)):
            tree.heading(column, text=heading, anchor="w")
            tree.column(column, width=width, stretch=column == "detail")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=scroll.set)
        tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        for entry in self.session.acts.history(self.record.id):
            text = detail_text(entry.detail or {})
            tree.insert("", "end", values=(
                datetime_text(entry.at), entry.user_number or "", entry.workstation or "",
                action_label(entry.action), text))
        return tree


class MentionDialog(Dialog):
    """Kind, text, and for a rectification the court decision's date and reference."""

    def __init__(self, parent: tk.Misc) -> None:
        super().__init__(parent, tr("Add a marginal mention"),
                         tr("The mention is appended to the act; the act itself is not "
                            "changed."),
                         [("cancel", tr("Cancel")), ("add", tr("Add the mention"))],
                         default="add", cancel="cancel")
        self.values: dict[str, Any] | None = None
        self.form = Form(self.message_label.master, label_width=20)
        self.form.pack(anchor="w", pady=(10, 0), before=self.buttons["add"].master)
        self.kind = self.form.add("kind", tr("Kind"), lambda m: ChoiceBox(
            m, [(k, mention_kind_label(k)) for k in MENTION_KINDS], width=30), required=True)
        self.text = self.form.add("text", tr("Text"), lambda m: ttk.Entry(m, width=44),
                                  required=True)
        self.court_date = self.form.add("court_decision_date", tr("Court decision date"),
                                        lambda m: DateField(m))
        self.court_reference = self.form.add("court_reference", tr("Court reference"),
                                             lambda m: ttk.Entry(m, width=24))
        self.kind.bind("<<ComboboxSelected>>", lambda _e: self._kind_chosen(), add="+")
        self._focus = self.kind
        self.unbind("<Return>")

    def _kind_chosen(self) -> None:
        """A rectification needs its court decision: mark those fields required, as the act
        form marks its own (the centre database refuses a rectification without them)."""
        assert isinstance(self.kind, ChoiceBox)
        rectification = self.kind.get_key() == "rectification"
        for key in ("court_decision_date", "court_reference"):
            self.form.mark_required(key, rectification)

    def clear_error(self) -> None:
        super().clear_error()
        self.form.clear_messages()

    def show_error(self, message: str, *, field: str | None = None) -> None:
        """A refusal that names one of the fields is shown beside it."""
        if field in self.form.messages:
            self.form.show_message(field, message)
            self.bell()
        else:
            super().show_error(message, field=field)

    def answer(self, key: str) -> None:
        if key == "add":
            from ecr_tk.ui.dates import DateTextError

            assert isinstance(self.kind, ChoiceBox) and isinstance(self.court_date, DateField)
            self.form.clear_messages()
            try:
                decided = self.court_date.get_date()
            except DateTextError as exc:
                self.form.show_message("court_decision_date", exc.reason)
                return
            kind = self.kind.get_key()
            if kind is None:
                self.form.show_message("kind", tr("Choose the kind of mention"))
                return
            self.values = {"kind": kind, "text": self.text.get().strip(),  # type: ignore[attr-defined]
                           "court_decision_date": decided,
                           "court_reference": self.court_reference.get().strip() or None}  # type: ignore[attr-defined]
        super().answer(key)
