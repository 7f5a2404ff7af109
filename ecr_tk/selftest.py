"""``ECR --self-test``: does this installation work on this PC?

What a field technician runs first after copying ECR onto a centre's PC: in a
temporary home (never the centre's own), it starts the embedded database,
creates a centre and its staff, takes an act through the whole workflow,
issues a copy whose QR code it verifies, seals a container for the SCEC and
opens it again, reads a statistics table, and stops the database.  It prints
one line per step with its time and returns 0 only if every step passed.

It uses the same services as the windows and the ``ecr`` commands, and a
throw-away country authority made in memory (the centre is not enrolled with
any real SCEC): it must never touch the network, the user's data folder or an
existing centre.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from common.i18n import translator

tr = translator("centre")

CENTRE_CODE = "999999"
PASSWORD = "self-test-password"  # noqa: S105 - a throw-away centre in a temporary folder


@dataclass
class _Run:
    out: TextIO
    home: Path
    state: dict[str, Any] = field(default_factory=dict)
    failed: bool = False

    def step(self, label: str, action: Callable[[], str | None]) -> None:
        if self.failed:
            self.out.write(f"  -      {label}: {tr('not run')}\n")
            return
        started = time.perf_counter()
        try:
            detail = action()
        except Exception as exc:  # a self-test reports every failure, whatever it is
            self.failed = True
            seconds = time.perf_counter() - started
            self.out.write(f"  {tr('FAILED'):<6} {label} ({seconds:.2f} s): {exc}\n")
            traceback.print_exc(file=sys.stderr)
            return
        seconds = time.perf_counter() - started
        detail = f": {detail}" if detail else ""
        self.out.write(f"  {tr('ok'):<6} {label} ({seconds:.2f} s){detail}\n")
        self.out.flush()


def run_self_test(out: TextIO | None = None, keep: bool = False) -> int:
    """Run every step; 0 if all passed, 1 otherwise."""
    out = out or sys.stdout
    home = Path(tempfile.mkdtemp(prefix="ecr-self-test-"))
    run = _Run(out, home)
    out.write(tr("ECR self-test in {home}", home=home) + "\n")
    started = time.perf_counter()
    try:
        run.step(tr("embedded database, centre and users"), lambda: _create(run))
        run.step(tr("act drafted, verified and validated"), lambda: _act(run))
        run.step(tr("copy issued as PDF and its QR code verified"), lambda: _copy(run))
        run.step(tr("container for the SCEC sealed and opened"), lambda: _container(run))
        run.step(tr("statistics table"), lambda: _statistics(run))
        run.step(tr("embedded database stopped"), lambda: _stop(run))
    finally:
        _close(run)
        if not keep:
            shutil.rmtree(home, ignore_errors=True)
    total = time.perf_counter() - started
    verdict = tr("self-test FAILED") if run.failed else tr("self-test passed")
    out.write(f"{verdict} ({total:.1f} s)\n")
    return 1 if run.failed else 0


def _create(run: _Run) -> str:
    from ecr_tk.services.centre import Centre

    centre = Centre.init(run.home / "centre", CENTRE_CODE, "Centre d'essai", 1,
                         "Officier d'essai", PASSWORD)
    run.state["centre"] = centre
    officer = centre.login(1, PASSWORD)
    officer.users.add(2, "Secrétaire d'essai", "secretary", PASSWORD)
    officer.users.add(3, "Agent d'essai", "agent", PASSWORD)
    run.state["sessions"] = {n: centre.login(n, PASSWORD) if n != 1 else officer
                             for n in (1, 2, 3)}
    _enroll(run)
    return tr("centre {code}, 3 users", code=CENTRE_CODE)


def _enroll(run: _Run) -> None:
    """Certify the centre's key with a throw-away authority, as the SCEC would."""
    from cryptography.hazmat.primitives import serialization

    from common.pki.authority import (
        build_revocation_list,
        check_centre_request,
        create_country_authority,
        issue_centre_certificate,
    )
    from common.pki.centre import install_response, load_request
    from common.pki.enrollment import EnrollmentResponse

    keys = run.home / "centre" / "keys"
    ca = create_country_authority("XX", "ECR self-test")
    request = load_request(keys)
    csr = check_centre_request(request.der, CENTRE_CODE)
    certificate = issue_centre_certificate(ca.issuing_key, ca.issuing_certificate, csr,
                                           CENTRE_CODE)
    crl = build_revocation_list(ca.issuing_key, ca.issuing_certificate, [], 1)
    der = serialization.Encoding.DER
    install_response(keys, EnrollmentResponse(
        "issued", certificate.public_bytes(der),
        (ca.issuing_certificate.public_bytes(der), ca.root_certificate.public_bytes(der)),
        ca.signing_certificate.public_bytes(der), ca.encryption_certificate.public_bytes(der),
        crl.public_bytes(der)))
    run.state["ca"] = ca


