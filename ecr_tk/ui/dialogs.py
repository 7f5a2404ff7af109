"""Modal dialogs drawn with ttk (confirm, inform, retry, ask a text).

Not ``tkinter.messagebox``: ours follow the theme and the language, take the
keyboard (Enter = default, Escape = cancel), and are real windows that a test
can find (``Dialog.current``) and answer by invoking a button, as a person would.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import ClassVar

from common.errors import UserError
from common.i18n import translator

tr = translator("ui")


class Dialog(tk.Toplevel):
    """A modal window with a message and buttons; ``show()`` returns the key pressed."""

    #: The dialogs open now, innermost last (tests answer ``Dialog.current()``).
    stack: ClassVar[list[Dialog]] = []

    def __init__(self, parent: tk.Misc, title: str, message: str,
                 buttons: list[tuple[str, str]], *, default: str, cancel: str,
                 detail: str = "", tone: str = "info", entry: str | None = None,
                 secret: bool = False) -> None:
        super().__init__(parent)
        self.withdraw()
        self.title(title)
        self.transient(parent.winfo_toplevel())
        self.resizable(False, False)
        self.result = cancel
        self._cancel = cancel
        self.text_value: str = ""
        body = ttk.Frame(self, padding=18)
        body.pack(fill="both", expand=True)
        heading_style = "Title.TLabel" if tone in ("error", "warning") else "Heading.TLabel"
        ttk.Label(body, text=title, style=heading_style).pack(anchor="w")
        self.message_label = ttk.Label(body, text=message, wraplength=460, justify="left")
        self.message_label.pack(anchor="w", pady=(8, 0))
        if detail:
            ttk.Label(body, text=detail, style="Muted.TLabel", wraplength=460,
                      justify="left").pack(anchor="w", pady=(6, 0))
        self.entry: ttk.Entry | None = None
        if entry is not None:
            self.entry = ttk.Entry(body, width=40, show="•" if secret else "")
            self.entry.insert(0, entry)
            self.entry.pack(anchor="w", pady=(10, 0), fill="x")
        #: Run for any answer but ``cancel`` before the dialog closes: a ``UserError``
        #: it raises is shown in the dialog, which stays open with what was typed
        #: (a rejection reason lost to a refusal had to be typed again; issue 13, bug 10).
        self.action: Callable[[str], None] | None = None
        self.error_label = ttk.Label(body, text="", style="Error.TLabel", wraplength=460,
                                     justify="left")
        row = ttk.Frame(body)
        row.pack(anchor="e", pady=(16, 0))
        self._button_row = row
        self.buttons: dict[str, ttk.Button] = {}
        for key, label in buttons:
            style = "Accent.TButton" if key == default else "TButton"
            button = ttk.Button(row, text=label, style=style,
                                command=lambda k=key: self.answer(k))  # type: ignore[misc]
            button.pack(side="left", padx=(8, 0))
            self.buttons[key] = button
        self.bind("<Return>", lambda _e: self.answer(default))
        self.bind("<KP_Enter>", lambda _e: self.answer(default))
        self.bind("<Escape>", lambda _e: self.answer(cancel))
        self.protocol("WM_DELETE_WINDOW", lambda: self.answer(cancel))
        self._focus = self.entry if self.entry is not None else self.buttons[default]

    def answer(self, key: str) -> None:
        if self.entry is not None:
            self.text_value = self.entry.get()
        if key != self._cancel and self.action is not None:
            self.clear_error()
            try:
                self.action(key)
            except UserError as exc:
                self.show_error(exc.message, field=exc.field)
                return
        self.result = key
        self.destroy()

    def clear_error(self) -> None:
        """Forget the last refusal (the answer is tried again)."""
        self.error_label.configure(text="")
        if self.error_label.winfo_manager():
            self.error_label.pack_forget()

    def show_error(self, message: str, *, field: str | None = None) -> None:
        """Say why the answer was refused, under the entry; the dialog stays open.

        ``field`` is the refused field (``UserError.field``): a dialog with
        several fields shows the message beside that one.
        """
        self.error_label.configure(text=message)
        if not self.error_label.winfo_manager():
            self.error_label.pack(anchor="w", pady=(10, 0), before=self._button_row)
        self.bell()

    def show(self) -> str:
        """Show the dialog centred on its parent and wait for an answer."""
        self.update_idletasks()
        parent = self.master.winfo_toplevel()
        x = parent.winfo_rootx() + max(0, (parent.winfo_width() - self.winfo_reqwidth()) // 2)
        y = parent.winfo_rooty() + max(0, (parent.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")
        self.deiconify()
        Dialog.stack.append(self)
        try:
            self.wait_visibility()
            self.grab_set()
            self._focus.focus_force()
            self.wait_window()
        except tk.TclError:
            pass  # the application closed under us: the cancel answer stands
        finally:
            if self in Dialog.stack:
                Dialog.stack.remove(self)
        return self.result

    @classmethod
    def current(cls) -> Dialog | None:
        return cls.stack[-1] if cls.stack else None


def confirm(parent: tk.Misc, title: str, message: str, *, yes: str, no: str | None = None,
            detail: str = "") -> bool:
    """Ask before an irreversible step; the safe answer is the default of Escape."""
    dialog = Dialog(parent, title, message, [("no", no or tr("Cancel")), ("yes", yes)],
                    default="yes", cancel="no", detail=detail, tone="warning")
    return dialog.show() == "yes"


def inform(parent: tk.Misc, title: str, message: str, *, detail: str = "",
           tone: str = "info") -> None:
    Dialog(parent, title, message, [("ok", tr("OK"))], default="ok", cancel="ok",
           detail=detail, tone=tone).show()


def ask_retry(parent: tk.Misc, title: str, message: str, *, detail: str = "") -> bool:
    dialog = Dialog(parent, title, message, [("cancel", tr("Cancel")), ("retry", tr("Retry"))],
                    default="retry", cancel="cancel", detail=detail, tone="error")
    return dialog.show() == "retry"


def ask_text(parent: tk.Misc, title: str, message: str, *, initial: str = "",
             secret: bool = False, ok: str | None = None,
             action: Callable[[str], None] | None = None) -> str | None:
    """A one-line answer (a reason for a rejection, a new password); ``None`` if cancelled.

    With ``action``, the answer is acted on before the dialog closes; if it is
    refused, the reason shows in the dialog and the text stays for correction.
    """
    dialog = Dialog(parent, title, message, [("cancel", tr("Cancel")), ("ok", ok or tr("OK"))],
                    default="ok", cancel="cancel", entry=initial, secret=secret)
    if action is not None:
        dialog.action = lambda _key: action(dialog.text_value)
    return dialog.text_value if dialog.show() == "ok" else None
