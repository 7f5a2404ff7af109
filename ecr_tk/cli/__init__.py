"""The ``ecr`` command line: the automation surface of a centre.

``ecr`` with no argument opens the desktop application; with a sub-command it
acts as a script-friendly tool.  Each sub-command family lives in its own module
of this package and exposes ``register(subparsers)``; the module list below is
the only place that names them.  Every command that changes data acts as a user
(``--as NUMBER``; password from ``ECR_PASSWORD`` or standard input) and goes
through the same application services as the windows.

The global options (``--home``, ``--lang``, ``--json``, ``--workstation``) may
come before or after the command.  Output is human-readable by default and JSON
with ``--json``.  On refusal the exit code is non-zero and one line names the
field and the rule (one line per error of an act's data: all of them at once);
a traceback is only ever printed for a bug (and then said to be one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from common.cli import EXIT_USAGE, json_text, run_handler, terminal_safe
from common.errors import UserError
from common.i18n import set_language, translator

tr = translator("centre")

# Sub-command modules, in the order ``ecr --help`` lists them.
COMMAND_MODULES = (
    "ecr_tk.cli.admin",  # init, demo, backup, restore, audit
    "ecr_tk.cli.users",  # user add|list|suspend|set-password|set-privilege
    "ecr_tk.cli.settings",  # settings list|set
    "ecr_tk.cli.acts",  # act draft|verify|validate|reject|show|history|mention
    "ecr_tk.cli.search",  # search
    "ecr_tk.cli.copies",  # copy issue, takings
    "ecr_tk.cli.stats",  # stats
    "ecr_tk.cli.pki",  # enroll
    "ecr_tk.cli.verify",  # verify a printed copy (QR)
    "ecr_tk.cli.transmission",  # sync, transmitter, transmission status, t2d export|import
    "ecr_tk.cli.national",  # national list|show (search --national, act show --national)
)


Handler = Callable[[argparse.Namespace], Any]


def _global_options(parser: argparse.ArgumentParser, *, command_level: bool = False) -> None:
    """The options of ``ecr`` itself, which every command accepts too (issue 13, bug 14).

    ``ecr restore FILE --home X`` means the same as ``ecr --home X restore FILE``.
    On a command's parser they default to ``SUPPRESS``: given there, they set the
    value; absent, they leave the one ``ecr`` itself read (or its default).
    """
    default: Any = argparse.SUPPRESS if command_level else None
    group = parser.add_argument_group(tr("global options")) if command_level else parser
    group.add_argument("--home", default=default,
                       help=tr("centre home folder (default: $ECR_HOME)"))
    group.add_argument("--lang", choices=("fr", "en"), default=default,
                       help=tr("language of messages"))
    group.add_argument("--json", action="store_true",
                       default=argparse.SUPPRESS if command_level else False,
                       help=tr("print JSON instead of text"))
    group.add_argument("--workstation", default=default, help=tr("name of this workstation"))
    if not command_level:
        parser.add_argument("--self-test", action="store_true", help=tr(
            "check that ECR works on this PC (in a temporary centre) and exit"))


class CommandParser(argparse.ArgumentParser):
    """A command's parser whose own sub-commands may be added only when it is used.

    ``add_parser(name, populate=fill)`` defers ``fill(parser)`` to the first time
    that parser parses (its command was asked, ``--help`` included) or formats
    its help: ``ecr --help`` lists the command from its one-line help without
    paying for what its sub-commands need (``stats`` reads the statistics
    catalogue and the data dictionary).
    """

    def __init__(self, *args: Any,
                 populate: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._populate = populate
        # every command and sub-command parser is one of these (argparse makes a
        # parser's sub-parsers of its own class): each accepts the global options
        _global_options(self, command_level=True)

    def populated(self) -> CommandParser:
        populate, self._populate = self._populate, None
        if populate is not None:
            populate(self)
        return self

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        return super(CommandParser, self.populated()).parse_known_args(args, namespace)

    def format_help(self) -> str:
        return super(CommandParser, self.populated()).format_help()

    def format_usage(self) -> str:
        return super(CommandParser, self.populated()).format_usage()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecr", description=tr("ECR — civil registration centre"))
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a family not built yet is simply absent from --help
        module.register(sub)
    return parser


def add_actor_option(parser: argparse.ArgumentParser) -> None:
    """``--as NUMBER``: the user on whose behalf a changing command acts."""
    parser.add_argument("--as", dest="actor", type=int, required=True, metavar="NUMBER",
                        help=tr("user number acting (password from ECR_PASSWORD or stdin)"))


_DAY_FIRST = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_argument(text: str) -> dt.date:
    """The type of every date option: ``dd/mm/yyyy`` as people write a date here
    (``01/11/2026`` is the first of November), or ``yyyy-mm-dd`` as scripts do."""
    value = text.strip()
    try:
        day_first = _DAY_FIRST.fullmatch(value)
        if day_first:
            day, month, year = (int(g) for g in day_first.groups())
            return dt.date(year, month, day)
        if _ISO_DATE.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass  # 31/02/2026: a date's shape, but no such day
    raise argparse.ArgumentTypeError(tr(
        "{value} is not a date: write it dd/mm/yyyy (28/12/2025) or yyyy-mm-dd (2025-12-28)",
        value=text))


def add_date_option(parser: argparse.ArgumentParser, *names: str, **kwargs: Any) -> None:
    """A date option (``--from``, ``--court-date`` …) of :func:`date_argument`."""
    parser.add_argument(*names, type=date_argument, metavar=tr("DD/MM/YYYY"), **kwargs)


def read_password(prompt: str = "") -> str:
    """The acting user's password: ``ECR_PASSWORD``, else the first line of stdin."""
    value = os.environ.get("ECR_PASSWORD")
    if value is not None:
        return value
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt or tr("Password: "))
    line = sys.stdin.readline()
    if not line:
        raise UserError(tr("No password given: set ECR_PASSWORD or write it on standard input"),
                        field="password", rule="required")
    return line.rstrip("\r\n")


