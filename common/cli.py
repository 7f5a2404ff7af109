"""What every ECR command line does with a handler's outcome (``ecr``, ``xmserver``).

A refusal (``UserError``) is one line on standard error naming the field and the
rule — or a JSON object with ``--json`` — and exit code 1; anything else is a
bug: logged with its traceback, said to be one, exit code 70.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from common.errors import UserError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_BUG = 70


def run_handler(prog: str, handler: Callable[[argparse.Namespace], Any],
                args: argparse.Namespace, bug_message: str) -> int:
    """Run ``handler(args)`` and turn its outcome into an exit code."""
    try:
        result = handler(args)
    except UserError as exc:
        if getattr(args, "json", False):
            json.dump(exc.as_dict(), sys.stderr, ensure_ascii=False)
            sys.stderr.write("\n")
        else:
            where = f" [{exc.field}]" if exc.field else ""
            sys.stderr.write(f"{prog}: {exc.message}{where} ({exc.rule})\n")
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except Exception:
        logging.getLogger(prog).exception("internal error")
        sys.stderr.write(bug_message + "\n")
        return EXIT_BUG
    return int(result) if isinstance(result, int) else EXIT_OK
