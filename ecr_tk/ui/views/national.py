"""The whole country: questions to the SCEC about acts registered in other centres.

A question is asked from Search ("in the whole country") and recorded by the
centre database (audited there); the centre's transmitter sends it (this
application's background worker on a standalone centre, the server on a
networked one), or the next T2D export carries it.  This view lists the
centre's questions and, for the one selected, the acts the SCEC found, each
with the centre that holds it; the view looks again every second while the
selected question waits.  An act opens read-only: it belongs to another centre.
"""

from __future__ import annotations

import time
import tkinter as tk
import uuid
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import date_text, datetime_text, event_label, mention_kind_label, niu_text
from ecr_tk.ui.actsheet import ActSheet
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import ScrollableFrame

tr = translator("ui")

#: How long the view keeps looking for an answer on its own (the question stays
#: recorded after that: its answer may come by the next T2D round).
WAIT_SECONDS = 60
POLL_MS = 1000

_CRITERIA_LABELS = {"niu": "NIU", "surname": "Surname", "given_names": "Given names",
                    "event_type": "Event", "occurred_from": "Occurred from",
                    "occurred_to": "to"}


def criteria_text(criteria: dict[str, Any]) -> str:
    parts = []
    for key, value in criteria.items():
        shown = (event_label(value) if key == "event_type" else niu_text(value)
                 if key == "niu" else date_text(value) if key.startswith("occurred")
                 else str(value))
        parts.append(f"{tr(_CRITERIA_LABELS.get(key, key))} : {shown}")
    return " · ".join(parts)


def state_text(q: dict[str, Any]) -> str:
    if not q.get("answered_at"):
        return tr("waiting for the SCEC") if q.get("sent_at") else tr("not sent yet")
    if q.get("refusal"):
        return refusal_text(str(q["refusal"]))
    return tr("{n} act(s) found", n=q.get("found") or 0)


def refusal_text(rule: str) -> str:
    texts = {"rate_limited": tr("refused: too many questions from this centre in the last "
                                "hour; ask again later"),
             "role_not_allowed": tr("refused: only the officer and the secretaries may ask "
                                    "the SCEC")}
    return texts.get(rule, tr("refused by the SCEC ({reason})", reason=rule))


