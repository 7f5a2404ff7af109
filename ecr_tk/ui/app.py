"""The desktop application: ``ecr`` with no argument.

One ``Application`` per process drives the stages a person goes through:
setup assistant (first start: the home folder holds no centre) → login → main
window (``Workbench``) → logout → login…  The login window is shown at once;
the centre's database (possibly the embedded server, which takes a few seconds
to start) is opened meanwhile in a background thread, so an old PC shows
something to do immediately.

Only this module and the setup assistant open or create a centre; everything
else goes through the logged-in ``Session``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.errors import UserError
from common.i18n import set_language, translator

tr = translator("ui")
log = logging.getLogger("ecr.ui")


class Background:
    """Run a slow call (open a database, start a server) off the Tk thread.

    The result or the exception is handed back on the Tk thread, by polling:
    Tk objects are only ever touched by the thread that created them.
    """

    def __init__(self, widget: tk.Misc, work: Callable[[], Any],
                 done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        self.widget = widget
        self.done = done
        self.failed = failed
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self.thread.start()
        # The first look is scheduled, never made here: a work that fails at once
        # would otherwise call ``failed`` before the caller has even stored this
        # object, and a caller that clears its ``busy = Background(...)`` in
        # ``failed`` would then keep the finished one for ever (the setup
        # assistant's dead "Create" button, issue 13).
        widget.after(50, self._poll)

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            self.result = work()
        except BaseException as exc:  # handed to the Tk thread, which reports it
            self.error = exc
        finally:
            self.finished.set()

    def _poll(self) -> None:
        if not self.finished.is_set():
            try:
                self.widget.after(50, self._poll)
            except tk.TclError:
                pass  # the window closed while we worked
            return
        if self.error is not None:
            self.failed(self.error)
        else:
            self.done(self.result)


class Application:
    """The stages of the program on one Tk root."""

    def __init__(self, root: tk.Tk, home: str | Path | None) -> None:
        from ecr_tk.ui.errors import install_root_handler
        from ecr_tk.ui.theme import MIN_HEIGHT, MIN_WIDTH, apply_theme

        self.root = root
        self.home_arg = home
        self.home: Any = None  # ecr_tk.home.CentreHome once known
        self.centre: Any = None  # ecr_tk.services.centre.Centre once opened
        self.centre_error: BaseException | None = None
        self.opening: Background | None = None
        self.session: Any = None
        self.stage: tk.Widget | None = None
        self.transmitter: Any = None  # ecr_tk.transmission.worker.BackgroundTransmitter
        root.title(tr("ECR — Civil registration"))
        root.minsize(min(MIN_WIDTH, root.winfo_screenwidth()),
                     min(MIN_HEIGHT, root.winfo_screenheight() - 40))
        apply_theme(root)
        install_root_handler(root)
        root.protocol("WM_DELETE_WINDOW", self.quit)

    # ---------------------------------------------------------------- stages
    def start(self) -> None:
        from ecr_tk.home import CentreHome, NoCentreHere

        try:
            self.home = CentreHome.open(self.home_arg)
        except NoCentreHere:
            self.show_setup()
            return
        set_language(self.home.settings.get("ui.language") or "fr")
        login = self.show_login()
        # the database is opened once the window is on screen: the two do not
        # compete for the one Python thread while the window is being drawn
        when_viewable(login, self.open_centre)

    def show_setup(self) -> None:
        from ecr_tk.ui.setup import SetupAssistant

        self._replace(SetupAssistant(self.root, self))

    def setup_finished(self, centre: Any) -> None:
        """The assistant created (or joined) a centre: on to the login window."""
        from ecr_tk.home import CentreHome

        self.home = CentreHome.open(centre.home.path if centre.home else self.home_arg)
        self.centre = centre
        self.centre_error = None
        self.show_login()

    def open_centre(self) -> None:
        """Open the centre's database in the background (the login waits for it)."""
        if self.opening is not None or self.centre is not None:
            return
        path = self.home.path
        self.centre_error = None
        self.opening = Background(self.root, lambda: _open_centre(path),
                                  self._centre_opened, self._centre_failed)

    def _centre_opened(self, centre: Any) -> None:
        self.centre = centre
        self.opening = None
        self.start_transmitter()
        self._tell_stage("centre_ready")
        _probe("centre_ready")

    def _centre_failed(self, exc: BaseException) -> None:
        self.opening = None
        self.centre_error = exc
        _probe("centre_failed")
        if not _is_user_error(exc):
            log.error("the centre could not be opened", exc_info=exc)
        self._tell_stage("centre_failed")

    def start_transmitter(self) -> None:
        """Transmit from here if this PC can (standalone, enrolled); else only show status."""
        from ecr_tk.transmission.worker import BackgroundTransmitter, can_transmit

        if self.transmitter is None and self.home is not None and can_transmit(
                self.home, self.centre.config):
            self.transmitter = BackgroundTransmitter(self.home, self.centre.config)
            self.transmitter.start()

    def stop_transmitter(self) -> None:
        transmitter, self.transmitter = self.transmitter, None
        if transmitter is not None:
            transmitter.stop()

    def show_login(self, message: str = "") -> tk.Widget:
        from ecr_tk.ui.login import LoginView

        login = LoginView(self.root, self, message=message)
        if os.environ.get(PROBE_ENV):
            when_viewable(login, lambda: _probe("login_shown"))
        self._replace(login)
        return login

    def logged_in(self, session: Any) -> None:
        from ecr_tk.ui.workbench import Workbench

        self.session = session
        self._replace(Workbench(self.root, self, session))

    def logout(self, message: str = "") -> None:
        bench = self.stage
        if bench is not None and hasattr(bench, "leaving"):
            bench.leaving()
        self._close_session()
        self.show_login(message=message)

    def switch_language(self, lang: str) -> None:
        """Change the language (saved for this workstation) and redraw the current stage."""
        set_language(lang)
        if self.home is not None:
            try:
                self.home = self.home.update({"ui.language": lang})
            except Exception as exc:  # the choice still applies to this run
                log.warning("could not save the language: %s", exc)
        if self.session is None:
            self.show_login()

    def quit(self) -> None:
        """Closing the window: keep unsaved work safe, close the session, stop."""
        try:
            if self.stage is not None and hasattr(self.stage, "leaving"):
                self.stage.leaving()
            self._close_session()
            self.stop_transmitter()
            if self.centre is not None:
                self.centre.close()
        except Exception:
            log.exception("error while closing")
        finally:
            self.root.destroy()

    # --------------------------------------------------------------- helpers
    def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            try:
                session.logout()
            except Exception as exc:  # the session may have expired: nothing to close
                log.info("logout: %s", exc)

    def _replace(self, stage: tk.Widget) -> None:
        if self.stage is not None:
            self.stage.destroy()
        self.stage = stage
        stage.pack(fill="both", expand=True)
        self.root.update_idletasks()

    def _tell_stage(self, event: str) -> None:
        handler = getattr(self.stage, event, None)
        if handler is not None:
            handler()


