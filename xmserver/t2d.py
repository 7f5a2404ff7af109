"""T2D at the SCEC: removable media in, through the workers' very code path, and out.

``import_folder`` ingests every ``to-scec/<centre>/`` container of a folder with
``xmserver.ingest.ingest`` (carrier ``t2d``): same checks, same quarantine,
same receipts as over MQTT.  ``export_folder`` writes into
``to-centre/<centre>/`` every container the SCEC issued for the centre within
the container age limit (receipts, status answers, routed mentions) and the
current revocation list, sealed for the centre.  Both are idempotent: the same
folder imported twice stores nothing new; exported twice, the same files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from common.errors import UserError
from common.i18n import translator
from common.pki.identifiers import certificate_key_identifier
from common.transport import t2d
from common.wire import batches
from common.wire.cms import recipient_key_identifiers
from common.wire.container import MAX_AGE
from xmserver import ingest
from xmserver.centres import current_revocation_list
from xmserver.ingest import Conn
from xmserver.pki_store import ScecPki

tr = translator("scec")


@dataclass
class CentreImport:
    centre: str
    files: int = 0
    stored: int = 0  # containers stored now
    duplicates: int = 0
    answered: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    refused: list[tuple[str, str]] = field(default_factory=list)  # damaged files (name, reason)
    acts_stored: int = 0


def import_folder(conn: Conn, pki: ScecPki, root: Path) -> list[CentreImport]:
    centres = t2d.centres_in(root, t2d.TO_SCEC)
    if not centres:
        raise UserError(tr("No ECR transfer to the SCEC in {path}", path=Path(root) / t2d.TOP),
                        field="folder", rule="empty")
    reports = []
    for centre in centres:
        report = CentreImport(centre)
        try:
            contents = t2d.read_folder(root, t2d.TO_SCEC, centre)
        except t2d.T2dError as exc:
            report.refused.append(("manifest.json", exc.rule or "damaged"))
            reports.append(report)
            continue
        report.refused.extend((r.name, r.reason) for r in contents.refused)
        for file in contents.files:
            report.files += 1
            result = ingest.ingest(conn, pki, file.data, carrier="t2d",
                                   topic=f"t2d/centre/{centre}/up")
            if result.outcome == "stored":
                report.stored += 1
                report.acts_stored += result.stored
            elif result.outcome == "duplicate":
                report.duplicates += 1
            elif result.outcome == "answered":
                report.answered += 1
            else:
                report.quarantined.append((file.name, result.reason))
        reports.append(report)
    ingest.route(conn, pki)
    return reports


@dataclass(frozen=True)
class CentreExport:
    centre: str
    folder: str
    written: list[str]
    total: int
    unopenable: int = 0  # sealed for a revoked certificate before the SCEC kept its messages


def export_folder(conn: Conn, pki: ScecPki, root: Path, centre: str, *,
                  now: dt.datetime | None = None) -> CentreExport:
    now = now or dt.datetime.now(dt.UTC)
    if conn.execute("SELECT 1 FROM centre WHERE code = %s", (centre,)).fetchone() is None:
        raise UserError(tr("Unknown centre {code}", code=centre), field="centre",
                        rule="unknown_centre")
    _queue_revocation_list(conn, pki, centre)
    ingest.route(conn, pki)
    ingest.reseal_outgoing(conn, pki, centre)
    signer = ingest.centre_recipient(conn, centre)
    current = None if signer is None else certificate_key_identifier(signer.certificate)
    rows = conn.execute(
        "SELECT sequence, message_id, data FROM outgoing WHERE centre = %s AND created_at > %s"
        " ORDER BY sequence", (centre, now - MAX_AGE)).fetchall()
    # once enrolled again, only what the centre's current key opens: a reinstated centre
    # has no other key, and a container it cannot open would only make its import fail
    files = [(t2d.file_name(int(seq), mid), bytes(data)) for seq, mid, data in rows
             if current is None or current in recipient_key_identifiers(bytes(data))]
    written = t2d.write_folder(root, t2d.TO_CENTRE, centre, files, now=now)
    return CentreExport(centre, str(t2d.folder_of(root, t2d.TO_CENTRE, centre)), written,
                        len(files), len(rows) - len(files))


def _queue_revocation_list(conn: Conn, pki: ScecPki, centre: str) -> None:
    """The current revocation list, sealed for the centre once per list number."""
    crl = current_revocation_list(conn, pki)
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    der = crl.public_bytes(serialization.Encoding.DER)
    with conn.transaction():
        signer = ingest.centre_recipient(conn, centre)
        if signer is None:
            return  # not enrolled, or revoked: nothing can be sealed for it
        if conn.execute("SELECT 1 FROM outgoing WHERE centre = %s AND kind = 'REVOCATION_LIST'"
                        " AND crl_number = %s", (centre, number)).fetchone():
            return
        ingest.send(conn, pki, centre, signer, "REVOCATION_LIST", None,
                    lambda seq: batches.revocation_list_message(der, centre=centre, sequence=seq),
                    crl_number=number)
