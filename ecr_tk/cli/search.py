"""``ecr search``: acts by NIU, register number, names, parents, dates, type, status."""

from __future__ import annotations

import argparse
from typing import Any

from common.i18n import translator
from ecr_tk.cli import add_actor_option, add_date_option, emit
from ecr_tk.cli.acts import summary_table
from ecr_tk.cli.admin import add_db_option, session
from ecr_tk.cli.national import add_national_options, ask
from ecr_tk.services import SearchCriteria

tr = translator("centre")


def register(sub: Any) -> None:
    p = sub.add_parser("search", help=tr("search acts; prints one page of summaries"))
    p.add_argument("--niu")
    p.add_argument("--register", dest="register_number", metavar="N/YEAR")
    p.add_argument("--surname")
    p.add_argument("--given-names")
    p.add_argument("--parent", dest="parent_name", help=tr("mother's or father's name"))
    p.add_argument("--type", dest="event_type")
    p.add_argument("--status")
    add_date_option(p, "--from", dest="occurred_from")
    add_date_option(p, "--to", dest="occurred_to")
    add_date_option(p, "--registered-from")
    add_date_option(p, "--registered-to")
    p.add_argument("--fuzzy", action="store_true", help=tr("also match names by sound"))
    p.add_argument("--page", type=int, default=0)
    p.add_argument("--page-size", type=int, default=20)
    add_national_options(p)
    add_actor_option(p)
    add_db_option(p)
    p.set_defaults(handler=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    if args.national:
        return ask(args, {"niu": args.niu, "surname": args.surname,
                          "given_names": args.given_names, "event_type": args.event_type,
                          "occurred_from": args.occurred_from, "occurred_to": args.occurred_to})
    criteria = SearchCriteria(
        niu=args.niu, register_number=args.register_number, surname=args.surname,
        given_names=args.given_names, parent_name=args.parent_name, event_type=args.event_type,
        status=args.status, occurred_from=args.occurred_from, occurred_to=args.occurred_to,
        registered_from=args.registered_from, registered_to=args.registered_to,
        fuzzy=args.fuzzy, page=args.page, page_size=args.page_size)
    with session(args) as s:
        found = s.search(criteria)
    emit(args, [f.as_dict() for f in found],
         summary_table(found) if found else tr("No act found"))
    return 0
