"""The ``xmserver`` command line: the SCEC's composition root.

``xmserver init`` creates the country's PKI and the central schema;
``xmserver centre add|list|show|revoke|reinstate|enroll-offline`` manages centres;
``xmserver pki export|crl`` publishes certificates and revocation lists;
``xmserver run`` starts a worker.  The database is ``--db`` / ``XMSERVER_DB``,
the keys folder ``--pki-dir`` / ``XMSERVER_PKI_DIR``, and the keys' passphrase
``XMSERVER_KEY_PASSPHRASE``.  Refusals print one line and exit 1; JSON with
``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from common.cli import EXIT_OK, json_text, run_handler, terminal_safe
from common.errors import UserError
from common.i18n import set_language, translator
from common.pki.keys import write_file_atomically
from xmserver import pki_store
from xmserver.db import DB_ENV, dsn_from, scec_connection

tr = translator("scec")




def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if args.json:
        sys.stdout.write(json_text(payload) + "\n")
    else:
        sys.stdout.write(terminal_safe(text) + "\n")


def _pki_dir(args: argparse.Namespace) -> Path:
    return Path(args.pki_dir) if args.pki_dir else pki_store.default_pki_dir()


def cmd_init(args: argparse.Namespace) -> int:
    from xmserver.centres import issue_revocation_list

    dsn = dsn_from(args.db)
    passphrase = pki_store.passphrase_from_env()
    pki_dir = _pki_dir(args)
    with scec_connection(dsn):
        pass  # schema first: a DSN that does not work is refused before keys are made
    pki_store.init_pki(pki_dir, args.country, args.organisation, passphrase,
                       Path(args.root_dir) if args.root_dir else None)
    pki = pki_store.load_pki(pki_dir, passphrase)
    with scec_connection(dsn) as conn, conn.transaction():
        issue_revocation_list(conn, pki)
    root_dir = Path(args.root_dir) if args.root_dir else pki_dir / "root"
    _emit(args, {"pki_dir": str(pki_dir), "root_key_dir": str(root_dir)},
          tr("PKI created in {pki}. The root key is in {root}: move it offline.",
             pki=pki_dir, root=root_dir))
    return EXIT_OK


def cmd_centre_add(args: argparse.Namespace) -> int:
    from xmserver.centres import add_centre

    if args.bulk:
        return _centre_add_bulk(args)
    if not args.code:
        raise UserError(tr("Give a centre code, or --bulk FILE.csv"), field="code",
                        rule="required")
    with scec_connection(dsn_from(args.db)) as conn:
        token = add_centre(conn, args.code, args.name or "", token_hours=args.token_hours)
    _emit(args, {"centre": args.code, "token": token, "valid_hours": args.token_hours},
          tr("Centre {code}: one-time enrollment token {token} (valid {hours} h)",
             code=args.code, token=token, hours=args.token_hours))
    return EXIT_OK


def _centre_add_bulk(args: argparse.Namespace) -> int:
    from xmserver.bulk import enroll_bulk, write_tokens

    if not args.tokens_out:
        raise UserError(tr("--bulk needs --tokens-out FILE: the one-time tokens are shown once"),
                        field="tokens_out", rule="required")
    try:
        data = Path(args.bulk).read_bytes()
    except OSError as exc:
        raise UserError(tr("Cannot read {path}: {error}", path=args.bulk, error=exc.strerror),
                        field="bulk", rule="unreadable") from None
    with scec_connection(dsn_from(args.db)) as conn:
        result = enroll_bulk(conn, data, token_hours=args.token_hours,
                             skip_refused=args.skip_refused, new_tokens=args.new_tokens)
    issued = [*result.registered, *result.renewed]
    if result.written and issued:
        write_tokens(Path(args.tokens_out), issued, result.expires_at)
    refused = [{"line": r.line, "code": r.code, "reason": r.reason, "message": r.message}
               for r in result.refused]
    lines = [tr("line {line}: {message}", line=r.line, message=r.message)
             for r in result.refused]
    if result.written:
        lines.append(tr("{registered} centres registered, {renewed} new tokens, {unchanged} "
                        "unchanged, {refused} rows refused; tokens in {path}",
                        registered=len(result.registered), renewed=len(result.renewed),
                        unchanged=len(result.unchanged), refused=len(refused),
                        path=args.tokens_out))
    else:
        lines.append(tr("Nothing was recorded: {refused} rows are refused (fix them, or give "
                        "--skip-refused to record the others)", refused=len(refused)))
    _emit(args, {"written": result.written, "registered": [r.code for r, _ in result.registered],
                 "renewed": [r.code for r, _ in result.renewed],
                 "unchanged": [r.code for r in result.unchanged], "refused": refused,
                 "tokens_file": args.tokens_out if result.written and issued else None},
          "\n".join(lines))
    return EXIT_OK if result.written else 1


def cmd_centre_list(args: argparse.Namespace) -> int:
    from xmserver.centres import list_centres

    with scec_connection(dsn_from(args.db)) as conn:
        centres = list_centres(conn)
    rows = [{"code": c.code, "name": c.name, "status": c.status,
             "certificate_serial": None if c.certificate_serial is None
             else format(c.certificate_serial, "x"),
             "certificate_expires": c.certificate_not_after} for c in centres]
    text = "\n".join(f"{r['code']}  {r['status']:<8} {r['certificate_expires'] or '-'}  "
                     f"{r['name']}" for r in rows)
    _emit(args, rows, text or tr("No centre"))
    return EXIT_OK


def cmd_centre_revoke(args: argparse.Namespace) -> int:
    from xmserver.centres import revoke_centre

    pki = pki_store.load_pki(_pki_dir(args))
    with scec_connection(dsn_from(args.db)) as conn:
        crl = revoke_centre(conn, pki, args.code, args.reason or "")
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    _emit(args, {"centre": args.code, "revoked": True, "revocation_list": number},
          tr("Centre {code} revoked; revocation list number {number} issued",
             code=args.code, number=number))
    return EXIT_OK


def cmd_centre_reinstate(args: argparse.Namespace) -> int:
    import getpass

    from xmserver.centres import reinstate_centre

    by = args.by or getpass.getuser()
    with scec_connection(dsn_from(args.db)) as conn:
        token, number = reinstate_centre(conn, args.code, args.reason or "", by,
                                         token_hours=args.token_hours)
    payload: dict[str, Any] = {"centre": args.code, "reinstatement": number, "by": by,
                               "valid_hours": args.token_hours}
    if args.token_out:
        text = f"code,token,valid_hours\n{args.code},{token},{args.token_hours}\n"
        write_file_atomically(Path(args.token_out), text.encode("utf-8"), mode=0o600)
        payload["tokens_file"] = args.token_out
        shown = tr("the one-time enrollment token is in {path}", path=args.token_out)
    else:
        payload["token"] = token
        shown = tr("one-time enrollment token {token}", token=token)
    _emit(args, payload,
          tr("Centre {code} reinstated (reinstatement {number}, by {by}); its certificates "
             "stay revoked. It enrolls again with a new key: {token} (valid {hours} h)",
             code=args.code, number=number, by=by, token=shown, hours=args.token_hours))
    return EXIT_OK


def cmd_centre_show(args: argparse.Namespace) -> int:
    from xmserver.centres import centre_detail

    with scec_connection(dsn_from(args.db)) as conn:
        item = centre_detail(conn, args.code)
    lines = [f"{item['code']}  {item['status']}  {item['name']}"]
    if item["revoked_at"]:
        lines.append(tr("revoked {date}: {reason}", date=item["revoked_at"],
                        reason=item["revocation_reason"] or "-"))
    for c in item["certificates"]:
        state = (tr("revoked {date}", date=c["revoked_at"]) if c["revoked_at"]
                 else tr("valid until {date}", date=c["not_after"]))
        lines.append(tr("  certificate {serial} ({how}, {issued}): {state}", serial=c["serial"],
                        how=c["issued_by"], issued=c["issued_at"], state=state))
    for r in item["reinstatements"]:
        lines.append(tr("  reinstatement {id}: {date} by {by}: {reason} (revoked {revoked}: "
                        "{why})", id=r["id"], date=r["reinstated_at"], by=r["reinstated_by"],
                        reason=r["reason"], revoked=r["revoked_at"],
                        why=r["revocation_reason"] or "-"))
        lines.append(tr("    enrolled again {date}, certificate {serial}; {n} quarantined "
                        "containers superseded", date=r["enrolled_at"] or "-",
                        serial=r["certificate_serial"] or "-", n=r["superseded_containers"])
                     if r["enrolled_at"] else
                     tr("    not enrolled again yet (token valid until {date})",
                        date=r["token_expires_at"]))
    _emit(args, item, "\n".join(lines))
    return EXIT_OK


def cmd_centre_query_limit(args: argparse.Namespace) -> int:
    from xmserver import queries

    with scec_connection(dsn_from(args.db)) as conn:
        limit = queries.set_limit(conn, args.code, args.per_hour)
    _emit(args, {"centre": args.code, "queries_per_hour": limit},
          tr("Centre {code} may ask {n} national queries per hour", code=args.code, n=limit))
    return EXIT_OK


def cmd_enroll_offline(args: argparse.Namespace) -> int:
    from xmserver.enrollment import handle_enrollment

    pki = pki_store.load_pki(_pki_dir(args))
    try:
        data = Path(args.request).read_bytes()
    except OSError as exc:
        raise UserError(tr("Cannot read {path}: {error}", path=args.request, error=exc.strerror),
                        field="request", rule="unreadable") from None
    with scec_connection(dsn_from(args.db)) as conn:
        response = handle_enrollment(conn, pki, data, carrier="enroll-offline")
    write_file_atomically(Path(args.out), response.to_bytes())
    if response.status != "issued":
        raise UserError(response.message, rule=response.reason)
    _emit(args, {"status": "issued", "response": args.out},
          tr("Certificate issued; carry {path} back to the centre", path=args.out))
    return EXIT_OK


def cmd_pki_export(args: argparse.Namespace) -> int:
    from xmserver.centres import current_revocation_list

    pki = pki_store.load_pki(_pki_dir(args))
    out = Path(args.directory)
    written = pki_store.export_public(pki, out)
    if args.db or os.environ.get(DB_ENV):
        with scec_connection(dsn_from(args.db)) as conn:
            crl = current_revocation_list(conn, pki)
        path = out / "revocations.crl"
        write_file_atomically(path, crl.public_bytes(serialization.Encoding.DER))
        written.append(path)
    _emit(args, [str(p) for p in written], "\n".join(str(p) for p in written))
    return EXIT_OK


def cmd_pki_crl(args: argparse.Namespace) -> int:
    from xmserver.centres import issue_revocation_list

    pki = pki_store.load_pki(_pki_dir(args))
    with scec_connection(dsn_from(args.db)) as conn, conn.transaction():
        crl = issue_revocation_list(conn, pki)
    if args.out:
        write_file_atomically(Path(args.out), crl.public_bytes(serialization.Encoding.DER))
    _emit(args, {"next_update": crl.next_update_utc, "revoked": len(crl)},
          tr("Revocation list issued: {count} revoked certificates, next update {date}",
             count=len(crl), date=crl.next_update_utc.isoformat() if crl.next_update_utc else "-"))
    return EXIT_OK


def _tls(args: argparse.Namespace) -> tuple[str, str, str] | None:
    given = [args.tls_ca, args.tls_cert, args.tls_key]
    if not any(given):
        return None
    if not all(given):
        raise UserError(tr("TLS needs --tls-ca, --tls-cert and --tls-key together"),
                        field="tls_ca", rule="required")
    return (args.tls_ca, args.tls_cert, args.tls_key)


def cmd_run(args: argparse.Namespace) -> int:
    import socket

    from xmserver.supervisor import WorkerSpec, supervise

    dsn = dsn_from(args.db)
    with scec_connection(dsn):
        pass  # the schema is migrated once, before the workers start
    pki_store.load_pki(_pki_dir(args))  # a wrong passphrase is refused here, not in N workers
    if not 1 <= args.workers <= 64:
        raise UserError(tr("--workers must be between 1 and 64"), field="workers",
                        rule="out_of_range")
    tls = _tls(args)
    prefix = args.instance or socket.gethostname().split(".")[0]
    specs = [WorkerSpec(dsn, str(_pki_dir(args)), args.broker, tls, args.topic_root,
                        f"{prefix}-{i}") for i in range(1, args.workers + 1)]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    supervise(specs, stop)
    return EXIT_OK


def cmd_broker_config(args: argparse.Namespace) -> int:
    from xmserver.broker import refresh_revocation_list, write_broker_config

    pki = pki_store.load_pki(_pki_dir(args))
    out = Path(args.out)
    with scec_connection(dsn_from(args.db)) as conn:
        if args.refresh_crl:
            path = refresh_revocation_list(conn, pki, out)
            _emit(args, {"revocation_list": str(path)},
                  tr("Revocation list written to {path}: restart the broker to load it",
                     path=path))
            return EXIT_OK
        if not args.host:
            raise UserError(tr("Give --host NAME (the name or address centres connect to)"),
                            field="host", rule="required")
        made = write_broker_config(conn, pki, out, hosts=args.host, port=args.port,
                                   enroll_port=args.enroll_port, topic_root=args.topic_root,
                                   bind=args.bind, run_as=args.user, renew=args.renew)
    _emit(args, {"folder": str(made.folder), "files": made.files, "renewed": made.renewed},
          tr("Broker configuration in {folder}: mosquitto -c {folder}/mosquitto.conf; the "
             "workers connect with --tls-ca ca.pem --tls-cert worker.pem --tls-key worker.key",
             folder=made.folder))
    return EXIT_OK


def _operator(args: argparse.Namespace) -> str:
    """Who reads the national register: --operator, $XMSERVER_OPERATOR, or the login."""
    import getpass
    import os

    return args.operator or os.environ.get("XMSERVER_OPERATOR") or getpass.getuser()


def cmd_act_show(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        found = register.act(conn, args.niu)
        register.log_read(conn, _operator(args), "act.show", {"niu": found["niu"]},
                          [found["niu"]])
    record = found["record"]
    text = tr("{niu}: {event} of centre {centre}, register number {number}, stored {stored}",
              niu=found["niu"], event=found["event_type"], centre=found["centre"],
              number=record.get("register_number"), stored=found["stored_at"])
    _emit(args, found, text)
    return EXIT_OK


def cmd_act_history(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        found = register.history(conn, args.niu)
        register.log_read(conn, _operator(args), "act.history", {"niu": found["niu"]},
                          [found["niu"]])
    lines = [tr("{niu}: {event} of centre {centre}", niu=found["niu"],
                event=found["event_type"], centre=found["centre"])]
    for e in found["events"]:
        detail = ", ".join(f"{k}={v}" for k, v in e.items()
                           if k not in ("at", "event") and v not in (None, ""))
        lines.append(f"  {str(e['at'] or '?')[:19]}  {e['event']:<18} {detail}")
    _emit(args, found, "\n".join(lines))
    return EXIT_OK


def cmd_act_search(args: argparse.Namespace) -> int:
    from common.errors import UserError
    from common.wire.errors import ContainerRefused
    from common.wire.query import Query, criteria_of
    from xmserver import register
    from xmserver.queries import search

    try:
        criteria = criteria_of({"niu": args.niu, "surname": args.surname,
                                "given_names": args.given_names, "event_type": args.event_type,
                                "occurred_from": args.occurred_from,
                                "occurred_to": args.occurred_to})
    except ContainerRefused as refusal:
        raise UserError(tr("A search of the national register needs a NIU or a name ({detail})",
                           detail=refusal.detail), field="criteria", rule="bad_search") from None
    with scec_connection(dsn_from(args.db)) as conn:
        found, acts = search(conn, Query(0, "xmserver", "officer", criteria))
        register.log_read(conn, _operator(args), "act.search", dict(criteria),
                          [str(a.niu) for a in acts])
    rows = [{"niu": a.niu, "centre": a.centre_code, "event_type": a.event_type,
             "register_number": a.register_number, "record": a.to_dict()} for a in acts]
    from common.acts.summary import summarize

    lines = []
    for a in acts:
        summary = summarize(a.event_type, a.data)
        lines.append(f"{a.niu}  {a.centre_code}  {a.event_type:<14} "
                     f"{summary.occurred_on or '?'}  "
                     + " / ".join(p.full_name for p in summary.principal))
    if found > len(acts):
        lines.append(tr("{shown} of {found} acts shown: narrow the criteria", shown=len(acts),
                        found=found))
    _emit(args, {"found": found, "acts": rows}, "\n".join(lines) or tr("No act found"))
    return EXIT_OK


def cmd_copy_issue(args: argparse.Namespace) -> int:
    from xmserver.copies import issue_copy

    pki_dir = _pki_dir(args)
    pki = pki_store.load_pki(pki_dir)
    with scec_connection(dsn_from(args.db)) as conn:
        made = issue_copy(conn, pki, pki_dir, args.niu, args.kind, args.requester or "",
                          _operator(args), Path(args.out))
    _emit(args, vars(made),
          tr("Copy no. {number} ({kind}) of {niu}, held by centre {centre}, receipt {receipt}: "
             "{path}", number=made.copy_number, kind=made.kind, niu=made.niu,
             centre=f"{made.holding_centre} — {made.holding_centre_name}",
             receipt=made.receipt_number, path=made.path))
    return EXIT_OK


def cmd_duplicates_list(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        rows = register.duplicates(conn, open_only=not args.all, limit=args.limit)
    text = "\n".join(f"{r['id']:>6}  {r['event_type']:<14} {r['niu']} ({r['centre']})  ~  "
                     f"{r['other_niu']} ({r['other_centre']})  {r['flagged_at']:%Y-%m-%d}"
                     + (f"  {r['resolution']}" if r["resolution"] else "") for r in rows)
    _emit(args, rows, text or tr("No possible duplicate to review"))
    return EXIT_OK


def cmd_duplicates_show(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        item = register.duplicate(conn, args.id)
        register.log_read(conn, _operator(args), "duplicates.show", {"id": args.id},
                          [item["niu"], item["other_niu"]])
    _emit(args, item, json_text(item))
    return EXIT_OK


def cmd_duplicates_resolve(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        item = register.resolve_duplicate(conn, args.id, args.decision, args.note or "")
    _emit(args, item, tr("Pair {id} resolved: {decision}", id=args.id, decision=args.decision))
    return EXIT_OK


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        rows = register.quarantine_list(conn, limit=args.limit, reason=args.reason,
                                        superseded=args.superseded)
    text = "\n".join(f"{r['id']:>6}  {r['received_at']:%Y-%m-%d %H:%M}  {r['reason']:<16} "
                     f"{r['claimed_sender'] or '?':<7} {r['carrier']:<4} {r['size']:>7} B"
                     f"  ×{r['times']}" + _superseded_text(r) for r in rows)
    _emit(args, rows, text or tr("The quarantine is empty"))
    return EXIT_OK


def _superseded_text(row: dict[str, Any]) -> str:
    """What a revoked signer's container became: sent again by the reinstated centre?"""
    if row["sequence"] is None:
        return ""
    number = tr("  sequence {n}", n=row["sequence"])
    if row["superseded_at"] is None:
        return number
    same = {True: tr("same content"), False: tr("OTHER CONTENT: investigate"),
            None: tr("a late copy")}[row["superseded_same_content"]]
    return number + tr("  superseded by {mid} (reinstatement {number}, {same})",
                       mid=row["superseded_by"], number=row["reinstatement_id"] or "-",
                       same=same)


