"""Printing an issued copy: the one path from ``CopyIssued`` to its PDF.

The command line (``ecr copy issue --out``) and the copies window both call
``print_issued`` so that a printed copy is always made the same way: the
centre's own template for that event and kind when the officer designed one
(else the default document), this workstation's printer calibration, and the
centre's signature in the verification QR code when the centre is enrolled.
A centre not enrolled yet still prints, without a QR code, and is told why.

A copy of an act held by another centre (``CopyIssued.held_elsewhere``) is
printed from the SCEC's answer it was issued from, and must say which centre
holds the act: the centre's template is used when it prints the registration
centre, else the default document, which does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .session import Session
    from .values import CopyIssued


@dataclass(frozen=True)
class PrintedDocument:
    pdf: bytes
    warning: str | None  # translated; set when the copy carries no verification code


def print_issued(session: Session, issued: CopyIssued, *, keys_dir: Path | None,
                 receipt: bool = False) -> PrintedDocument:
    """The PDF of the copy ``issued`` (or of its receipt)."""
    from printdesigner.certified import says_where_held
    from printdesigner.documents import issued_copy_pdf, load_signer
    from printdesigner.model import normal_kind

    store = session.templates()
    signer, warning = load_signer(keys_dir)
    kind = "receipt" if receipt else normal_kind(issued.kind)
    if issued.held_elsewhere:
        act = session.copies.national_act_of(issued)
    else:
        act = session.acts.show(issued.niu)
    template = store.find(act.event_type, kind)
    if issued.held_elsewhere and not receipt and template is not None \
            and not says_where_held(template):
        template = None  # the default document names the centre that holds the act
    pdf = issued_copy_pdf(session, issued, signer=signer, act=act, template=template,
                          calibration=store.calibration(), receipt=receipt)
    return PrintedDocument(pdf=pdf, warning=warning)
