"""``ecr act draft|update|verify|validate|reject|show|history|mention|queue``.

An act is named as people name it: its NIU (19 digits, spaces allowed) or its
register number ``n/yyyy`` (``61/2026``; with ``--type`` when acts of several
types share the number).  The internal id that the listings print in their
first column is written ``id:108``; a bare ``108`` is refused, since it would
name the act with id 108 when the person meant n° 108 (issue 13, bug 2;
docs/administration.md, "Naming an act on the command line").  ``draft`` reads
the act from a JSON file in any shape of docs/act-format.md (the data object
with ``--type``, ``{"type", "data"}``, or a full export), strictly: bad JSON or
bad values are refused with the field and rule named, and nothing is written.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import add_actor_option, add_date_option, emit
from ecr_tk.cli.admin import add_db_option, session
from ecr_tk.cli.columns import table_text
from ecr_tk.labels import (
    action_label,
    date_text,
    event_label,
    mention_kind_label,
    status_label,
)
from ecr_tk.services.values import MENTION_KINDS, QUEUES, ActSummary

if TYPE_CHECKING:  # imported where used: ``ecr --help`` imports no database code
    from ecr_tk.services import Session

tr = translator("centre")


def register(sub: Any) -> None:
    p = sub.add_parser("act", help=tr("draft, verify, validate, reject, show acts"))
    s = p.add_subparsers(dest="act_command", metavar="COMMAND", required=True)

    a = s.add_parser("draft", help=tr("draft an act from a JSON file (agent)"))
    a.add_argument("--type", dest="event_type", default=None, metavar="TYPE",
                   help=tr("the event type (birth, death …); not needed when the file names "
                           "it"))
    a.add_argument("file", metavar="FILE.json")
    a.add_argument("--confirm-duplicates", action="store_true",
                   help=tr("save even if acts of the same person exist"))
    a.set_defaults(handler=cmd_draft)

    a = s.add_parser("update", help=tr("replace a draft's data, or fix a rejected act (agent)"))
    add_act_argument(a)
    a.add_argument("file", metavar="FILE.json")
    a.set_defaults(handler=cmd_update)

    for verb, helptext, handler in (
            ("verify", tr("verify a draft: assigns the NIU (secretary)"), cmd_verify),
            ("validate", tr("validate a verified act (officer)"), cmd_validate),
            ("show", tr("show an act with its mentions"), cmd_show),
            ("history", tr("the audit entries of an act"), cmd_history)):
        a = s.add_parser(verb, help=helptext)
        add_act_argument(a)
        a.set_defaults(handler=handler)
        if verb == "show":
            from ecr_tk.cli.national import add_national_options

            add_national_options(a)

    a = s.add_parser("reject", help=tr("send an act back to its agent with a reason"))
    add_act_argument(a)
    a.add_argument("--reason", required=True)
    a.set_defaults(handler=cmd_reject)

    a = s.add_parser("mention", help=tr("add a marginal mention to a validated act (officer)"))
    add_act_argument(a)
    a.add_argument("--kind", required=True, choices=MENTION_KINDS)
    a.add_argument("--text", required=True)
    add_date_option(a, "--court-date", default=None)
    a.add_argument("--court-reference", default=None)
    a.set_defaults(handler=cmd_mention)

    a = s.add_parser("queue", help=tr("a work queue: my_drafts, rejected, to_verify, "
                                      "to_validate"))
    a.add_argument("name", choices=QUEUES)
    a.set_defaults(handler=cmd_queue)

    for parser in s.choices.values():
        add_actor_option(parser)
        add_db_option(parser)


def _read_act_file(path: str, event_type: str | None) -> tuple[str, dict[str, Any]]:
    """``(event_type, data)`` of an act file, in any of the three shapes of
    docs/act-format.md: the data alone (its type from ``--type``), a draft
    document ``{"type", "data"}`` or a full export ``{"format": "ecr-act/1", …}``.

    A document names its own type: ``event_type`` (``--type``, or the type of
    the act being updated) may be left out, and a different one is refused.  Of
    an export only the type and the data are taken: what the system recorded
    (NIU, register number, status, mentions) is assigned anew.
    """
    from common.acts.actjson import MAX_ACT_BYTES, loads, parse_act_json, parse_data_json
    from common.acts.dictionary import event

    try:
        with Path(path).open("rb") as f:
            # one byte more than an act may have: enough to refuse it, whatever
            # the file (a device like /dev/zero has no end)
            raw = f.read(MAX_ACT_BYTES + 1)
    except OSError as exc:
        raise UserError(tr("Cannot read {path}: {reason}", path=path,
                           reason=exc.strerror or str(exc)), field="file",
                        rule="unreadable") from exc
    doc = loads(raw)
    if isinstance(doc, dict) and ("format" in doc or ("type" in doc and "data" in doc)):
        found, data = parse_act_json(raw)
        if event_type is not None and event(event_type).key != found:
            raise UserError(tr("The file holds an act of type {found} ({found_key}), not "
                               "{expected} ({expected_key}): correct --type, or leave it out "
                               "(the file names its type)",
                               found=event_label(found), found_key=found,
                               expected=event_label(event_type), expected_key=event_type),
                            field="type", rule="type_mismatch")
        return found, data
    if event_type is None:
        raise UserError(tr("The file holds the data of an act without its type: give --type "
                           "(birth, death …), or write the file as {\"type\": \"birth\", "
                           "\"data\": {…}}"), field="type", rule="required")
    return event(event_type).key, parse_data_json(raw, event_type)


def add_act_argument(parser: argparse.ArgumentParser) -> None:
    """The ``ACT`` argument and its ``--type``, the same for every command naming an act."""
    parser.add_argument("act", metavar="ACT",
                        help=tr("the act's NIU, its register number n/yyyy (e.g. 61/2026), or "
                                "its internal id written id:N"))
    parser.add_argument("--type", dest="event_type", default=None, metavar="TYPE",
                        help=tr("the event type (birth, death …), when acts of several types "
                                "have that register number"))


_INTERNAL_ID = re.compile(r"(?:id:|#)([0-9]{1,19})", re.IGNORECASE)


def act_argument(text: str) -> int | str:
    """``id:108`` (or ``#108``) as the internal id; anything else as a person's reference,
    which the services read (a NIU or ``n/yyyy``); a bare number is refused here."""
    value = text.strip()
    internal = _INTERNAL_ID.fullmatch(value)
    if internal:
        return int(internal.group(1))
    if value.isascii() and value.isdigit() and len(value) < 19:
        raise UserError(
            tr("{value} alone does not name an act: give its NIU (19 digits), its register "
               "number {value}/YEAR (with --type when several types share it) or its internal "
               "id as id:{value}", value=value), field="act", rule="bad_act_reference")
    return value


def _act_id(s: Session, args: argparse.Namespace) -> int:
    """The internal id of the act the command names (a NIU or register number is
    resolved by a logged read)."""
    ref = act_argument(args.act)
    if isinstance(ref, int):
        return ref
    return s.acts.show(ref, args.event_type).id


def summary_table(found: list[ActSummary]) -> str:
    """Act summaries under a header line (``ecr search``, ``ecr act queue``); the
    first column is the internal id as ``id:N``, which every command takes back."""
    header = (tr("Id"), tr("NIU"), tr("Register no."), tr("Event"), tr("Status"),
              tr("Occurred on"), tr("Person"))
    return table_text(header, [
        (f"id:{s.id}", s.niu or "-" * 19, s.register_number, event_label(s.event_type),
         status_label(s.status), date_text(s.occurred_on) or "?", s.principal)
        for s in found])


def cmd_draft(args: argparse.Namespace) -> int:
    event_type, data = _read_act_file(args.file, args.event_type)
    with session(args) as s:
        result = s.acts.draft(event_type, data, confirm_duplicates=args.confirm_duplicates)
    if not result.saved:
        raise UserError(
            tr("Not saved: {n} act(s) of the same person exist ({acts}); check them, then "
               "draft again with --confirm-duplicates", n=len(result.duplicates),
               acts=", ".join(f"id:{d.id}" for d in result.duplicates)),
            field="data", rule="possible_duplicates")
    emit(args, result.as_dict(), tr("Act {id} drafted: {number}", id=f"id:{result.id}",
                                    number=result.register_number))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    with session(args) as s:
        record = s.acts.show(act_argument(args.act), args.event_type)  # one logged read
        _, data = _read_act_file(args.file, record.event_type)
        result = s.acts.update_draft(record.id, data)
    emit(args, result.as_dict(), tr("Act {id} saved as a draft", id=f"id:{result.id}"))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with session(args) as s:
        act_id = _act_id(s, args)
        niu = s.acts.verify(act_id)
    emit(args, {"id": act_id, "niu": niu, "status": "verified"},
         tr("Act {id} verified: NIU {niu}", id=f"id:{act_id}", niu=niu))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    with session(args) as s:
        act_id = _act_id(s, args)
        result = s.acts.validate(act_id)
    emit(args, {**result.as_dict(), "status": "validated"},
         tr("Act {id} validated (NIU {niu}); mentions added {added}, routed {queued}",
            id=f"id:{result.id}", niu=result.niu, added=result.mentions_added,
            queued=result.mentions_queued))
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    with session(args) as s:
        act_id = _act_id(s, args)
        s.acts.reject(act_id, args.reason)
    emit(args, {"id": act_id, "status": "rejected", "reason": args.reason},
         tr("Act {id} rejected", id=f"id:{act_id}"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    if args.national:
        from ecr_tk.cli.national import ask

        return ask(args, {"niu": args.act})
    with session(args) as s:
        record = s.acts.show(act_argument(args.act), args.event_type)
    payload = record.as_dict()
    from common.acts.dictionary import code_label

    timeliness = payload["timeliness"]
    rows = [
        (tr("Internal id"), f"id:{payload['id']}"),
        (tr("Event"), event_label(payload["event_type"])),
        (tr("Status"), status_label(payload["status"])),
        (tr("Register no."), payload["register_number"]),
        (tr("NIU"), payload["niu"]),
        (tr("Timeliness"), code_label("timeliness", timeliness) if timeliness else None),
        (tr("Registered on"), date_text(payload["registered_on"])),
        (tr("Occurred on"), date_text(payload["occurred_on"])),
    ]
    lines = [f"{label}: {value if value not in (None, '') else '-'}" for label, value in rows]
    lines += [tr("mention: {kind} — {text}", kind=mention_kind_label(m.kind), text=m.text)
              for m in record.mentions]
    import json

    lines.append(json.dumps(payload["data"], ensure_ascii=False, indent=2))
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with session(args) as s:
        entries = s.acts.history(act_argument(args.act), args.event_type)
    emit(args, [e.as_dict() for e in entries], "\n".join(
        f"{e.seq:>7}  {e.at:%Y-%m-%d %H:%M:%S}  {e.user_number or '-':>6}  "
        f"{e.workstation or '-':<15} {action_label(e.action)}" for e in entries))
    return 0


def cmd_mention(args: argparse.Namespace) -> int:
    with session(args) as s:
        mention = s.acts.add_mention(act_argument(args.act), args.kind, args.text,
                                     args.court_date, args.court_reference,
                                     event_type=args.event_type)
    emit(args, mention.as_dict(), tr("Mention {id} added", id=mention.id))
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    with session(args) as s:
        found = s.acts.queue(args.name)
    emit(args, [f.as_dict() for f in found], summary_table(found) if found else
         tr("No act in this queue"))
    return 0
