"""``ecr search --national``, ``ecr act show NIU --national``, ``ecr national list|show``,
``ecr national notices`` and ``ecr national notice-read ID``.

A national query is recorded and audited in the centre database first (the
user's session, permission ``act.search_national``), then sent to the SCEC at
once when the centre has a link (``--wait`` seconds for the answer); without one
it leaves with the next ``ecr t2d export`` and its answer is read, after
``ecr t2d import``, with ``ecr national show ID``.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Mapping
from typing import Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import add_actor_option, emit
from ecr_tk.cli.admin import add_db_option, session
from ecr_tk.labels import date_text, event_label

tr = translator("centre")

#: The exit status when the question is recorded but not answered yet (as ``ecr sync``).
EXIT_WAITING = 1


def register(sub: Any) -> None:
    p = sub.add_parser("national", help=tr("questions to the SCEC about acts registered "
                                           "elsewhere in the country"))
    s = p.add_subparsers(dest="national_command", metavar="SUBCOMMAND", required=True)
    a = s.add_parser("list", help=tr("this centre's national questions, newest first"))
    a.set_defaults(handler=cmd_list)
    a = s.add_parser("show", help=tr("a national question and the SCEC's answer"))
    a.add_argument("id", help=tr("the question's id (ecr national list)"))
    a.set_defaults(handler=cmd_show)
    a = s.add_parser("notices", help=tr("what the SCEC told this centre about its acts: "
                                        "possible duplicates, mentions applied elsewhere"))
    a.add_argument("--all", action="store_true", help=tr("also the notices already read"))
    a.add_argument("--limit", type=int, default=100, help=tr("at most this many (newest)"))
    a.set_defaults(handler=cmd_notices)
    a = s.add_parser("notice-read", help=tr("record that a notice was seen and dealt with"))
    a.add_argument("id", type=int, help=tr("the notice's number (ecr national notices)"))
    a.set_defaults(handler=cmd_notice_read)
    for parser in s.choices.values():
        add_actor_option(parser)
        add_db_option(parser)


def add_national_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--national", action="store_true",
                        help=tr("ask the SCEC: acts registered anywhere in the country"))
    parser.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                        help=tr("with --national: how long to wait for the SCEC's answer"))


def ask(args: argparse.Namespace, criteria: Mapping[str, Any]) -> int:
    """Record the question, send it when there is a link, print the answer or where it is."""
    import time

    from common.db.connect import DatabaseConfig
    from ecr_tk.home import CentreHome
    from ecr_tk.transmission import national
    from ecr_tk.transmission.worker import can_transmit

    home = CentreHome.open(args.home)
    reason = ""
    with session(args) as s:
        query_id = s.national.ask(criteria)
        config = DatabaseConfig.networked(args.db) if args.db else home.database_config()
        if can_transmit(home, config):
            reason = national.ask_online(home, query_id, wait=args.wait).reason
            result = s.national.result(query_id)
        else:
            # a workstation: the centre's server transmits it; wait for its answer
            deadline = time.monotonic() + max(0.0, args.wait)
            while True:
                result = s.national.result(query_id)
                if result is None or result["answered_at"] or time.monotonic() >= deadline:
                    break
                time.sleep(0.5)
            reason = tr("sent by the centre's server")
    assert result is not None
    return _print(args, result, reason)


def cmd_list(args: argparse.Namespace) -> int:
    with session(args) as s:
        rows = s.national.recent()
    lines = [f"{r['id']}  {date_text(r['asked_at'].date())}  {_state(r)}  "
             f"{_criteria_text(r['criteria'])}" for r in rows]
    emit(args, rows, "\n".join(lines) or tr("No national question yet"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    try:
        query_id = uuid.UUID(args.id)
    except ValueError:
        raise UserError(tr("{value} is not a question id (see ecr national list)",
                           value=args.id[:40]), field="id", rule="bad_query_id") from None
    with session(args) as s:
        result = s.national.result(query_id)
    if result is None:
        raise UserError(tr("No national question {id} in this centre", id=query_id),
                        field="id", rule="not_found")
    return _print(args, result, "")


def cmd_notices(args: argparse.Namespace) -> int:
    from ecr_tk.labels import datetime_text, notice_text

    with session(args) as s:
        rows = s.national.notices(unread_only=not args.all, limit=args.limit)
    lines = []
    for r in rows:
        read = (tr("read by {who} on {when}", who=r["read_by"],
                   when=datetime_text(r["read_at"])) if r["read_at"] else tr("unread"))
        lines.append(f"{r['id']:>5}  {datetime_text(r['received_at'])}  [{read}]\n"
                     f"       {notice_text(r)}")
    emit(args, rows, "\n".join(lines) or (tr("No notice from the SCEC") if args.all
                                           else tr("No unread notice from the SCEC")))
    return 0


def cmd_notice_read(args: argparse.Namespace) -> int:
    with session(args) as s:
        changed = s.national.mark_read(args.id)
    emit(args, {"id": args.id, "changed": changed},
         tr("Notice {id} marked as read", id=args.id) if changed
         else tr("Notice {id} was already marked as read", id=args.id))
    return 0


def _state(r: Mapping[str, Any]) -> str:
    if r["answered_at"] is None:
        return tr("waiting for the SCEC") if r["sent_at"] else tr("not sent yet")
    if r["refusal"]:
        return tr("refused by the SCEC ({reason})", reason=_refusal_text(r["refusal"]))
    return tr("{n} act(s) found", n=r["found"])


def _refusal_text(rule: str) -> str:
    texts = {"rate_limited": tr("too many questions from this centre in the last hour; "
                                "ask again later"),
             "role_not_allowed": tr("only the officer and the secretaries may ask the SCEC")}
    return texts.get(rule, rule)


def _criteria_text(criteria: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(criteria.items()))


def _print(args: argparse.Namespace, result: dict[str, Any], link_reason: str) -> int:
    from common.acts.summary import summarize

    if result["answered_at"] is None:
        emit(args, result, tr("Question {id} recorded; no answer from the SCEC yet ({reason}). "
                              "It leaves with the next exchange (ecr t2d export without a "
                              "link); read the answer with: ecr national show {id}",
                              id=result["id"], reason=link_reason or tr("no link")))
        return EXIT_WAITING
    if result["refusal"]:
        emit(args, result, tr("The SCEC refused the question: {reason}",
                              reason=_refusal_text(result["refusal"])))
        return EXIT_WAITING
    centres = result["centres"]
    lines = []
    for act in result["acts"]:
        summary = summarize(act["type"], act["data"])
        principal = " / ".join(p.full_name for p in summary.principal) or "-"
        code = str(act.get("centre_code") or "")
        lines.append(f"{act['niu']}  {event_label(act['type']):<20} "
                     f"{date_text(summary.occurred_on) or '?':<10}  {principal}  — "
                     + tr("held by {centre}", centre=f"{code} {centres.get(code, '')}".strip()))
    shown = len(result["acts"])
    if result["found"] > shown:
        lines.append(tr("{shown} of {found} acts shown: narrow the criteria", shown=shown,
                        found=result["found"]))
    emit(args, result, "\n".join(lines) or tr("No act found in the national register"))
    return 0
