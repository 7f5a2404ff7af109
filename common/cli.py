"""What every ECR command line does with a handler's outcome (``ecr``, ``xmserver``).

A refusal (``UserError``) is one line on standard error naming the field and the
rule (one line per error when it found several, as an act's validation does),
or a JSON object with ``--json`` (``errors`` then lists them all), and exit
code 1; anything else is a bug: logged with its traceback, said to be one, exit
code 70.  A reader that goes away (``ecr --json act show 4 | head``) ends the
command quietly, exit code 141 as for any program killed by SIGPIPE.

Text from the database or from a file (a name, a reason, an unknown key) is
printed through ``terminal_safe`` or ``json_text``: a control character in it
(an escape sequence that would clear the screen or rewrite what the person
reads, a bidirectional override) is shown as ``U+001B``, never sent as is.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from common.errors import UserError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_BUG = 70
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a reader that left

# C0 and C1 controls and DEL, the line and paragraph separators, and the
# bidirectional embeddings, overrides, isolates and marks.  Newline and tab are
# layout, kept in text output; the zero-width (non-)joiners, which names in some
# scripts need, are not controls of the terminal.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{_CONTROLS}]")
_UNSAFE_ANY = re.compile(f"[{_CONTROLS}\t\n]")


def terminal_safe(text: str, *, keep_layout: bool = True) -> str:
    """``text`` with each control character written ``U+XXXX`` (newline and tab kept
    when ``keep_layout``)."""
    pattern = _UNSAFE if keep_layout else _UNSAFE_ANY
    return pattern.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def json_text(payload: Any, *, indent: int | None = 2) -> str:
    """``payload`` as JSON whose strings carry no raw control character (``\\u001b``)."""
    text = json.dumps(payload, ensure_ascii=False, indent=indent, default=str)
    # json.dumps escapes C0 controls itself; the others are only inside strings
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def run_handler(prog: str, handler: Callable[[argparse.Namespace], Any],
                args: argparse.Namespace, bug_message: str) -> int:
    """Run ``handler(args)`` and turn its outcome into an exit code."""
    try:
        result = handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _reader_left()
    except UserError as exc:
        refusals = exc.refusals()
        if getattr(args, "json", False):
            payload: dict[str, Any] = dict(exc.as_dict())
            if len(refusals) > 1:
                payload["errors"] = [r.as_dict() for r in refusals]
            sys.stderr.write(json_text(payload, indent=None) + "\n")
        else:
            sys.stderr.writelines(refusal_line(prog, r) + "\n" for r in refusals)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except Exception:
        logging.getLogger(prog).exception("internal error")
        sys.stderr.write(bug_message + "\n")
        return EXIT_BUG
    return int(result) if isinstance(result, int) else EXIT_OK


def refusal_line(prog: str, exc: UserError) -> str:
    """``prog: message [field] (rule)``: one refusal, on one line of plain characters."""
    where = f" [{exc.field}]" if exc.field else ""
    return terminal_safe(f"{prog}: {exc.message}{where} ({exc.rule})", keep_layout=False)


def _reader_left() -> int:
    """Standard output's reader is gone: nothing more can be said there, nor at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (a test's capture): nothing will flush it
    return EXIT_BROKEN_PIPE
