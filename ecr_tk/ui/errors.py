"""How a window reports a failure: never a traceback, always a French sentence.

The Thonny discipline: a ``UserError`` is shown as it is (next to its field when
it names one); a lost connection to the local server is offered a retry with the
form untouched; anything else is a bug, logged with its traceback and shown as
an internal error.  Every event handler of every view goes through ``guarded``
so that one failure never breaks the event loop.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from common.errors import UserError
from common.i18n import translator

tr = translator("ui")
log = logging.getLogger("ecr.ui")

F = TypeVar("F", bound=Callable[..., Any])


class ErrorPresenter(Protocol):
    """A view that can show an error in place (a message bar, a field's message)."""

    def present_error(self, error: UserError) -> bool: ...


def is_connection_loss(exc: BaseException) -> bool:
    """True when the local server (or the embedded database) cannot be reached."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"DatabaseUnavailable", "CentreUnavailable"}:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)


def connection_message(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message
    return tr("The connection to the centre's server was lost.")


#: Refusals that end the session: the main window locks (or logs out) instead.
SESSION_RULES = frozenset({"session_expired", "session_closed", "session_unknown",
                           "session_revoked", "session_too_old",
                           "user_suspended", "user_locked"})


def report(widget: tk.Misc, exc: BaseException) -> None:
    """Show ``exc`` to the person at ``widget``'s window, the right way for its kind."""
    from ecr_tk.ui.dialogs import inform

    if isinstance(exc, UserError) and exc.rule in SESSION_RULES:
        session_lost = getattr(widget.winfo_toplevel(), "ecr_session_lost", None)
        if session_lost is not None:
            session_lost(exc)
            return

    if isinstance(exc, UserError) and not is_connection_loss(exc):
        presenter = _presenter_of(widget)
        if presenter is not None and presenter.present_error(exc):
            return
        inform(widget, tr("Not possible"), exc.message, tone="warning")
        return
    if is_connection_loss(exc):
        inform(widget, tr("Connection lost"), connection_message(exc),
               detail=tr("Nothing you typed is lost. Check the network cable or the "
                         "centre's server, then try again."), tone="error")
        return
    log.error("internal error in the user interface", exc_info=exc)
    inform(widget, tr("Internal error"),
           tr("Something went wrong inside the program. What you typed is kept."),
           detail=tr("The details were written to the log file; please tell the "
                     "centre's officer. ({kind})", kind=type(exc).__name__), tone="error")


def guarded(handler: F) -> F:
    """Decorate an event handler (a method of a view): report failures, retry lost connections.

    On a lost connection the person is asked whether to retry; the handler is
    then called again with the same arguments, so the form's content, still on
    screen, is saved at the retry.
    """

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        widget = _widget_of(args)
        while True:
            try:
                return handler(*args, **kwargs)
            except Exception as exc:
                if widget is None:
                    log.error("error in a handler without a window", exc_info=exc)
                    return None
                if is_connection_loss(exc):
                    from ecr_tk.ui.dialogs import ask_retry

                    if ask_retry(widget, tr("Connection lost"), connection_message(exc),
                                 detail=tr("Nothing you typed is lost. Retry when the "
                                           "centre's server is back.")):
                        continue
                    return None
                report(widget, exc)
                return None

    return wrapper  # type: ignore[return-value]


def install_root_handler(root: tk.Tk) -> None:
    """Route exceptions of unguarded callbacks (Tk's default prints a traceback)."""

    def report_callback_exception(exc_type: type[BaseException], exc: BaseException,
                                  tb: object) -> None:
        try:
            report(root.focus_get() or root, exc)
        except Exception:  # the report itself failed: keep the loop alive, keep the log
            log.exception("could not report an error")

    root.report_callback_exception = report_callback_exception  # type: ignore[method-assign]


def _widget_of(args: tuple[Any, ...]) -> tk.Misc | None:
    for arg in args:
        if isinstance(arg, tk.Misc):
            return arg
        inner = getattr(arg, "widget", None)
        if isinstance(inner, tk.Misc) and not isinstance(arg, tk.Event):
            return inner
    return None


def _presenter_of(widget: tk.Misc) -> ErrorPresenter | None:
    node: tk.Misc | None = widget
    while node is not None:
        if hasattr(node, "present_error"):
            return node  # type: ignore[return-value]
        node = node.master
    return None
