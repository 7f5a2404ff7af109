"""The login window and the lock screen.

Login asks for the user number and the password; the centre's name is read
from the home folder, so the window appears before the database is open.  If
the person presses "Log in" before the database is ready, the login simply
waits for it.  The lock screen covers the main window after a time without
activity: what was on screen stays as it was, behind it, until the same person
types the password again (or logs out).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import get_language, translator
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.widgets import Form, entry

if TYPE_CHECKING:
    from ecr_tk.ui.app import Application

tr = translator("ui")


class LoginView(ttk.Frame):
    """Centre name, user number, password, language; Enter logs in."""

    def __init__(self, master: tk.Misc, app: Application, *, message: str = "") -> None:
        super().__init__(master)
        self.app = app
        self._pending = False
        settings = app.home.settings if app.home is not None else {}
        card = ttk.Frame(self, style="Card.TFrame", padding=(36, 28))
        card.place(relx=0.5, rely=0.42, anchor="center")
        ttk.Label(card, text=tr("Civil registration"), style="Card.Muted.TLabel").pack(anchor="w")
        self.centre_label = ttk.Label(card, text=settings.get("centre.name") or "",
                                      style="Card.Title.TLabel")
        self.centre_label.pack(anchor="w")
        ttk.Label(card, text=tr("Centre {code}", code=settings.get("centre.code") or ""),
                  style="Card.Muted.TLabel").pack(anchor="w", pady=(0, 16))
        self.form = Form(card, label_width=20, style="CardBody.TFrame")
        self.form.pack(anchor="w")
        self.number = self.form.add("number", tr("User number"), entry(12))
        self.password = self.form.add("password", tr("Password"), entry(24, secret=True))
        self.status = ttk.Label(card, text=message, style="Card.Error.TLabel", wraplength=420,
                                justify="left")
        self.status.pack(anchor="w", pady=(10, 0))
        row = ttk.Frame(card, style="CardBody.TFrame")
        row.pack(fill="x", pady=(14, 0))
        self.login_button = ttk.Button(row, text=tr("Log in"), style="Accent.TButton",
                                       command=self.submit)
        self.login_button.pack(side="right")
        self.retry_button = ttk.Button(row, text=tr("Try again to reach the database"),
                                       command=self.retry)
        other = "en" if get_language() == "fr" else "fr"
        self.language_button = ttk.Button(
            row, text="English" if other == "en" else "Français", takefocus=0,
            command=lambda: app.switch_language(other))
        self.language_button.pack(side="left")
        for widget in (self.number, self.password):
            widget.bind("<Return>", lambda _e: self.submit())
            widget.bind("<KP_Enter>", lambda _e: self.submit())
        if app.centre_error is not None:
            self.centre_failed()
        self.after_idle(self.number.focus_set)

    # ---------------------------------------------------- database readiness
    def centre_ready(self) -> None:
        self.retry_button.pack_forget()
        if self._pending:
            self._pending = False
            self.submit()

    def centre_failed(self) -> None:
        self._pending = False
        error = self.app.centre_error
        text = error.message if isinstance(error, UserError) else tr(
            "The centre's database could not be opened (see the log file).")
        self.status.configure(text=text)
        self.retry_button.pack(side="right", padx=(0, 8))
        self.login_button.state(["!disabled"])

    @guarded
    def retry(self) -> None:
        self.status.configure(text=tr("Connecting to the centre's database…"),
                              style="Card.Muted.TLabel")
        self.retry_button.pack_forget()
        self.app.open_centre()

    # ----------------------------------------------------------------- login
    @guarded
    def submit(self) -> None:
        self.form.clear_messages()
        number_text = self.number.get().strip()
        if not number_text.isdigit():
            self.form.show_message("number", tr("Type your user number (digits)"))
            self.number.focus_set()
            return
        password = self.password.get()
        if not password:
            self.form.show_message("password", tr("Type your password"))
            self.password.focus_set()
            return
        if self.app.centre is None:
            if self.app.opening is None and self.app.centre_error is not None:
                self.centre_failed()
                return
            self._pending = True
            self.status.configure(text=tr("Connecting to the centre's database…"),
                                  style="Card.Muted.TLabel")
            return
        self.status.configure(text="")
        try:
            session = self.app.centre.login(int(number_text), password)
        except UserError as exc:
            if getattr(exc, "rule", "") in ("database_unavailable", "database_login_refused"):
                raise
            self.status.configure(text=exc.message, style="Card.Error.TLabel")
            self.password.delete(0, "end")
            self.password.focus_set()
            return
        self.app.logged_in(session)


class LockScreen(ttk.Frame):
    """Covers the main window; the same user's password opens it again."""

    def __init__(self, master: tk.Misc, user: Any, *, reason: str,
                 unlock: Callable[[str], None], logout: Callable[[], None]) -> None:
        super().__init__(master, style="Nav.TFrame")
        self._unlock = unlock
        card = ttk.Frame(self, style="Card.TFrame", padding=(32, 24))
        card.place(relx=0.5, rely=0.42, anchor="center")
        ttk.Label(card, text=tr("Session locked"), style="Card.Title.TLabel").pack(anchor="w")
        ttk.Label(card, text=reason, style="Card.Muted.TLabel", wraplength=380,
                  justify="left").pack(anchor="w", pady=(4, 12))
        ttk.Label(card, text=tr("{name} (user {number})", name=user.name, number=user.number),
                  style="Card.TLabel", font="EcrBold").pack(anchor="w")
        self.form = Form(card, label_width=14, style="CardBody.TFrame")
        self.form.pack(anchor="w", pady=(8, 0))
        self.password = self.form.add("password", tr("Password"), entry(24, secret=True))
        self.password.bind("<Return>", lambda _e: self.submit())
        self.password.bind("<KP_Enter>", lambda _e: self.submit())
        row = ttk.Frame(card, style="CardBody.TFrame")
        row.pack(fill="x", pady=(14, 0))
        self.unlock_button = ttk.Button(row, text=tr("Unlock"), style="Accent.TButton",
                                        command=self.submit)
        self.unlock_button.pack(side="right")
        self.logout_button = ttk.Button(row, text=tr("Log out"), command=logout)
        self.logout_button.pack(side="right", padx=(0, 8))

    def cover(self) -> None:
        self.place(x=0, y=0, relwidth=1, relheight=1)
        self.lift()
        self.password.focus_force()
        try:
            self.grab_set()  # the covered window takes no key while locked
        except tk.TclError:
            pass

    @guarded
    def submit(self) -> None:
        self.form.clear_messages()
        password = self.password.get()
        self.password.delete(0, "end")
        if not password:
            self.form.show_message("password", tr("Type your password"))
            return
        try:
            self._unlock(password)
        except UserError as exc:
            if getattr(exc, "rule", "") in ("database_unavailable",):
                raise
            self.form.show_message("password", exc.message)
            self.password.focus_set()
