"""Copies and extracts: find the act, choose the document, see the fee, issue, print.

The act is named as the clerk reads it on the paper or the screen: its NIU, or
its register number "61/2026" with its type when several types share the
number; never the database's internal id (issue 13, bug 2: "108" issued a copy
of the act with id 108, another person's).  What is issued is always the act
found from what the field says at that moment.

A NIU that names no act of this centre is looked up in the SCEC's recent
answers (issue 15): a person born elsewhere gets the copy here, which says
which centre holds the act.  The database takes that act from the verified
answer it stored, and refuses an answer too old to carry the latest mentions.

Issuing goes through the copies service (counted, billed, traced); the PDF of
the copy and of the receipt come from the print designer's renderer
(``printdesigner.documents.render_copy``) and are written under the home
folder's ``prints/``.  The day's takings are listed below.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import tkinter as tk
from pathlib import Path
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import (
    COPY_KINDS,
    copy_kind_label,
    datetime_text,
    money_text,
    niu_text,
    summary_line,
)
from ecr_tk.ui.dialogs import Dialog
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import ChoiceBox, Form

tr = translator("ui")
log = logging.getLogger("ecr.ui")

#: The copies service's kinds → the print designer's document kinds.
PRINT_KINDS = {"full": "full", "extract_with_filiation": "extract_filiation",
               "extract_without_filiation": "extract"}


@register("copies")
class CopiesView(View):
    permission = "copy.issue"
    nav_order = 60

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Copies and extracts")

    def __init__(self, master: tk.Misc, bench: Any, *, act: str | None = None,
                 event_type: str | None = None, national: bool = False) -> None:
        from common.acts.dictionary import EVENTS

        super().__init__(master, bench, act=act, event_type=event_type, national=national)
        #: look the NIU up in the SCEC's answers first (opened from an act of another centre)
        self.national_first = national
        self.record: Any = None
        self.issued: Any = None
        self.fees: dict[str, Any] = {}
        self.currency = ""
        self.form = Form(self, label_width=32)
        self.form.pack(anchor="w", pady=(10, 0))
        self.act_text = tk.StringVar(self)
        self.act_entry = self.form.add("act", tr("NIU or register number (no./year)"),
                                       lambda m: ttk.Entry(m, width=28,
                                                           textvariable=self.act_text),
                                       required=True)
        self.act_entry.bind("<Return>", lambda _e: self.find())
        # register numbers are counted per type: the type tells 61/2026 the birth
        # from 61/2026 the death (blank: the number names one act only)
        self.event_type = self.form.add("type", tr("Type of act"), lambda m: ChoiceBox(
            m, [(k, e.label()) for k, e in EVENTS.items()], width=26))
        assert isinstance(self.event_type, ChoiceBox)
        self.event_type.bind("<<ComboboxSelected>>", lambda _e: self._forget_act(), add="+")
        self.form.add_widget(ttk.Button(self.form, text=tr("Find the act"), command=self.find))
        self.act_summary = ttk.Label(self, text="", style="Heading.TLabel", wraplength=760)
        self.act_summary.pack(anchor="w", pady=(6, 6))
        self.issue_form = Form(self, label_width=32)
        self.issue_form.pack(anchor="w")
        self.kind = self.issue_form.add("kind", tr("Document"), lambda m: ChoiceBox(
            m, [(k, copy_kind_label(k)) for k in COPY_KINDS], blank=False, width=30),
            required=True)
        assert isinstance(self.kind, ChoiceBox)
        self.kind.set_key("full")
        self.kind.bind("<<ComboboxSelected>>", lambda _e: self._request_changed(), add="+")
        self.requester_text = tk.StringVar(self)
        self.requester = self.issue_form.add("requester", tr("Requested by"), lambda m: ttk.Entry(
            m, width=36, textvariable=self.requester_text), required=True)
        #: (act id, kind, requester) of the document issued last from this page
        self._last_issue: tuple[int, str, str] | None = None
        self.fee_label = ttk.Label(self.issue_form, text="", font="EcrBold")
        self.issue_form.add_widget(self.fee_label)
        row = ttk.Frame(self)
        row.pack(anchor="w", pady=(8, 0))
        self.issue_button = ttk.Button(row, text=tr("Issue"), style="Accent.TButton",
                                       command=self.issue)
        self.issue_button.pack(side="left")
        self.print_copy_button = ttk.Button(row, text=tr("Print the copy"),
                                            command=lambda: self.print_document("copy"))
        self.print_receipt_button = ttk.Button(row, text=tr("Print the receipt"),
                                               command=lambda: self.print_document("receipt"))
        self.receipt = ttk.Label(self, text="", justify="left", style="Card.TLabel",
                                 padding=10)
        # packed from the bottom up: the figures, then their heading above them
        self.takings_label = ttk.Label(self, text="", style="Muted.TLabel")
        self.takings_label.pack(anchor="w", side="bottom", pady=(0, 8))
        ttk.Label(self, text=tr("Today's takings"), style="Heading.TLabel").pack(
            anchor="w", pady=(16, 2), side="bottom")
        if act:
            self.act_entry.insert(0, act)
        self.event_type.set_key(event_type)
        self.act_text.trace_add("write", lambda *_a: self._forget_act())
        self.requester_text.trace_add("write", lambda *_a: self._request_changed())

    @guarded
    def refresh(self) -> None:
        self.fees = dict(self.session.settings.fees())
        self.currency = self.session.settings.currency()
        self.show_fee()
        self.show_takings()
        if self.act_entry.get().strip():
            self.find()

    def show_fee(self) -> None:
        kind = self.kind.get_key() if isinstance(self.kind, ChoiceBox) else None
        fee = self.fees.get(kind or "")
        self.fee_label.configure(
            text=tr("Fee: {amount}", amount=money_text(fee, self.currency)) if fee is not None
            else "")

    @guarded
    def show_takings(self) -> None:
        if not self.session.can("copy.takings"):
            return
        takings = self.session.copies.takings()
        self.takings_label.configure(text=tr("{count} document(s) issued, {total} taken.",
                                             count=takings.count,
                                             total=money_text(takings.total, takings.currency)))

    @guarded
    def find(self) -> None:
        """The act the field names, shown for the clerk to check (or why none is)."""
        from common.errors import UserError
        from ecr_tk.services.errors import ActNotFound, AmbiguousActReference, InvalidValue

        self.messages.clear()
        self._forget_act()
        self.form.clear_messages()
        reference = self.act_entry.get().strip()  # type: ignore[attr-defined]
        if not reference:
            self.form.show_message("act", tr("Type the NIU or the register number, e.g. "
                                             "61/2026"))
            return
        event_type = self.event_type.get_key() if isinstance(self.event_type, ChoiceBox) \
            else None
        if self.national_first and self._find_national(reference, None):
            return
        try:
            record = self.session.acts.show(reference, event_type)
        except ActNotFound as exc:
            if not self._find_national(reference, exc):
                self.form.show_message("act", str(exc))
            return
        except AmbiguousActReference as exc:
            self.form.show_message("type", str(exc))
            self.event_type.focus_set()
            return
        except InvalidValue as exc:
            self.form.show_message("type" if exc.field == "type" else "act", str(exc))
            return
        except UserError as exc:
            if exc.rule not in ("bad_act_reference", "niu_format", "niu_check_digits"):
                raise
            self.form.show_message("act", str(exc))
            return
        self.record = record
        from ecr_tk.services.values import ActSummary

        summary = ActSummary(id=record.id, event_type=record.event_type,
                             status=record.status,
                             register_number=record.register_number, niu=record.niu,
                             principal=_principal(record), occurred_on=record.occurred_on,
                             registered_on=record.registered_on)
        self.act_summary.configure(text=summary_line(summary) + (
            f"  ·  NIU {niu_text(record.niu)}" if record.niu else ""))

    def _find_national(self, reference: str, local: Exception | None) -> bool:
        """Show the act of another centre that a recent SCEC answer holds under the NIU
        ``reference`` (True), or say why there is none (False when the clerk should
        see ``local``, the local search's refusal, instead)."""
        from common.acts.niu import parse_niu
        from common.errors import UserError

        if not self.session.can("act.search_national"):
            return False
        try:
            niu = parse_niu(reference).value
        except UserError:
            return False  # a register number: acts of this centre only
        try:
            record = self.session.copies.national_act(niu)
        except UserError as exc:
            if exc.rule == "national_act_unknown" and local is not None:
                self.form.show_message("act", str(local) + " " + tr(
                    "For an act of another centre: Search, in the whole country, then "
                    "Issue a copy."))
                return True
            if exc.rule in ("national_act_unknown", "act_held_here"):
                return False
            self.form.show_message("act", str(exc))
            return True
        self.record = record
        from ecr_tk.services.values import ActSummary

        summary = ActSummary(id=0, event_type=record.event_type, status="validated",
                             register_number=record.register_number, niu=record.niu,
                             principal=_principal(record), occurred_on=record.occurred_on,
                             registered_on=record.registered_on or dt.date.min)
        self.act_summary.configure(text=summary_line(summary) + "  ·  " + tr(
            "NIU {niu}, held by the centre {centre} (the SCEC's answer of {when})",
            niu=niu_text(record.niu), centre=f"{record.centre_code} {record.centre_name}".strip(),
            when=datetime_text(record.answered_at)))
        return True

    def _forget_act(self) -> None:
        """The field changed: the act found before is no longer the one named."""
        self.record = None
        self.issued = None
        self.act_summary.configure(text="")
        self._hide_print()
        self.issue_button.state(["!disabled"])

    def _request_changed(self) -> None:
        """Another document or requester: a new request, which may be issued."""
        self.show_fee()
        self.issue_button.state(["!disabled"])

    def _confirm_another(self, kind: str, requester: str) -> bool:
        """True unless this very document was just issued here and the clerk says no.

        Each issue records a paid receipt: a second click, or Délivrer again
        after looking the act up once more, must not charge the citizen twice
        without a question (issue 13, bug 8).
        """
        assert self.record is not None
        if self._last_issue != (self._act_key(), kind, requester):
            return True
        answer = Dialog(
            self, tr("Issue it again?"),
            tr("A {document} of this act was just issued to {name}. Issue another one and "
               "record a second fee?", document=copy_kind_label(kind), name=requester),
            [("cancel", tr("Do not issue")), ("issue", tr("Issue another one"))],
            default="cancel", cancel="cancel", tone="warning").show()
        return answer == "issue"

    @guarded
    def issue(self) -> None:
        self.messages.clear()
        self.find()  # the act the field names now, never one found before
        if self.record is None:
            return
        kind = self.kind.get_key() if isinstance(self.kind, ChoiceBox) else None
        requester = self.requester.get().strip()  # type: ignore[attr-defined]
        self.issue_form.clear_messages()
        if not requester:
            self.issue_form.show_message("requester", tr("Who asks for the document?"))
            return
        kind = kind or "full"
        if not self._confirm_another(kind, requester):
            return
        self.issue_button.state(["disabled"])  # until the act, document or requester changes
        try:
            if self._held_elsewhere():
                self.issued = self.session.copies.issue_national(
                    self.record.niu, kind, requester, self.record.query_id)
            else:
                self.issued = self.session.copies.issue(self.record.niu or self.record.id,
                                                        kind, requester)
        except BaseException:
            self.issue_button.state(["!disabled"])
            raise
        self._last_issue = (self._act_key(), kind, requester)
        i = self.issued
        lines = [
            tr("Receipt {number}", number=i.receipt_number),
            f"{copy_kind_label(i.kind)} — {tr('requested by {name}', name=i.requester)}",
            tr("Fee: {amount}", amount=money_text(i.fee, i.currency)),
            # the person at the desk is the session's user: named, not numbered
            tr("Issued on {when} by {user}", when=datetime_text(i.issued_at),
               user=self.session.user.name if i.issued_by == self.session.user.number
               else tr("user no. {number}", number=i.issued_by)),
        ]
        if i.is_duplicate:
            lines.append(tr("Copy number {n}: it is printed DUPLICATE.", n=i.copy_number))
        if i.held_elsewhere:
            lines.append(tr("Act held by the centre {centre}: the copy says so.",
                            centre=f"{i.holding_centre} {i.holding_centre_name or ''}".strip()))
        self.receipt.configure(text="\n".join(lines))
        self.receipt.pack(anchor="w", pady=(10, 0), fill="x")
        self.print_copy_button.pack(side="left", padx=(8, 0))
        self.print_receipt_button.pack(side="left", padx=(8, 0))
        self.messages.info(tr("Document issued: receipt {number}.", number=i.receipt_number))
        self.show_takings()

    def _held_elsewhere(self) -> bool:
        from ecr_tk.services.values import NationalAct

        return isinstance(self.record, NationalAct)

    def _act_key(self) -> object:
        """What names the act found, for "issued just now" (the NIU of another centre's)."""
        assert self.record is not None
        return ("national", self.record.niu) if self._held_elsewhere() else self.record.id

    def _hide_print(self) -> None:
        for widget in (self.print_copy_button, self.print_receipt_button, self.receipt):
            widget.pack_forget()

    @guarded
    def print_document(self, which: str) -> Path | None:
        """Render the copy (or the receipt) to PDF under ``prints/`` and open it.

        The same service as ``ecr copy issue --out`` makes it: the centre's own
        template, this workstation's calibration, the signed verification code.
        """
        if self.issued is None or self.record is None:
            return None
        try:
            from ecr_tk.services.printing import print_issued
            from printdesigner.documents import write_pdf
        except ImportError:
            self.messages.error(tr("Printing is not installed on this computer; the issuance "
                                   "is recorded (receipt {number}).",
                                   number=self.issued.receipt_number))
            return None
        i = self.issued
        home = self.bench.app.home
        keys = Path(home.path) / "keys" if home is not None else None
        printed = print_issued(self.session, i, keys_dir=keys, receipt=(which == "receipt"))
        kind = "receipt" if which == "receipt" else PRINT_KINDS.get(i.kind, "full")
        folder = self._prints_folder()
        name = f"{i.receipt_number.replace(' ', '').replace('/', '-')}-{kind}.pdf"
        path = folder / name
        write_pdf(path, printed.pdf)
        written = tr("PDF written: {path}", path=str(path))
        self.messages.info(f"{written} {printed.warning}" if printed.warning else written)
        open_file(path)
        return path

    def _prints_folder(self) -> Path:
        home = self.bench.app.home
        base = Path(home.path) if home is not None else Path.cwd()
        folder = base / "prints" / dt.date.today().isoformat()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder


def _principal(record: Any) -> str:
    from common.acts.summary import summarize

    return " / ".join(p.full_name for p in summarize(record.event_type, record.data).principal)


def open_file(path: Path) -> None:
    """Show a PDF with the system's viewer (not in tests: ``ECR_NO_VIEWER``)."""
    if os.environ.get("ECR_NO_VIEWER"):
        return
    try:
        if sys.platform.startswith("win"):
            os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)])  # noqa: S603, S607
        else:
            subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL,  # noqa: S603, S607
                             stderr=subprocess.DEVNULL)
    except OSError as exc:
        log.info("no viewer for %s: %s", path, exc)