def cmd_quarantine_show(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        item, data = register.quarantine_item(conn, args.id)
    if args.out:
        write_file_atomically(Path(args.out), data)
        item["written_to"] = args.out
    _emit(args, item, "\n".join(f"{k}: {v}" for k, v in item.items()))
    return EXIT_OK


def cmd_quarantine_purge(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        n = register.purge_quarantine(conn, item=args.id, older_than_days=args.older_than)
    _emit(args, {"purged": n}, tr("{count} quarantined containers purged", count=n))
    return EXIT_OK


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        rows = register.conflicts(conn, open_only=not args.all, limit=args.limit)
    text = "\n".join(f"{r['id']:>6}  {r['niu']}  {r['centre']}  {r['reason']:<16} "
                     f"{r['received_at']:%Y-%m-%d %H:%M}" for r in rows)
    _emit(args, rows, text or tr("No conflict to review"))
    return EXIT_OK


def cmd_conflicts_show(args: argparse.Namespace) -> int:
    from xmserver import register

    with scec_connection(dsn_from(args.db)) as conn:
        item = register.conflict(conn, args.id)
        register.log_read(conn, _operator(args), "conflicts.show", {"id": args.id},
                          [item["niu"]])
    _emit(args, item, json_text(item))
    return EXIT_OK


def cmd_queries_list(args: argparse.Namespace) -> int:
    from xmserver import queries

    with scec_connection(dsn_from(args.db)) as conn:
        rows = queries.queries(conn, centre=args.centre, limit=args.limit)
    text = "\n".join(
        f"{r['received_at']:%Y-%m-%d %H:%M}  {r['centre']}  {r['asked_by']:>6} "
        f"{r['asked_by_name']:<24} {r['role']:<10} {r['carrier']:<5} "
        + (tr("refused ({reason})", reason=r["refusal"]) if r["refusal"]
           else tr("{n} found", n=r["found"]))
        + "  " + ", ".join(f"{k}={v}" for k, v in sorted(r["criteria"].items()))
        for r in rows)
    _emit(args, rows, text or tr("No national query received"))
    return EXIT_OK


def cmd_t2d_import(args: argparse.Namespace) -> int:
    from xmserver.t2d import import_folder

    pki = pki_store.load_pki(_pki_dir(args))
    with scec_connection(dsn_from(args.db)) as conn:
        reports = import_folder(conn, pki, Path(args.directory))
    lines = []
    for r in reports:
        lines.append(tr("centre {centre}: {files} containers read, {stored} stored ({acts} acts),"
                        " {dup} already received, {answered} questions answered,"
                        " {quarantined} quarantined, {refused} damaged files refused",
                        centre=r.centre, files=r.files, stored=r.stored, acts=r.acts_stored,
                        dup=r.duplicates, answered=r.answered, quarantined=len(r.quarantined),
                        refused=len(r.refused)))
        lines.extend(f"  {name}: {reason}" for name, reason in r.quarantined + r.refused)
    _emit(args, [vars(r) for r in reports], "\n".join(lines))
    return EXIT_OK if all(not r.quarantined and not r.refused for r in reports) else 1


def cmd_t2d_export(args: argparse.Namespace) -> int:
    from xmserver.t2d import export_folder

    pki = pki_store.load_pki(_pki_dir(args))
    with scec_connection(dsn_from(args.db)) as conn:
        report = export_folder(conn, pki, Path(args.directory), args.centre)
    text = tr("{count} containers for centre {centre} in {folder} ({new} new)",
              count=report.total, centre=report.centre, folder=report.folder,
              new=len(report.written))
    if report.unopenable:
        text += "\n" + tr("{count} older containers left out: sealed for a revoked certificate "
                          "of the centre, its current key cannot open them",
                          count=report.unopenable)
    _emit(args, vars(report), text)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xmserver", description=tr("ECR's central service (SCEC)"))
    p.add_argument("--db", default=None, help=tr("central database DSN (default: $XMSERVER_DB)"))
    p.add_argument("--pki-dir", default=None,
                   help=tr("folder of the SCEC's keys (default: $XMSERVER_PKI_DIR)"))
    p.add_argument("--json", action="store_true", help=tr("print JSON instead of text"))
    p.add_argument("--lang", choices=("fr", "en"), default=None, help=tr("language of messages"))
    p.add_argument("--operator", default=None, metavar="NAME",
                   help=tr("who reads the national register, kept with each read (default: "
                           "$XMSERVER_OPERATOR, else the system login)"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = sub.add_parser("init", help=tr("create the country's PKI and the central database"))
    init.add_argument("--country", required=True, help=tr("ISO 3166-1 alpha-2 country code"))
    init.add_argument("--organisation", required=True, help=tr("name of the civil registry"))
    init.add_argument("--root-dir", default=None,
                      help=tr("where to write the root CA key (default: PKI_DIR/root)"))
    init.set_defaults(handler=cmd_init)

    copy = sub.add_parser("copy", help=tr("copies and extracts issued at the SCEC")
                          ).add_subparsers(dest="copy_command", metavar="ACTION", required=True)
    cissue = copy.add_parser("issue", help=tr("issue a signed copy or extract of an act of the "
                                              "national register (PDF)"))
    cissue.add_argument("niu")
    cissue.add_argument("--kind", default="full",
                        choices=("full", "extract_with_filiation", "extract_without_filiation"))
    cissue.add_argument("--requester", required=True, help=tr("who the copy is issued to"))
    cissue.add_argument("--out", required=True, metavar="FILE.pdf")
    cissue.set_defaults(handler=cmd_copy_issue)

    centre = sub.add_parser("centre", help=tr("manage centres")).add_subparsers(
        dest="centre_command", metavar="ACTION", required=True)
    add = centre.add_parser("add", help=tr("register a centre and give it a one-time token"))
    add.add_argument("code", nargs="?")
    add.add_argument("--name", default="")
    add.add_argument("--bulk", metavar="FILE.csv", default=None,
                     help=tr("register every centre of a CSV file (code, name, region, contact)"))
    add.add_argument("--tokens-out", metavar="FILE.csv", default=None,
                     help=tr("with --bulk: where to write the one-time tokens (mode 0600)"))
    add.add_argument("--skip-refused", action="store_true",
                     help=tr("with --bulk: record the good rows even if some are refused"))
    add.add_argument("--new-tokens", action="store_true",
                     help=tr("with --bulk: new tokens for centres registered but not enrolled"))
    add.add_argument("--token-hours", type=int, default=72,
                     help=tr("hours before the token expires"))
    add.set_defaults(handler=cmd_centre_add)
    centre.add_parser("list", help=tr("list centres")).set_defaults(handler=cmd_centre_list)
    cshow = centre.add_parser("show", help=tr("a centre: its certificates and reinstatements"))
    cshow.add_argument("code")
    cshow.set_defaults(handler=cmd_centre_show)
    revoke = centre.add_parser("revoke", help=tr("revoke a centre and its certificates"))
    revoke.add_argument("code")
    revoke.add_argument("--reason", default="")
    revoke.set_defaults(handler=cmd_centre_revoke)
    reinstate = centre.add_parser(
        "reinstate", help=tr("after investigation: a new one-time token for a revoked centre, "
                             "which enrolls again with a new key and sends its pending acts"))
    reinstate.add_argument("code")
    reinstate.add_argument("--reason", default="",
                           help=tr("the investigation's conclusion (kept)"))
    reinstate.add_argument("--by", default=None,
                           help=tr("who reinstates (default: the system user)"))
    reinstate.add_argument("--token-hours", type=int, default=72,
                           help=tr("hours before the token expires"))
    reinstate.add_argument("--token-out", metavar="FILE.csv", default=None,
                           help=tr("write the one-time token to this file (mode 0600) "
                                   "instead of showing it"))
    reinstate.set_defaults(handler=cmd_centre_reinstate)
    limit = centre.add_parser("query-limit", help=tr("national queries a centre may ask per "
                                                     "hour"))
    limit.add_argument("code")
    limit.add_argument("per_hour", type=int, nargs="?", default=None,
                       help=tr("omit to return to the default"))
    limit.set_defaults(handler=cmd_centre_query_limit)
    offline = centre.add_parser("enroll-offline",
                                help=tr("answer an enrollment request file from removable media"))
    offline.add_argument("request")
    offline.add_argument("--out", required=True, help=tr("response file to write"))
    offline.set_defaults(handler=cmd_enroll_offline)

    pki = sub.add_parser("pki", help=tr("publish certificates and revocation lists")
                         ).add_subparsers(dest="pki_command", metavar="ACTION", required=True)
    export = pki.add_parser("export", help=tr("write the public CA and SCEC certificates"))
    export.add_argument("directory")
    export.set_defaults(handler=cmd_pki_export)
    crl = pki.add_parser("crl", help=tr("issue a fresh revocation list"))
    crl.add_argument("--out", default=None)
    crl.set_defaults(handler=cmd_pki_crl)

    run = sub.add_parser("run", help=tr("run workers: containers from centres, enrollment"))
    run.add_argument("--broker", default="127.0.0.1:1883")
    run.add_argument("--topic-root", default="ecr")
    run.add_argument("--workers", type=int, default=1, help=tr("worker processes to start"))
    run.add_argument("--instance", default=None,
                     help=tr("name of this machine's worker slots (default: the host name)"))
    run.add_argument("--tls-ca", default=None, help=tr("the country's CA certificates (PEM)"))
    run.add_argument("--tls-cert", default=None, help=tr("the workers' client certificate"))
    run.add_argument("--tls-key", default=None, help=tr("the workers' client key"))
    run.set_defaults(handler=cmd_run)

    broker = sub.add_parser("broker-config", help=tr("write the Mosquitto configuration (TLS, "
                                                     "certificates, ACL, revocation list)"))
    broker.add_argument("--out", required=True, help=tr("folder to write"))
    broker.add_argument("--host", action="append", default=[],
                        help=tr("name or address of the broker, as centres reach it (repeat)"))
    broker.add_argument("--port", type=int, default=8883)
    broker.add_argument("--enroll-port", type=int, default=8884)
    broker.add_argument("--bind", default="0.0.0.0")  # noqa: S104
    broker.add_argument("--topic-root", default="ecr")
    broker.add_argument("--user", default=None, help=tr("system user Mosquitto runs as"))
    broker.add_argument("--renew", action="store_true", help=tr("new broker and worker keys"))
    broker.add_argument("--refresh-crl", action="store_true",
                        help=tr("only write the current revocation list"))
    broker.set_defaults(handler=cmd_broker_config)

    act = sub.add_parser("act", help=tr("read the national register")).add_subparsers(
        dest="act_command", metavar="ACTION", required=True)
    show = act.add_parser("show", help=tr("show an act by its NIU"))
    show.add_argument("niu")
    show.set_defaults(handler=cmd_act_show)
    hist = act.add_parser("history", help=tr("what the SCEC did with an act: stored, mentions, "
                                             "conflicts, duplicates, who read it"))
    hist.add_argument("niu")
    hist.set_defaults(handler=cmd_act_history)
    found = act.add_parser("search", help=tr("search the national register (the criteria of "
                                             "a national query; newest first, 20 at most)"))
    found.add_argument("--niu")
    found.add_argument("--surname")
    found.add_argument("--given-names")
    found.add_argument("--type", dest="event_type")
    found.add_argument("--from", dest="occurred_from", metavar="YYYY-MM-DD")
    found.add_argument("--to", dest="occurred_to", metavar="YYYY-MM-DD")
    found.set_defaults(handler=cmd_act_search)

    quarantine = sub.add_parser("quarantine", help=tr("containers refused as a whole")
                                ).add_subparsers(dest="q_command", metavar="ACTION", required=True)
    ql = quarantine.add_parser("list", help=tr("list quarantined containers"))
    ql.add_argument("--reason", default=None)
    ql.add_argument("--limit", type=int, default=100)
    ql.add_argument("--superseded", action=argparse.BooleanOptionalAction, default=None,
                    help=tr("only the revoked signers' containers that a reinstated centre "
                            "sent again (or, with --no-superseded, the others)"))
    ql.set_defaults(handler=cmd_quarantine_list)
    qs = quarantine.add_parser("show", help=tr("show one quarantined container"))
    qs.add_argument("id", type=int)
    qs.add_argument("--out", default=None, help=tr("write its bytes to this file"))
    qs.set_defaults(handler=cmd_quarantine_show)
    qp = quarantine.add_parser("purge", help=tr("forget quarantined containers"))
    qp.add_argument("--id", type=int, default=None)
    qp.add_argument("--older-than", type=int, default=None, metavar="DAYS")
    qp.set_defaults(handler=cmd_quarantine_purge)

    conflicts = sub.add_parser("conflicts", help=tr("acts received with another content")
                               ).add_subparsers(dest="c_command", metavar="ACTION", required=True)
    cl = conflicts.add_parser("list", help=tr("list conflicts to review"))
    cl.add_argument("--all", action="store_true", help=tr("resolved ones too"))
    cl.add_argument("--limit", type=int, default=100)
    cl.set_defaults(handler=cmd_conflicts_list)
    cs = conflicts.add_parser("show", help=tr("show a conflict: what is stored, what came"))
    cs.add_argument("id", type=int)
    cs.set_defaults(handler=cmd_conflicts_show)

    dups = sub.add_parser("duplicates", help=tr("acts of two centres that look like the same "
                                                "event (national review)")
                          ).add_subparsers(dest="d_command", metavar="ACTION", required=True)
    dl = dups.add_parser("list", help=tr("pairs to review"))
    dl.add_argument("--all", action="store_true", help=tr("resolved ones too"))
    dl.add_argument("--limit", type=int, default=100)
    dl.set_defaults(handler=cmd_duplicates_list)
    ds = dups.add_parser("show", help=tr("a pair, with both acts"))
    ds.add_argument("id", type=int)
    ds.set_defaults(handler=cmd_duplicates_show)
    dr = dups.add_parser("resolve", help=tr("record the decision on a pair (both acts stay)"))
    dr.add_argument("id", type=int)
    dr.add_argument("decision", choices=("same_event", "different_events"))
    dr.add_argument("--note", default=None, help=tr("why: kept with the pair"))
    dr.set_defaults(handler=cmd_duplicates_resolve)

    national = sub.add_parser("queries", help=tr("national queries the centres asked (audit)")
                              ).add_subparsers(dest="n_command", metavar="ACTION", required=True)
    nl = national.add_parser("list", help=tr("who asked what, from which centre, newest first"))
    nl.add_argument("--centre", default=None)
    nl.add_argument("--limit", type=int, default=100)
    nl.set_defaults(handler=cmd_queries_list)

    t2d = sub.add_parser("t2d", help=tr("removable media")).add_subparsers(
        dest="t2d_command", metavar="ACTION", required=True)
    ti = t2d.add_parser("import", help=tr("ingest the containers centres wrote to a folder"))
    ti.add_argument("directory")
    ti.set_defaults(handler=cmd_t2d_import)
    te = t2d.add_parser("export", help=tr("write what the SCEC has for a centre to a folder"))
    te.add_argument("--centre", required=True)
    te.add_argument("directory")
    te.set_defaults(handler=cmd_t2d_export)
    _stats_parser(sub)
    return p


def _stats_parser(sub: Any) -> None:
    """``xmserver stats …``: the centres' tabulations (``ecr stats``), the same tables,
    CSV/JSON and charts, over the national register."""
    from ecr_tk.cli.stats import _populate

    stats = sub.add_parser("stats", help=tr("national vital statistics: the centres' "
                                            "tabulations over the national register"))
    _populate(stats, national=True)
    stats.set_defaults(stats_connect=_stats_connection, stats_regions=_centre_regions)


def _centre_regions(args: argparse.Namespace) -> dict[str, str]:
    """centre code → region, as the SCEC's centre directory says (``--by-region``)."""
    with scec_connection(dsn_from(args.db)) as conn:
        return {str(c): str(r) for c, r in conn.execute("SELECT code, region FROM centre")}


@contextlib.contextmanager
def _stats_connection(args: argparse.Namespace) -> Iterator[Any]:
    """The central database, with every act stored so far folded into the facts
    (the workers do it when idle; a table read now counts what is stored now)."""
    from xmserver.ingest import refresh_statistics

    with scec_connection(dsn_from(args.db)) as conn:
        while refresh_statistics(conn, 5000):
            pass
        yield conn


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.lang:
        set_language(args.lang)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return run_handler("xmserver", args.handler, args,
                       tr("xmserver: internal error (a bug): please report it"))


if __name__ == "__main__":
    raise SystemExit(main())