def emit(args: argparse.Namespace, payload: Any, text: str | None = None) -> None:
    """Print a result: JSON with ``--json``, else ``text`` (or a plain rendering).

    Either way no control character of the data reaches the terminal raw
    (``common.cli.terminal_safe``): a summary, a name or a reason is shown as
    the characters it holds, never obeyed as an escape sequence.
    """
    if args.json:
        sys.stdout.write(json_text(payload) + "\n")
    else:
        sys.stdout.write(terminal_safe(text if text is not None else _plain(payload)) + "\n")


def _plain(payload: Any) -> str:
    if isinstance(payload, dict):
        return "\n".join(f"{k}: {v}" for k, v in payload.items())
    if isinstance(payload, list):
        return "\n".join(_plain(p) for p in payload)
    return str(payload)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # ``ecr`` alone opens the windows: decide that from the global options only,
    # before importing every command family (some import heavy libraries), so
    # the login window appears as fast as the application itself allows.
    # The global options may come anywhere (``ecr restore FILE --home X``): this
    # first pass finds them wherever they are, and sets the language before any
    # help or usage text is written.
    front = argparse.ArgumentParser(prog="ecr", add_help=False)
    _global_options(front)
    early, rest = front.parse_known_args(argv)
    if early.lang:
        set_language(early.lang)
    if early.self_test and not rest:
        from ecr_tk.selftest import run_self_test

        return run_self_test()
    if not rest:
        from ecr_tk.ui.app import run_gui

        # refused like a command (no screen: one translated line, exit code 1)
        return run_handler("ecr", lambda a: run_gui(home=a.home), early, _bug_message())
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    if args.command is None:  # only global options and a stray word: argparse said why
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    return run_handler("ecr", args.handler, args, _bug_message())


def _bug_message() -> str:
    return tr("ecr: internal error (a bug): please report it with the text above")


if __name__ == "__main__":
    raise SystemExit(main())
