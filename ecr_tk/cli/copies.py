"""``ecr copy issue`` and ``ecr copy takings``: copies, extracts, receipts, the day's takings."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from common.errors import UserError
from common.i18n import amount_text, translator
from ecr_tk.cli import add_actor_option, add_date_option, emit
from ecr_tk.cli.acts import act_argument, add_act_argument
from ecr_tk.cli.admin import add_db_option, session
from ecr_tk.labels import copy_kind_label
from ecr_tk.services.values import COPY_KINDS

tr = translator("centre")


def register(sub: Any) -> None:
    p = sub.add_parser("copy", help=tr("copies and extracts of validated acts"))
    s = p.add_subparsers(dest="copy_command", metavar="COMMAND", required=True)
    a = s.add_parser("issue", help=tr("issue a full copy or an extract (records the fee)"))
    add_act_argument(a)
    a.add_argument("--kind", required=True, choices=COPY_KINDS)
    a.add_argument("--requester", required=True)
    a.add_argument("--out", type=Path, default=None, metavar="FILE.pdf",
                   help=tr("write the copy's PDF to this file"))
    a.add_argument("--receipt-out", type=Path, default=None, metavar="FILE.pdf",
                   help=tr("write the receipt's PDF to this file"))
    a.add_argument("--national", action="store_true",
                   help=tr("an act held by another centre, from the SCEC's answer (ask it "
                           "first: ecr act show NIU --national)"))
    a.add_argument("--query", default=None, metavar="ID",
                   help=tr("with --national: the answer to issue it from (ecr national "
                           "list; default: the newest holding the act)"))
    a.set_defaults(handler=cmd_issue)
    a = s.add_parser("takings", help=tr("the day's receipts and totals"))
    add_date_option(a, "--day", default=None)
    a.set_defaults(handler=cmd_takings)
    for parser in s.choices.values():
        add_actor_option(parser)
        add_db_option(parser)


def cmd_issue(args: argparse.Namespace) -> int:
    from ecr_tk.home import resolve_home
    from ecr_tk.services.printing import print_issued
    from printdesigner.documents import write_pdf

    keys = resolve_home(args.home) / "keys"
    written: dict[str, str] = {}
    query = _query_id(args)
    with session(args) as s:
        if args.national:
            issued = s.copies.issue_national(args.act, args.kind, args.requester, query)
        else:
            issued = s.copies.issue(act_argument(args.act), args.kind, args.requester,
                                    event_type=args.event_type)
        # The issuance is recorded (it is paid for) before printing; a printing
        # failure is reported after it, with the receipt already in the takings.
        for key, path, receipt in (("pdf", args.out, False), ("receipt_pdf", args.receipt_out,
                                                               True)):
            if path is None:
                continue
            printed = print_issued(s, issued, keys_dir=keys, receipt=receipt)
            write_pdf(path, printed.pdf)
            written[key] = str(path)
            if printed.warning:
                sys.stderr.write(printed.warning + "\n")
    payload = {**issued.as_dict(), "duplicate": issued.is_duplicate, **written}
    text = tr("Receipt {receipt}: {kind} n° {n} of act {niu}, fee {fee} {currency}",
              receipt=issued.receipt_number, kind=copy_kind_label(issued.kind),
              n=issued.copy_number, niu=issued.niu, fee=amount_text(issued.fee),
              currency=issued.currency)
    if issued.held_elsewhere:
        text += "\n" + tr("The act is held by the centre {centre}", centre=" ".join(
            x for x in (issued.holding_centre, issued.holding_centre_name) if x))
    emit(args, payload, text)
    return 0


def _query_id(args: argparse.Namespace) -> uuid.UUID | None:
    if args.query is None:
        return None
    if not args.national:
        raise UserError(tr("--query names an answer of the SCEC: use it with --national"),
                        field="query", rule="bad_option")
    try:
        return uuid.UUID(args.query)
    except ValueError:
        raise UserError(tr("{value} is not a question id (see ecr national list)",
                           value=args.query[:40]), field="query", rule="bad_query_id") from None


def cmd_takings(args: argparse.Namespace) -> int:
    with session(args) as s:
        takings = s.copies.takings(args.day)
    lines = [f"{r.receipt_number}  {r.issued_at:%H:%M}  {copy_kind_label(r.kind):<30} "
             f"{amount_text(r.fee):>10} {r.currency}"
             f"  {r.niu}" for r in takings.receipts]
    lines.append(tr("Total {day}: {count} receipts, {total} {currency}", day=takings.day,
                    count=takings.count, total=amount_text(takings.total),
                    currency=takings.currency))
    emit(args, takings.as_dict(), "\n".join(lines))
    return 0
