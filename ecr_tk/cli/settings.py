"""``ecr settings list|set``: the centre's settings, as the settings window edits them.

``ecr settings set centre.country_name "République du Sénégal" --as 1`` fills
what documents print in their heading.  A setting whose value is text (the
centre's place names, the currency) takes VALUE as written; any other reads
VALUE as JSON (``30``, ``{"current_days": 30, "late_days": 365}``).  The
database refuses unknown keys and bad values (``bad_setting``,
``bad_setting_value``), and only the officer may change a setting.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from common.i18n import translator
from ecr_tk.cli import add_actor_option, emit
from ecr_tk.cli.admin import add_db_option, session
from ecr_tk.services.errors import InvalidValue

tr = translator("centre")


def register(sub: Any) -> None:
    p = sub.add_parser("settings", help=tr("the centre's settings (officer)"))
    s = p.add_subparsers(dest="settings_command", metavar="COMMAND", required=True)

    a = s.add_parser("list", help=tr("every setting and its value"))
    a.set_defaults(handler=cmd_list)

    a = s.add_parser("set", help=tr("change one setting (text as written, else JSON)"))
    a.add_argument("key", help=tr("the setting, e.g. centre.country_name"))
    a.add_argument("value")
    a.set_defaults(handler=cmd_set)

    for parser in s.choices.values():
        add_actor_option(parser)
        add_db_option(parser)


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def cmd_list(args: argparse.Namespace) -> int:
    with session(args) as s:
        values = s.settings.all()
    emit(args, values, "\n".join(f"{key} = {_shown(values[key])}" for key in sorted(values)))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    with session(args) as s:
        current = s.settings.all()
        value = args.value if isinstance(current.get(args.key), str) else _json(args.value,
                                                                               args.key)
        s.settings.set(args.key, value)
    emit(args, {"key": args.key, "value": value}, f"{args.key} = {_shown(value)}")
    return 0


def _json(text: str, key: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidValue(tr("The value of {key} is a number or JSON, not {value}", key=key,
                              value=repr(text)), field=key, rule="bad_setting_value") from None
