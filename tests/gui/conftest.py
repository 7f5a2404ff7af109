"""GUI test fixtures: a real Xvfb screen (1024×768), real Tk windows, a person's hands.

The session starts its own Xvfb on a free display (``-displayfd``) and points
``DISPLAY`` at it; each test gets a fresh themed Tk root.  ``Hands`` types into
widgets, presses keys and buttons and lets the event loop run, as a person at
the keyboard would; assertions are made on what the widgets show.
"""

from __future__ import annotations

import gc
import os
import time
import tkinter as tk
from collections.abc import Callable, Iterator
from tkinter import ttk
from typing import Any

import pytest

from common.i18n import set_language


@pytest.fixture
def french() -> Iterator[None]:
    set_language("fr")
    yield
    set_language("fr")


@pytest.fixture
def root(virtual_screen: str, french: None) -> Iterator[tk.Tk]:
    from ecr_tk.ui.errors import install_root_handler
    from ecr_tk.ui.theme import apply_theme

    window = tk.Tk()
    window.geometry("1024x740+0+0")
    apply_theme(window)
    install_root_handler(window)
    errors: list[BaseException] = []
    window.report_callback_exception = (  # type: ignore[method-assign]
        lambda _t, exc, _tb: errors.append(exc))
    window.update()
    window.callback_errors = errors  # type: ignore[attr-defined]
    unexpected: list[str] = []
    window.expected_dialogs = 0  # type: ignore[attr-defined]
    watching = _watch_dialogs(window, unexpected)
    yield window
    try:
        window.after_cancel(watching[0])
        window.destroy()
    except tk.TclError:
        pass
    # collect the destroyed windows here, in the Tk thread: collected in a database
    # pool's thread, a Tcl interpreter aborts the process
    del window
    gc.collect()
    assert not errors, f"a Tk callback raised: {errors!r}"
    assert not unexpected, f"a dialog nobody expected was shown: {unexpected!r}"


def _watch_dialogs(window: tk.Tk, unexpected: list[str]) -> list[str]:
    """A modal dialog no test step expects would block the test: note it and close it."""
    from ecr_tk.ui.dialogs import Dialog

    def watch() -> None:
        dialog = Dialog.current()
        if dialog is not None and not getattr(window, "expected_dialogs", 0):
            texts = [str(w.cget("text")) for w in all_widgets(dialog)
                     if isinstance(w, ttk.Label) and w.cget("text")]
            unexpected.append(" | ".join(texts))
            dialog.answer(dialog._cancel)
        try:
            job[0] = window.after(100, watch)
        except tk.TclError:
            pass

    job = [window.after(100, watch)]
    return job


class Hands:
    """Drive widgets like a person: focus, type, press keys, click, wait for the screen."""

    def __init__(self, root: tk.Misc) -> None:
        self.root = root

    def pump(self, seconds: float = 0.05) -> None:
        """Let the event loop run (timers, redraws, deferred checks) for a while."""
        end = time.monotonic() + seconds
        while True:
            self.root.update()
            if time.monotonic() >= end:
                break
            time.sleep(0.01)

    def type_into(self, widget: tk.Misc, text: str, *, clear: bool = True) -> None:
        """Focus ``widget`` and type ``text`` key by key.

        ASCII characters are real key presses (the widget's own bindings and its
        key validation handle them); others (é, ç, non-Latin scripts), which a
        virtual keyboard cannot produce, are inserted at the cursor, as an input
        method would.
        """
        widget.focus_force()
        self.pump(0)
        if clear:
            widget.select_range(0, "end")  # type: ignore[attr-defined]
            widget.event_generate("<KeyPress>", keysym="BackSpace")
            if widget.get():  # type: ignore[attr-defined]
                widget.delete(0, "end")  # type: ignore[attr-defined]
        for char in text:
            keysym = _keysym(char)
            if keysym is not None:
                widget.event_generate("<KeyPress>", keysym=keysym)
            else:
                widget.insert("insert", char)  # type: ignore[attr-defined]
            widget.event_generate("<KeyRelease>", keysym=keysym or "a")
            self.root.update()

    def press(self, widget: tk.Misc, keysym: str, **state: Any) -> None:
        widget.focus_force()
        self.pump(0)
        widget.event_generate(f"<KeyPress-{keysym}>", **state)
        self.pump(0.02)

    def leave(self, widget: tk.Misc) -> None:
        """Tab out of ``widget`` (focus moves on: focus-out checks run)."""
        widget.focus_force()
        self.pump(0)
        widget.tk_focusNext().focus_force()  # type: ignore[union-attr]
        self.pump(0.01)

    def choose(self, box: ttk.Combobox, label: str) -> None:
        """Pick ``label`` in a dropdown, as a click in its list would."""
        values = [str(v) for v in box.cget("values")]
        box.focus_force()
        box.current(values.index(label))
        box.event_generate("<<ComboboxSelected>>")
        self.pump(0)

    def click(self, button: ttk.Button | ttk.Checkbutton) -> None:
        assert str(button.cget("state")) != "disabled", "the button is greyed out"
        button.invoke()
        self.pump(0.05)

    def answer_dialog(self, key: str, then: Callable[[], Any], *,
                      before: Callable[[Any], None] | None = None) -> Any:
        """Run ``then`` (which opens a modal dialog) and answer the dialog with ``key``.

        ``before(dialog)`` runs while the dialog is on screen (fill its entry, or
        bring the server back before pressing "Retry").
        """
        from ecr_tk.ui.dialogs import Dialog

        seen: list[str] = []
        wrong: list[str] = []
        failed: list[BaseException] = []
        finished = [False]

        def answer() -> None:
            if finished[0]:
                return
            dialog = Dialog.current()
            if dialog is None or not dialog.winfo_viewable():
                self.root.after(20, answer)
                return
            seen.append(str(dialog.message_label.cget("text")))
            self.root.update()
            if key not in dialog.buttons:  # another dialog than expected: close it, then fail
                wrong.append(f"{sorted(dialog.buttons)}: {seen[-1]}")
                dialog.buttons[dialog._cancel].invoke()
                return
            if before is not None:
                try:
                    before(dialog)
                except BaseException as exc:  # re-raised below, once the dialog is closed
                    failed.append(exc)
                    dialog.buttons[dialog._cancel].invoke()
                    return
            dialog.buttons[key].invoke()

        self.root.expected_dialogs += 1  # type: ignore[attr-defined]
        try:
            self.root.after(20, answer)
            result = then()
        finally:
            finished[0] = True
            self.root.expected_dialogs -= 1  # type: ignore[attr-defined]
        if failed:
            raise failed[0]
        assert seen, "no dialog was shown"
        assert not wrong, f"a dialog without the button {key!r} was shown: {wrong[0]}"
        self.last_dialog_text = seen[0]
        return result


