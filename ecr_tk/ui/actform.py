"""The act form, generated from the data dictionary for any event type.

There is no form per event: ``ActForm(master, event_type)`` walks the event's
sections, groups and leaves (``common.acts``) and lays out one row per leaf —
label (``*`` when required), input, and a message column where the rules'
verdicts appear as the clerk types or leaves a field.  Repeated groups
(witnesses 2–4, spouses, cause lines 1–4) get add/remove buttons within their
bounds; optional groups (father, identity document…) fold away behind a
"Fill in" box and are built only when opened, which keeps big forms quick.

The form holds no rule: it asks ``checker(data)`` (the services' ``check``) and
places each issue next to the field its path names.  The rows and frames are
``formparts``.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Iterator, Mapping
from tkinter import ttk
from typing import Any, Protocol

from common.acts.model import EventType
from common.i18n import translator
from ecr_tk.ui.dates import DateTextError
from ecr_tk.ui.formparts import (
    Block,
    Leaf,
    LocalIssue,
    Repeat,
    RootBlock,
    leaves_of,
    nodes_of,
    touched_under,
)
from ecr_tk.ui.leaves import NiuInput
from ecr_tk.ui.widgets import ScrollableFrame

tr = translator("ui")


class IssueLike(Protocol):
    field: str | None
    message: str


class ReportLike(Protocol):
    @property
    def errors(self) -> tuple[IssueLike, ...]: ...
    @property
    def warnings(self) -> tuple[IssueLike, ...]: ...


Checker = Callable[[dict[str, Any]], ReportLike]


class ActForm(ttk.Frame):
    """The whole form of one event type, in a scrollable page."""

    def __init__(self, master: tk.Misc, event_type: EventType, *,
                 checker: Checker | None = None,
                 niu_lookup: Callable[[str], str] | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        super().__init__(master)
        self.event_type = event_type
        self.checker = checker
        self.niu_lookup = niu_lookup
        self.on_change = on_change
        self._check_job: str | None = None
        self.page = ScrollableFrame(self)
        self.page.pack(fill="both", expand=True)
        ttk.Label(self.page.body, text=tr("Fields marked * are required."),
                  style="Muted.TLabel").pack(anchor="w")
        self.sections: dict[str, ttk.LabelFrame] = {}
        self.root_block = RootBlock(self, event_type.root)
        for section in event_type.sections:
            frame = ttk.LabelFrame(self.page.body, text=section.label(), padding=(10, 6))
            frame.pack(fill="x", pady=(8, 0))
            self.sections[section.key] = frame
            self.root_block.build_section(frame, section.label(), section.members)
        self.summary = ttk.Label(self.page.body, text="", style="Error.TLabel",
                                 wraplength=700, justify="left")
        self.summary.pack(anchor="w", pady=(8, 4))

    # ------------------------------------------------------------- data
    def get_data(self) -> dict[str, Any]:
        """The act's data as typed (unreadable dates left out: ``local_issues`` names them)."""
        return self.collect()[0]

    def set_data(self, data: Mapping[str, Any]) -> None:
        self.root_block.set(data)

    def collect(self) -> tuple[dict[str, Any], list[LocalIssue]]:
        """The data as typed, and the values that cannot be read yet (a half-typed date)."""
        issues: list[LocalIssue] = []

        def tolerant(leaf: Leaf) -> Any:
            try:
                return leaf.value()
            except DateTextError as exc:
                issues.append(LocalIssue(leaf.path, exc.reason))
                return None

        return self.root_block.get(tolerant) or {}, issues

    # -------------------------------------------------------- navigation
    def leaves(self) -> Iterator[Leaf]:
        yield from leaves_of(self.root_block)

    def leaf(self, path: str) -> Leaf:
        """The leaf at a concrete path (``"mother.surname"``, ``"witnesses[1].sex"``)."""
        for leaf in self.leaves():
            if leaf.path == path:
                return leaf
        raise KeyError(path)

    def block(self, path: str) -> Block | Repeat:
        for node in nodes_of(self.root_block):
            if not isinstance(node, Leaf) and node.path == path:
                return node
        raise KeyError(path)

    def focus_first(self) -> None:
        first = next(self.leaves(), None)
        if first is not None:
            first.input.focus_widget.focus_set()

    # -------------------------------------------------------- validation
    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
        self.schedule_check()

    def schedule_check(self, delay: int = 400) -> None:
        if self._check_job is not None:
            self.after_cancel(self._check_job)
        self._check_job = self.after(delay, self._scheduled_check)

    def _scheduled_check(self) -> None:
        self._check_job = None
        try:
            self.check(show_all=False)
        except Exception as exc:  # as-you-type checking must never break typing
            from ecr_tk.ui.errors import log

            log.warning("as-you-type check failed: %s", exc)

    def check(self, *, show_all: bool = True) -> tuple[list[Any], list[Any]]:
        """Check the form now; show verdicts (all of them, or only on touched fields).

        Returns ``(errors, warnings)``; unreadable dates count as errors.
        """
        data, local = self.collect()
        errors: list[Any] = list(local)
        warnings: list[Any] = []
        if self.checker is not None:
            report = self.checker(data)
            unreadable = {i.field for i in local}
            errors += [e for e in report.errors if e.field not in unreadable]
            warnings += list(report.warnings)
        self.show_issues(errors, warnings, show_all=show_all)
        return errors, warnings

    def show_issues(self, errors: list[Any], warnings: list[Any], *, show_all: bool) -> None:
        leaves = {leaf.path: leaf for leaf in self.leaves()}
        blocks = {n.path: n for n in nodes_of(self.root_block) if not isinstance(n, Leaf)}
        placed: dict[str, tuple[str, str]] = {}
        unplaced: list[str] = []
        for tone, issues in (("Warning", warnings), ("Error", errors)):
            for issue in issues:
                target = _nearest(issue.field or "", leaves, blocks)
                if target is None:
                    unplaced.append(issue.message)
                    continue
                previous = placed.get(target)
                message = self._short(issue.message, issue.field or "") if target == (
                    issue.field or "").replace("[]", "[0]") else issue.message
                text = message if previous is None or previous[0] != tone else (
                    previous[1] if message in previous[1] else f"{previous[1]}\n{message}")
                placed[target] = (tone, text)
        for path, leaf in leaves.items():
            if leaf.input.pending_refusal():  # the refused key's reason stays until corrected
                continue
            verdict = placed.get(path)
            if verdict is None:
                if leaf.shown or show_all:
                    leaf.show("")
            elif show_all or leaf.touched:
                leaf.show(verdict[1], verdict[0])
        for path, node in blocks.items():
            verdict = placed.get(path)
            if verdict is not None and (show_all or touched_under(node)):
                node.show_message(verdict[1], verdict[0])
            else:
                node.show_message("")
        self.summary.configure(text="\n".join(unplaced) if show_all else "")

    def _short(self, message: str, path: str) -> str:
        """Next to its field, a message need not repeat the enclosing groups' names.

        "Enfant › Nom : obligatoire" is shown as "Nom : obligatoire".
        """
        try:
            label = self.event_type.path_label(path)
        except KeyError:
            return message
        if " › " in label and message.startswith(label):
            return message[len(label.rsplit(" › ", 1)[0]) + len(" › "):]
        return message

    def first_error_widget(self, errors: list[Any]) -> tk.Widget | None:
        """The input the first error points at (the form scrolls to it on a refused save)."""
        leaves = {leaf.path: leaf for leaf in self.leaves()}
        for issue in errors:
            target = _nearest(issue.field or "", leaves, {})
            if target is not None:
                return leaves[target].input.focus_widget
        return None

    def niu_changed(self, leaf: Leaf) -> None:
        if self.niu_lookup is None or not isinstance(leaf.input, NiuInput):
            return
        niu = leaf.input.get()
        if not niu:
            leaf.input.show_summary("")
            return
        try:
            leaf.input.show_summary(self.niu_lookup(niu))
        except Exception as exc:
            message = getattr(exc, "message", None)
            if message is None:
                from ecr_tk.ui.errors import log

                log.warning("NIU lookup failed", exc_info=exc)
                message = tr("The linked act could not be read.")
            leaf.input.show_summary(str(message), tone="Error")

    def present_error(self, error: Any) -> bool:
        """Show a service refusal next to its field; ``False`` when it names none here."""
        field = getattr(error, "field", None)
        leaves = {leaf.path: leaf for leaf in self.leaves()}
        target = _nearest(field or "", leaves, {})
        if target is None:
            return False
        leaves[target].show(error.message)
        self.page.show_widget(leaves[target].input.focus_widget)
        return True


def _nearest(path: str, leaves: Mapping[str, Leaf], blocks: Mapping[str, Any]) -> str | None:
    """The shown path closest to ``path``: itself, else its nearest shown ancestor."""
    candidate = path.replace("[]", "[0]")
    while candidate:
        if candidate in leaves or candidate in blocks:
            return candidate
        if candidate.endswith("]"):
            candidate = candidate[: candidate.rindex("[")]
        elif "." in candidate:
            candidate = candidate[: candidate.rindex(".")]
        else:
            return None
    return None


__all__ = ["ActForm", "Block", "Checker", "Leaf", "LocalIssue", "Repeat"]