#: ``bench/startup.py`` sets this to a file: the moments the login window is
#: shown and the centre's database is ready are appended to it (JSON lines);
#: with ``ECR_STARTUP_PROBE_EXIT=1`` the program then closes itself.
PROBE_ENV = "ECR_STARTUP_PROBE"
_probed: set[str] = set()


def _probe(event: str) -> None:
    path = os.environ.get(PROBE_ENV)
    if not path or event in _probed:
        return
    _probed.add(event)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"event": event, "at": time.time()}) + "\n")
    if os.environ.get("ECR_STARTUP_PROBE_EXIT") and "login_shown" in _probed and (
            _probed & {"centre_ready", "centre_failed"}):
        root = tk._default_root  # type: ignore[attr-defined]
        if root is not None:
            root.after_idle(root.event_generate, "<<EcrQuit>>")


def when_viewable(widget: tk.Misc, then: Callable[[], Any]) -> None:
    """Call ``then`` once ``widget`` is on screen (mapped, and its window too)."""
    try:
        if widget.winfo_viewable():
            widget.update_idletasks()  # drawn, not only mapped
            then()
        else:
            widget.after(5, when_viewable, widget, then)
    except tk.TclError:
        pass  # the widget went away first (a quick language switch): nothing to do


def _open_centre(path: Path) -> Any:
    from ecr_tk.services.centre import Centre  # imported here, off the Tk thread

    return Centre.open(path)


def _is_user_error(exc: BaseException) -> bool:
    from common.errors import UserError

    return isinstance(exc, UserError)


def configure_logging(home: Path | None) -> None:
    """Errors go to ``logs/ecr-ui.log`` in the home folder (and to stderr)."""
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if home is not None and (home / "logs").is_dir():
        handlers.append(logging.FileHandler(home / "logs" / "ecr-ui.log", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, handlers=handlers,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def no_display() -> UserError:
    """Why the window cannot open: no screen (a server, an SSH session, a service)."""
    display = os.environ.get("DISPLAY")
    reason = (tr("cannot reach the display {display}", display=display) if display else
              tr("DISPLAY is not set"))
    return UserError(tr("No screen to open the ECR window on ({reason}): start ecr from the "
                        "desktop, or give it a command (ecr --help lists them)", reason=reason),
                     field="display", rule="no_display")


def run_gui(home: str | None) -> int:
    """Open the desktop application and run until its window is closed."""
    from ecr_tk.home import resolve_home

    configure_logging(resolve_home(home))
    try:
        root = tk.Tk(className="ecr")
    except tk.TclError:
        raise no_display() from None
    width = min(1024, root.winfo_screenwidth())
    height = min(740, root.winfo_screenheight() - 28)
    root.geometry(f"{width}x{height}")
    app = Application(root, home)
    root.bind("<<EcrQuit>>", lambda _e: app.quit())
    app.start()
    root.mainloop()
    return 0