@register("national")
class NationalView(View):
    permission = "act.search_national"
    nav_order = 55

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Whole country")

    def __init__(self, master: tk.Misc, bench: Any, *, query_id: str | None = None,
                 **options: Any) -> None:
        super().__init__(master, bench, query_id=query_id, **options)
        ttk.Label(self, text=tr("Questions asked to the SCEC")).pack(
            anchor="w", pady=(8, 2))
        self.questions = ttk.Treeview(self, columns=("asked", "criteria", "state"),
                                      show="headings", height=5, selectmode="browse")
        for column, heading, width in (("asked", tr("Asked on"), 140),
                                       ("criteria", tr("Criteria"), 400),
                                       ("state", tr("Answer"), 220)):
            self.questions.heading(column, text=heading, anchor="w")
            self.questions.column(column, width=width, minwidth=80,
                                  stretch=column == "criteria")
        self.questions.pack(fill="x")
        self.questions.bind("<<TreeviewSelect>>", lambda _e: self._show_selected())
        self.answer_label = ttk.Label(self, text="", style="Muted.TLabel", wraplength=900,
                                      justify="left")
        self.answer_label.pack(anchor="w", pady=(8, 2))
        self.acts = ttk.Treeview(self, columns=("niu", "event", "person", "occurred", "centre"),
                                 show="headings", height=9, selectmode="browse")
        for column, heading, width in (("niu", tr("NIU"), 200), ("event", tr("Event"), 105),
                                       ("person", tr("Person"), 160),
                                       ("occurred", tr("Date"), 100),
                                       ("centre", tr("Held by"), 185)):
            self.acts.heading(column, text=heading, anchor="w")
            self.acts.column(column, width=width, minwidth=width if column in ("niu", "occurred")
                             else 70, stretch=column == "person")
        self.acts.pack(fill="both", expand=True)
        for sequence in ("<Double-1>", "<Return>", "<KP_Enter>"):
            self.acts.bind(sequence, lambda _e: self.open_selected())
        self.rows: dict[str, dict[str, Any]] = {}
        self.found: dict[str, dict[str, Any]] = {}
        self.result: dict[str, Any] | None = None
        self._started = time.monotonic()
        self._job: str | None = None
        self._wanted = query_id
        self.refresh()

    @guarded
    def refresh(self) -> None:
        recent = self.session.national.recent()
        self.questions.delete(*self.questions.get_children())
        self.rows = {}
        for q in recent:
            iid = str(q["id"])
            self.questions.insert("", "end", iid=iid, values=(
                datetime_text(q["asked_at"]), criteria_text(q["criteria"]), state_text(q)))
            self.rows[iid] = q
        wanted = self._wanted or (self.questions.get_children() or (None,))[0]
        if wanted and str(wanted) in self.rows:
            self.questions.selection_set(str(wanted))
            self.questions.focus(str(wanted))
            self._show_selected()
        elif not recent:
            self.answer_label.configure(text=tr(
                "No question yet: in Search, tick \u201cin the whole country\u201d."))

    def selected_id(self) -> str | None:
        chosen = self.questions.selection()
        return chosen[0] if chosen else None

    @guarded
    def _show_selected(self) -> None:
        iid = self.selected_id()
        if iid is None:
            return
        self._wanted = iid
        result = self.session.national.result(uuid.UUID(iid))
        self.result = result
        self.acts.delete(*self.acts.get_children())
        self.found = {}
        if result is None:
            return
        self.questions.set(iid, "state", state_text(result))
        if not result["answered_at"]:
            waiting = time.monotonic() - self._started < WAIT_SECONDS
            self.answer_label.configure(text=tr(
                "Waiting for the SCEC's answer…") if waiting else tr(
                "No answer yet: the question stays recorded and leaves with the next "
                "exchange (a T2D export when there is no link). Its answer will be here."))
            if waiting:
                self._schedule()
            return
        if result["refusal"]:
            self.answer_label.configure(text=refusal_text(str(result["refusal"])))
            return
        self._fill(result)

    def _fill(self, result: dict[str, Any]) -> None:
        from common.acts.summary import summarize

        centres = result["centres"]
        for i, act in enumerate(result["acts"]):
            summary = summarize(act["type"], act["data"])
            code = str(act.get("centre_code") or "")
            iid = f"act{i}"
            self.acts.insert("", "end", iid=iid, values=(
                niu_text(act["niu"]), event_label(act["type"]),
                " / ".join(p.full_name for p in summary.principal),
                date_text(summary.occurred_on), f"{code} {centres.get(code, '')}".strip()))
            self.found[iid] = act
        shown, found = len(result["acts"]), result["found"]
        if not shown:
            text = tr("No act found in the national register")
        elif found > shown:
            text = tr("{shown} of {found} acts shown: narrow the criteria", shown=shown,
                      found=found)
        else:
            text = tr("{n} act(s) found", n=found)
        self.answer_label.configure(text=text)
        children = self.acts.get_children()
        if children:
            self.acts.selection_set(children[0])
            self.acts.focus(children[0])
            self.acts.focus_set()

    def _schedule(self) -> None:
        if self._job is None:
            self._job = self.after(POLL_MS, self._poll)

    def _poll(self) -> None:
        self._job = None
        if self.winfo_exists():
            self._show_selected()

    @guarded
    def open_selected(self) -> None:
        chosen = self.acts.selection()
        if not chosen or self.result is None:
            return
        act = self.found[chosen[0]]
        code = str(act.get("centre_code") or "")
        self.bench.open("national.act", record=act,
                        centre=f"{code} {self.result['centres'].get(code, '')}".strip())

    def destroy(self) -> None:
        if self._job is not None:
            self.after_cancel(self._job)
            self._job = None
        super().destroy()


@register("national.act")
class NationalActView(View):
    """An act held by another centre, as the SCEC answered it: read only."""

    permission = "act.search_national"

    def __init__(self, master: tk.Misc, bench: Any, *, record: dict[str, Any],
                 centre: str = "", **options: Any) -> None:
        self.record = record
        super().__init__(master, bench, record=record, centre=centre, **options)
        line = [tr("NIU: {niu}", niu=niu_text(record.get("niu"))),
                tr("held by the centre {centre}", centre=centre)]
        if record.get("registered_on"):
            line.append(tr("registered on {date}", date=date_text(record["registered_on"])))
        self.facts = ttk.Label(self, text="   ·   ".join(line), style="Muted.TLabel")
        self.facts.pack(anchor="w", pady=(4, 0))
        self.copy_button: ttk.Button | None = None
        if self.session.can("copy.issue") and record.get("niu"):
            # a copy of it is issued here, from the SCEC's answer (the copy says
            # which centre holds the act)
            self.copy_button = ttk.Button(self, text=tr("Issue a copy…"),
                                          command=self.issue_copy)
            self.copy_button.pack(anchor="w", pady=(6, 0))
        self.messages.info(tr("An act of another centre, as the SCEC holds it: read only. "
                              "Its corrections and mentions are made by its centre."))
        page = ScrollableFrame(self)
        page.pack(fill="both", expand=True, pady=(6, 0))
        from common.acts.dictionary import event

        self.sheet = ActSheet(page.body, event(record["type"]), record["data"])
        self.sheet.pack(fill="x")
        for mention in record.get("mentions") or ():
            kind = mention_kind_label(str(mention.get("kind", "")))
            text = f"{kind} — {mention['text']}" if mention.get("text") else kind
            ttk.Label(page.body, text=tr("Mention: {text}", text=text), wraplength=880,
                      justify="left").pack(anchor="w", pady=(4, 0))

    @guarded
    def issue_copy(self) -> None:
        self.bench.open("copies", act=str(self.record["niu"]), national=True)

    def title(self) -> str:
        register_number = self.record.get("register_number") or ""
        return f"{event_label(self.record['type'])} {register_number}".strip()

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Act of another centre")
