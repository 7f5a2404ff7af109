"""Copies and extracts issued at the SCEC itself: ``xmserver copy issue NIU``.

The SCEC holds every act of the country, with every mention the centres sent.
A copy issued here is printed from the act as the national register holds it,
with the centres' very documents (the default template of the event and kind,
which says which centre holds the act), and signed with the SCEC's copy-signing
key (``pki_store.copy_signer``): ``ecr verify`` on any centre checks it with the
country's CA certificates, as it checks a centre's copy.  Each copy is numbered
per act and document (DUPLICATA from the second), gets a receipt of the SCEC's
own series, and is kept (``scec_copy``) with who issued it and for whom; the
read of the act is logged (``admin_read``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from common.errors import UserError
from common.i18n import translator
from common.pki.keys import write_file_atomically
from xmserver import register
from xmserver.ingest import Conn
from xmserver.pki_store import ScecPki, copy_signer

tr = translator("scec")


@dataclass(frozen=True)
class ScecCopy:
    niu: str
    kind: str
    copy_number: int
    holding_centre: str
    holding_centre_name: str
    receipt_number: str
    requester: str
    operator: str
    issued_at: dt.datetime
    path: str


def issue_copy(conn: Conn, pki: ScecPki, pki_dir: Path, niu: str, kind: str, requester: str,
               operator: str, out: Path) -> ScecCopy:
    """Issue, sign and write (``out``, a PDF) a copy of the act ``niu`` of the register.

    Nothing is kept unless the PDF is written: the copy's row, its number and the
    read are committed with it, or not at all.
    """
    from ecr_tk.services.copies import national_act_from_record
    from ecr_tk.services.values import COPY_KINDS
    from printdesigner.certified import CentreInfo
    from printdesigner.documents import render_copy

    if kind not in COPY_KINDS:
        raise UserError(tr("Unknown copy kind {kind}: choose {kinds}", kind=kind,
                           kinds=", ".join(COPY_KINDS)), field="kind", rule="bad_copy_kind")
    requester = " ".join(requester.split())
    if not requester:
        raise UserError(tr("The requester's name is required (--requester)"),
                        field="requester", rule="required")
    signer = copy_signer(pki_dir, pki)
    organisation = _organisation(pki.issuing_certificate)
    with conn.transaction():
        found = register.act(conn, niu)
        niu = found["niu"]
        holding = str(found["centre"])
        row = conn.execute("SELECT name FROM centre WHERE code = %s", (holding,)).fetchone()
        holding_name = str(row[0]) if row and row[0] else holding
        # copies are numbered (per act and document, and receipts per year) one after
        # the other, whichever administrator issues them
        conn.execute("LOCK TABLE scec_copy IN SHARE ROW EXCLUSIVE MODE")
        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        number_row = conn.execute(
            "SELECT coalesce(max(copy_number), 0) + 1 FROM scec_copy WHERE niu = %s"
            " AND kind = %s", (niu, kind)).fetchone()
        serial_row = conn.execute(
            "SELECT coalesce(max(receipt_serial), 0) + 1 FROM scec_copy"
            " WHERE receipt_year = %s", (now.year,)).fetchone()
        assert number_row is not None and serial_row is not None
        copy_number, serial = int(number_row[0]), int(serial_row[0])
        receipt = f"SCEC {serial:06d} / {now.year}"
        conn.execute(
            "INSERT INTO scec_copy (niu, holding_centre, kind, copy_number, requester, operator,"
            " issued_at, receipt_year, receipt_serial, certificate_serial)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (niu, holding, kind, copy_number, requester[:200], operator[:200], now, now.year,
             serial, signer.certificate.serial_number))
        register.log_read(conn, operator, "copy.issue",
                          {"niu": niu, "kind": kind, "receipt": receipt}, [niu])
        act = national_act_from_record(found["record"], query_id=uuid.UUID(found["message_id"]),
                                       answered_at=found["stored_at"], centre_name=holding_name)
        pdf = render_copy(act, kind, None, copy_number, signer,
                          centre=CentreInfo(name=organisation), issued_at=now, officer=operator,
                          requester=requester, receipt_number=receipt,
                          holding=CentreInfo(code=holding, name=holding_name))
        write_file_atomically(out, pdf)
    return ScecCopy(niu, kind, copy_number, holding, holding_name, receipt, requester, operator,
                    now, str(out))


def _organisation(certificate: x509.Certificate) -> str:
    """The civil registry's name, as the country's CA certificates carry it."""
    from cryptography.x509.oid import NameOID

    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(values[0].value) if values else tr("Central civil registration service")