def _act(run: _Run) -> str:
    from common.acts import examples

    sessions = run.state["sessions"]
    draft = sessions[3].acts.draft("birth", examples.BIRTH, confirm_duplicates=True)
    niu = sessions[2].acts.verify(draft.id)
    sessions[1].acts.validate(draft.id)
    run.state["niu"] = niu
    run.state["year"] = sessions[1].acts.show(niu).occurred_on.year
    return tr("NIU {niu}", niu=niu)


def _copy(run: _Run) -> str:
    from cryptography.hazmat.primitives import serialization

    from ecr_tk.services.printing import print_issued
    from printdesigner.verification import verify_printed

    secretary = run.state["sessions"][2]
    issued = secretary.copies.issue(run.state["niu"], "full", "Demandeur d'essai")
    printed = print_issued(secretary, issued, keys_dir=run.home / "centre" / "keys")
    if printed.warning:
        raise RuntimeError(printed.warning)
    pdf = run.home / "copie.pdf"
    pdf.write_bytes(printed.pdf)
    ca = run.state["ca"]
    roots = [ca.root_certificate, ca.issuing_certificate]
    (run.home / "ca.pem").write_bytes(b"".join(
        c.public_bytes(serialization.Encoding.PEM) for c in roots))
    result = verify_printed(pdf, roots, None)
    if not result.genuine:
        raise RuntimeError(result.message)
    return tr("{size} kB, QR verified", size=len(printed.pdf) // 1024)


def _container(run: _Run) -> str:
    from common.acts.actjson import ActRecord
    from common.pki.centre import load_centre_identity
    from common.pki.identifiers import certificate_key_identifier
    from common.wire.batches import open_act_batch, seal_act_batch
    from common.wire.cms import RecipientKey
    from common.wire.container import RecipientCertificate, SenderKey
    from common.wire.trust import StaticDirectory

    ca = run.state["ca"]
    identity = load_centre_identity(run.home / "centre" / "keys")
    shown = run.state["sessions"][1].acts.show(run.state["niu"])
    record = ActRecord(shown.event_type, shown.data, "validated", shown.niu,
                       shown.register_number, CENTRE_CODE, shown.registered_on,
                       shown.timeliness)
    _, data = seal_act_batch(
        [record], centre=CENTRE_CODE, sequence=1,
        sender=SenderKey(identity.key, identity.key_identifier),
        recipient=RecipientCertificate.of(ca.encryption_certificate))
    opened = open_act_batch(
        data, RecipientKey(ca.encryption_key,
                           certificate_key_identifier(ca.encryption_certificate)),
        StaticDirectory.of([(CENTRE_CODE, identity.certificate)]))
    if [a.niu for a in opened.acts] != [record.niu]:
        raise RuntimeError("the container did not give back the act sealed in it")
    return tr("{size} bytes", size=len(data))


def _statistics(run: _Run) -> str:
    from common.stats.reader import read_table

    table = read_table(run.state["sessions"][1].stats_reader(), "LB-1", run.state["year"])
    if not table.rows:
        raise RuntimeError("the birth just validated is missing from LB-1")
    return tr("{key}: {rows} rows", key="LB-1", rows=len(table.rows))


def _close(run: _Run) -> None:
    for session in (run.state.pop("sessions", None) or {}).values():
        try:
            session.logout()
        except Exception:  # noqa: S110 - closing after a failure: the failure is reported
            pass
    centre = run.state.pop("centre", None)
    if centre is not None:
        centre.close()


def _stop(run: _Run) -> str:
    from common.db.embedded import release, server_is_running

    _close(run)
    db_dir = run.home / "centre" / "db"
    release(db_dir)
    if server_is_running(db_dir):
        raise RuntimeError("the embedded server is still running")
    return ""
