"""``ecr sync``, ``ecr transmitter``, ``ecr transmission status``, ``ecr t2d export|import``.

These run on the machine holding the centre database's owner access (the
centre's local server, or a standalone PC), like ``ecr backup``: the
transmitter is the one process allowed to change transmission state.  One
transmitter per centre database: a second one is refused (``transmitter_busy``),
while ``ecr transmission status`` works anywhere.

Exit codes of ``ecr sync``: 0 every outbox entry acknowledged; 1 some still
waiting (no link, no receipt within ``--wait``); 3 nothing waiting but some
refused by the SCEC (listed; they need review, they are never dropped).
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.i18n import translator
from ecr_tk.cli import emit

if TYPE_CHECKING:  # imported where used: ``ecr --help`` imports no database code
    from ecr_tk.home import CentreHome

tr = translator("centre")

EXIT_WAITING = 1
EXIT_REFUSED_ENTRIES = 3


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("sync", help=tr("send the outbox to the SCEC once and wait for "
                                              "the receipts"))
    p.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                   help=tr("how long to wait for the receipts (default 60)"))
    p.set_defaults(handler=cmd_sync)
    p = subparsers.add_parser("transmitter", help=tr("transmit to the SCEC until stopped "
                                                     "(the centre's service)"))
    p.set_defaults(handler=cmd_transmitter)
    p = subparsers.add_parser("transmission", help=tr("what is on its way to the SCEC"))
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = sub.add_parser("status", help=tr("pending, in flight, acknowledged, refused, link"))
    s.set_defaults(handler=cmd_status)
    p = subparsers.add_parser("t2d", help=tr("transfer to device: removable media to and "
                                             "from the SCEC"))
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = sub.add_parser("export", help=tr("write the containers for the SCEC to a folder"))
    e.add_argument("dir", metavar="DIR")
    e.set_defaults(handler=cmd_t2d_export)
    i = sub.add_parser("import", help=tr("read the SCEC's receipts from a folder"))
    i.add_argument("dir", metavar="DIR")
    i.set_defaults(handler=cmd_t2d_import)


def _home(args: argparse.Namespace) -> CentreHome:
    from ecr_tk.home import CentreHome

    return CentreHome.open(args.home)


def status_text(figures: dict[str, Any]) -> str:
    lines = [
        tr("Waiting to be sent: {n}", n=figures["pending"]),
        tr("Sent, waiting for the SCEC's receipt: {n}", n=figures["in_flight"]),
        tr("Acknowledged by the SCEC today: {n} (in all: {total})",
           n=figures["acknowledged_today"], total=figures["acknowledged"]),
        tr("Refused by the SCEC: {n}", n=figures["refused"]),
    ]
    for entry in figures.get("refused_entries") or ():
        lines.append(tr("  refused: {kind} {niu}: {reason}", kind=entry["kind"],
                        niu=entry["niu"], reason=entry["reason"]))
    lines.append(tr("Last contact with the SCEC: {when}",
                    when=figures["last_contact"] or tr("never")))
    lines.append(tr("Current link: {link}", link=figures["link"] or tr("not connected")))
    if figures.get("next_retry") and not figures["link"]:
        lines.append(tr("Next attempt: {when}", when=figures["next_retry"]))
    if figures.get("centre_revoked"):
        lines.insert(0, tr("THIS CENTRE'S CERTIFICATE IS REVOKED by the SCEC: what it sends is "
                           "set aside; contact the SCEC"))
    if figures["needs_sync"]:
        lines.append(tr("Getting back in step with the SCEC ({reason}): nothing new is sent "
                        "until it answers", reason=figures["sync_reason"]))
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    from ecr_tk.transmission import service

    figures = service.status(_home(args))
    emit(args, figures, status_text(figures))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from ecr_tk.transmission import service

    figures = service.sync(_home(args), max(0.0, args.wait))
    emit(args, figures, status_text(figures))
    if figures["pending"] or figures["in_flight"] or figures["needs_sync"]:
        return EXIT_WAITING
    return EXIT_REFUSED_ENTRIES if figures["refused"] else 0


def cmd_transmitter(args: argparse.Namespace) -> int:
    import logging

    from ecr_tk.transmission import service

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    service.run(_home(args), stop)
    return 0


def cmd_t2d_export(args: argparse.Namespace) -> int:
    from ecr_tk.transmission import service, t2d

    with service.opened(_home(args)) as t:
        report = t2d.export(t, Path(args.dir))
    emit(args, report.__dict__, tr("{n} container(s) written to {folder}", n=report.containers,
                                   folder=report.folder)
         + ("\n" + tr("with a request to get back in step") if report.sync_request else ""))
    return 0


def cmd_t2d_import(args: argparse.Namespace) -> int:
    from ecr_tk.transmission import service, t2d

    with service.opened(_home(args)) as t:
        report = t2d.import_answers(t, Path(args.dir))
    lines = [tr("{receipts} receipt(s) and {statuses} status answer(s) applied, {again} "
                "already applied; {changed} outbox entries changed", receipts=report.receipts,
                statuses=report.statuses, again=report.already_applied,
                changed=report.entries_changed)]
    lines += [tr("refused file {name}: {reason}", name=n, reason=r)
              for n, r in report.refused_files + report.ignored]
    emit(args, report.__dict__, "\n".join(lines))
    return 1 if report.refused_files or report.ignored else 0
