"""The main window after login: who is logged in, the navigation, the current view.

Left: the navigation, built from the view registry and the permissions table:
a view the user's role may not use has no button at all.  Work queues show
their counts.  Top: the centre, the user and role, "Lock" and "Log out".  The
window locks itself after a time without activity; Ctrl+S, Ctrl+Enter and
Escape are passed to the current view (save, next, cancel).
"""

from __future__ import annotations

import logging
import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.labels import role_label
from ecr_tk.ui.errors import guarded, report
from ecr_tk.ui.login import LockScreen
from ecr_tk.ui.views import View, load_views

if TYPE_CHECKING:
    from ecr_tk.ui.app import Application

tr = translator("ui")
log = logging.getLogger("ecr.ui")

DEFAULT_LOCK_MINUTES = 10
NAV_WIDTH = 220
KEEPALIVE_MS = 120_000  # while the person works, the database session is kept open
COUNTS_MS = 60_000  # the queues' counts follow what colleagues do


class Workbench(ttk.Frame):
    """Header, navigation and content area of a logged-in session."""

    def __init__(self, master: tk.Misc, app: Application, session: Any) -> None:
        super().__init__(master)
        self.app = app
        self.session = session
        self.views = load_views()
        self.current: View | None = None
        self.stack: list[tuple[str, dict[str, Any]]] = []
        self.lock_screen: LockScreen | None = None
        self._idle_job: str | None = None
        self._active_since_ping = False
        user = session.user
        bar = ttk.Frame(self, style="Bar.TFrame", padding=(12, 6))
        bar.pack(fill="x")
        centre = getattr(session, "centre", None)
        ttk.Label(bar, text=f"{centre.name} ({centre.code})" if centre else "",
                  style="BarBold.TLabel").pack(side="left")
        self.logout_button = ttk.Button(bar, text=tr("Log out"), command=self.logout,
                                        takefocus=0)
        self.logout_button.pack(side="right")
        self.lock_button = ttk.Button(bar, text=tr("Lock"), command=self.lock, takefocus=0)
        self.lock_button.pack(side="right", padx=(0, 6))
        self.user_label = ttk.Label(
            bar, style="Bar.TLabel",
            text=tr("{name} (user {number}) — {role}", name=user.name, number=user.number,
                    role=role_label(user.role)))
        self.user_label.pack(side="right", padx=(0, 16))
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.nav = ttk.Frame(body, style="Nav.TFrame", width=NAV_WIDTH, padding=(0, 8))
        self.nav.pack(side="left", fill="y")
        self.nav.pack_propagate(False)
        self.content = ttk.Frame(body)
        self.content.pack(side="left", fill="both", expand=True)
        self.nav_buttons: dict[str, ttk.Button] = {}
        self._build_nav()
        self._bind_keys()
        self.winfo_toplevel().ecr_session_lost = self._session_lost  # type: ignore[attr-defined]
        self._lock_minutes = self._read_lock_minutes()
        self.activity()
        self.after(KEEPALIVE_MS, self._keepalive)
        self.after(COUNTS_MS, self._recount)
        first = next(iter(self.nav_buttons), None)
        if first is not None:
            self.after_idle(lambda: self.show(first))
        self.after_idle(self._offer_autosaves)

    # ------------------------------------------------------------ navigation
    def allowed(self, view: type[View]) -> bool:
        return view.permission is None or bool(self.session.can(view.permission))

    def _build_nav(self) -> None:
        entries = sorted((v for v in self.views.values() if v.nav_order is not None),
                         key=lambda v: v.nav_order or 0)
        for view in entries:
            if not self.allowed(view):
                continue  # absent, not greyed out
            button = ttk.Button(self.nav, text=view.nav_title(), style="Nav.TButton",
                                takefocus=0, command=lambda v=view.view_id: self.navigate(v))
            button.pack(fill="x")
            self.nav_buttons[view.view_id] = button
        self.refresh_counts()

    @guarded
    def refresh_counts(self) -> None:
        """Put each work queue's count in its navigation button."""
        self._show_counts(self.session.acts.queue_counts())

    def _show_counts(self, counts: dict[str, int]) -> None:
        for view_id, button in self.nav_buttons.items():
            view = self.views[view_id]
            queue = getattr(view, "queue", None)
            if queue is not None:
                button.configure(text=f"{view.nav_title()} ({counts.get(queue, 0)})")

    def show(self, view_id: str, *, push: bool = False, keep_stack: bool = False,
             **options: Any) -> View | None:
        """Show a view.

        ``push`` keeps the current view to come back to (Escape); ``keep_stack``
        replaces the current view but keeps the way back (the next act of a queue).
        """
        view_class = self.views[view_id]
        if not self.allowed(view_class):
            return None
        if self.current is not None:
            if not self.current.can_leave():
                return self.current
            self.current.leaving()
        # the new view is built before the old one goes: if reading its act fails
        # (connection lost), the person stays where they were, with their work
        view = view_class(self.content, self, **options)
        if self.current is not None:
            if push:
                self.stack.append((self.current.view_id, dict(self.current.options)))
            elif not keep_stack:
                self.stack.clear()
            self.current.destroy()
        view.pack(fill="both", expand=True)
        self.current = view
        for vid, button in self.nav_buttons.items():
            button.configure(style="NavCurrent.TButton" if vid == view_id else "Nav.TButton")
        try:
            view.refresh()
        except Exception as exc:
            report(view, exc)
        return view

    @guarded
    def navigate(self, view_id: str) -> None:
        """A navigation button: the view, fresh, with no way back."""
        self.show(view_id)

    @guarded
    def navigate_to_act(self, act: int | str) -> None:
        """Open an act by id or NIU from anywhere (a refused read says why, in place)."""
        self.open("act.view", act_id=act if isinstance(act, int) else None,
                  niu=act if isinstance(act, str) else None)

    def open(self, view_id: str, **options: Any) -> View | None:
        """Open a view from the current one (an act from a queue): Escape comes back."""
        return self.show(view_id, push=True, **options)

    def back(self) -> None:
        if self.stack:
            view_id, options = self.stack.pop()
            self.show(view_id, keep_stack=True, **options)
        self.refresh_counts()

    def replace(self, view_id: str, **options: Any) -> View | None:
        """Show ``view_id`` in place of the current view; Escape still goes back."""
        return self.show(view_id, keep_stack=True, **options)

    # --------------------------------------------------------------- keyboard
    SHORTCUTS = (("<Control-s>", "save"), ("<Control-S>", "save"),
                 ("<Control-Return>", "next"), ("<Control-KP_Enter>", "next"),
                 ("<Escape>", "cancel"))
    ACTIVITY = ("<Any-KeyPress>", "<Any-ButtonPress>")

    def _bind_keys(self) -> None:
        top = self.winfo_toplevel()
        for sequence, name in self.SHORTCUTS:
            top.bind(sequence, lambda _e, n=name: self.shortcut(n))
        for sequence in self.ACTIVITY:
            top.bind_all(sequence, lambda _e: self.activity())

    def destroy(self) -> None:
        top = self.winfo_toplevel()
        for sequence, _name in self.SHORTCUTS:
            top.unbind(sequence)
        for sequence in self.ACTIVITY:
            top.unbind_all(sequence)
        if self._idle_job is not None:
            self.after_cancel(self._idle_job)
        if getattr(top, "ecr_session_lost", None) == self._session_lost:
            top.ecr_session_lost = None  # type: ignore[attr-defined]
        super().destroy()

    @guarded
    def shortcut(self, name: str) -> str:
        if self.lock_screen is not None or self.current is None:
            return "break"
        if self.current.shortcut(name):
            return "break"
        if name == "cancel" and self.stack:
            self.back()
        return "break"

    # ------------------------------------------------------------ inactivity
    def _read_lock_minutes(self) -> float:
        try:
            value = self.session.settings.all().get("session.idle_minutes")
            minutes = float(value) if value is not None else DEFAULT_LOCK_MINUTES
        except Exception as exc:  # the default protects as well
            log.info("idle minutes: %s", exc)
            minutes = DEFAULT_LOCK_MINUTES
        # lock a little before the database would close the session
        return max(0.05, minutes - 0.5) if minutes > 1 else minutes

    def set_lock_after(self, minutes: float) -> None:
        self._lock_minutes = minutes
        self.activity()

    def activity(self) -> None:
        """Any key or click: the inactivity clock starts again."""
        if not self.winfo_exists():
            return
        self._active_since_ping = True
        if self._idle_job is not None:
            self.after_cancel(self._idle_job)
        self._idle_job = self.after(int(self._lock_minutes * 60_000), self._idle)

    def _idle(self) -> None:
        self._idle_job = None
        self.lock(reason=tr("The session was locked after a time without activity."))

    def _keepalive(self) -> None:
        if not self.winfo_exists():
            return
        if self._active_since_ping and self.lock_screen is None:
            self._active_since_ping = False
            try:
                self.session.refresh_user()
            except UserError as exc:
                self._session_lost(exc)
            except Exception as exc:
                log.info("keepalive: %s", exc)
        self.after(KEEPALIVE_MS, self._keepalive)

    def _recount(self) -> None:
        if not self.winfo_exists():
            return
        if self.lock_screen is None:
            try:
                counts = self.session.acts.queue_counts()
            except Exception as exc:  # shown at the next action; counts can wait
                log.info("queue counts: %s", exc)
            else:
                self._show_counts(counts)
        self.after(COUNTS_MS, self._recount)

    def _session_lost(self, exc: UserError) -> None:
        """The database no longer accepts this session: suspended users leave, others
        type their password again (their work stays on screen)."""
        if exc.rule in ("user_suspended", "user_locked"):
            self.after_idle(lambda: self.app.logout(message=exc.message))
        else:
            self.lock(reason=exc.message)

    def lock(self, reason: str = "") -> None:
        if self.lock_screen is not None:
            return
        if self.current is not None:
            self.current.leaving()  # the autosave of a form being typed
        self.lock_screen = LockScreen(self, self.session.user,
                                      reason=reason or tr("The session is locked."),
                                      unlock=self._unlock, logout=self.logout)
        self.lock_screen.cover()

    def _unlock(self, password: str) -> None:
        """The same person again: a fresh session; what was on screen is untouched."""
        user = self.session.user
        fresh = self.app.centre.login(user.number, password)
        old, self.session = self.session, fresh
        self.app.session = fresh
        try:
            old.logout()
        except Exception as exc:  # expired already: nothing to close
            log.info("old session: %s", exc)
        if self.lock_screen is not None:
            self.lock_screen.grab_release()
            self.lock_screen.destroy()
            self.lock_screen = None
        self.activity()
        if self.current is not None:
            self.current.focus_set()

    def logout(self) -> None:
        self.app.logout()

    def leaving(self) -> None:
        """The window closes or the user logs out: views keep their unsaved work."""
        if self.current is not None:
            self.current.leaving()

    # ---------------------------------------------------------------- autosave
    @guarded
    def _offer_autosaves(self) -> None:
        from ecr_tk.ui.autosave import offer_autosaves

        offer_autosaves(self)