_KEYSYMS = {"/": "slash", ":": "colon", " ": "space", "-": "minus", ".": "period",
            "'": "apostrophe", ",": "comma", "@": "at", "_": "underscore", "(": "parenleft",
            ")": "parenright", "°": None}


def _keysym(char: str) -> str | None:
    if char in _KEYSYMS:
        return _KEYSYMS[char]
    return char if char.isascii() and char.isalnum() else None


@pytest.fixture
def hands(root: tk.Tk) -> Hands:
    return Hands(root)


def all_widgets(widget: tk.Misc) -> Iterator[tk.Misc]:
    yield widget
    for child in widget.winfo_children():
        yield from all_widgets(child)


def texts_on_screen(widget: tk.Misc) -> list[str]:
    """Every label's and button's text under ``widget`` that is mapped (visible)."""
    out = []
    for w in all_widgets(widget):
        shows_text = isinstance(w, ttk.Label | ttk.Button | ttk.Checkbutton | tk.Label)
        if shows_text and w.winfo_ismapped():
            text = str(w.cget("text"))
            if text:
                out.append(text)
    return out


def find_button(widget: tk.Misc, text: str) -> ttk.Button:
    """The visible button labelled ``text`` (a person can only press what they see)."""
    for w in all_widgets(widget):
        if isinstance(w, ttk.Button) and str(w.cget("text")) == text and w.winfo_ismapped():
            return w
    raise LookupError(f"no button {text!r} on screen")


def has_button(widget: tk.Misc, text: str) -> bool:
    try:
        find_button(widget, text)
    except LookupError:
        return False
    return True


# --------------------------------------------------------------- a real centre

OFFICER = (1, "Fatou Sarr", "officer-pass-1")
AGENT = (10, "Awa Diop", "agent-pass-10")
SECRETARY = (20, "Moussa Faye", "secretary-pass-20")


@pytest.fixture
def centre_home(fresh_db: str, tmp_path: Any) -> Iterator[Any]:
    """A centre initialised in its own database, with an officer, an agent, a secretary."""
    from ecr_tk.services.centre import Centre

    home = tmp_path / "home"
    centre = Centre.init(home, "123456", "Centre d'état civil de Thiès", OFFICER[0], OFFICER[1],
                         OFFICER[2], dsn=fresh_db, workstation="poste-1")
    with centre, centre.login(OFFICER[0], OFFICER[2]) as officer:
        officer.users.add(AGENT[0], AGENT[1], "agent", AGENT[2])
        officer.users.add(SECRETARY[0], SECRETARY[1], "secretary", SECRETARY[2])
    os.environ["ECR_NO_VIEWER"] = "1"
    yield home


@pytest.fixture
def app(root: tk.Tk, centre_home: Any) -> Iterator[Any]:
    from ecr_tk.ui.app import Application

    application = Application(root, centre_home)
    root.report_callback_exception = (  # type: ignore[method-assign]
        lambda _t, exc, _tb: root.callback_errors.append(exc))  # type: ignore[attr-defined]
    application.start()
    yield application
    if application.stage is not None and hasattr(application.stage, "leaving"):
        application.stage.leaving()
    application._close_session()
    if application.centre is not None:
        application.centre.close()


def wait_for(hands: Hands, condition: Callable[[], Any], timeout: float = 20.0,
             what: str = "the screen") -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        hands.pump(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def log_in(hands: Hands, app: Any, user: tuple[int, str, str]) -> Any:
    """Type the number and password in the login window and press Enter."""
    from ecr_tk.ui.login import LoginView
    from ecr_tk.ui.workbench import Workbench

    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage,
                     what="the login window")
    hands.type_into(login.number, str(user[0]))
    hands.type_into(login.password, user[2])
    hands.press(login.password, "Return")
    return wait_for(hands, lambda: isinstance(app.stage, Workbench) and app.stage,
                    what="the main window")


def valid_act(event_type: str) -> dict[str, Any]:
    """A complete generated act of ``event_type`` that is valid if registered today."""
    import datetime as dt
    import random

    from common.acts.generator import generate_act
    from common.acts.validation import validate

    for seed in range(500):
        act = generate_act(event_type, random.Random(seed), complete=True)
        if validate(event_type, act.data, today=dt.date.today()).ok:
            return act.data
    raise AssertionError(f"no valid {event_type} act among 500 seeds")
