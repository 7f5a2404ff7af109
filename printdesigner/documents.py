"""Printing a copy of an act: the one entry point ``ecr copy issue --out`` and the GUI call.

``render_copy`` takes the act as the centre's services return it (``ActRecord``:
event type, data, NIU, register number, mentions…), the kind of document and the
copy number, fills the computed values, signs the verification QR code with the
centre's key when a signer is given, and returns the PDF bytes.  It reads no
database and writes no file: the caller decides where the bytes go.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from common.acts.summary import summarize
from common.errors import UserError
from common.i18n import translator, using_language
from printdesigner.binding import PrintContext
from printdesigner.defaults import default_template, kinds_for
from printdesigner.errors import PrintError
from printdesigner.formats import as_date, format_value
from printdesigner.model import Template, normal_kind
from printdesigner.qr import CopySeal, Signer, printed_digest, seal_text
from printdesigner.readback import attach_layout
from printdesigner.render import NO_CALIBRATION, Calibration, printed_layout, render

tr = translator("print")


_NUMBER_SIGN = re.compile(r"^\s*(n°|no\.?|nº)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CentreInfo:
    """Who issues the copy: shown in the header and the certification sentence."""

    code: str = ""
    name: str = ""
    area: str = ""
    locality: str = ""
    country_name: str = ""


def _kind_label(kind: str) -> str:
    return {
        "full": tr("Full copy"), "extract": tr("Extract"),
        "extract_filiation": tr("Extract with filiation"), "receipt": tr("Receipt"),
        "register_page": tr("Register page"),
    }.get(kind, kind)  # fmt: skip


def _mention_text(mention: Any) -> str:
    """A mention as the margin shows it: its date, its text, its court reference."""
    text = str(getattr(mention, "text", mention))
    when = getattr(mention, "event_date", None) or getattr(mention, "court_decision_date", None)
    reference = getattr(mention, "court_reference", None)
    parts = [format_value(when, "date_long") + " : " if when else "", text]
    if reference:
        parts.append(f" ({reference})")
    return "".join(parts)


def print_context(act: Any, kind: str, *, copy_number: int = 1,
                  centre: CentreInfo | None = None, issued_at: dt.datetime | None = None,
                  officer: str = "", requester: str = "", receipt_number: str = "",
                  fee: tuple[Decimal, str] | None = None, lang: str = "fr",
                  paid_for: str | None = None) -> PrintContext:
    """The values a document of ``act`` shows besides the act's own data."""
    centre = centre or CentreInfo()
    issued_at = issued_at or dt.datetime.now(dt.UTC)
    registered_on = getattr(act, "registered_on", None)
    # The register number is stored as "n° 123 / 2026"; templates write their own "n°".
    register_number = _NUMBER_SIGN.sub("", str(getattr(act, "register_number", "") or ""))
    year = registered_on.year if isinstance(registered_on, dt.date) else None
    with using_language(lang):
        principal = summarize(act.event_type, act.data).principal
        computed: dict[str, Any] = {
            "niu": getattr(act, "niu", None) or "",
            "register_number": register_number,
            "register_year": year,
            "registered_on": registered_on,
            "timeliness": getattr(act, "timeliness", None),
            "issuance_date": issued_at,
            "issuance_place": centre.locality or centre.name,
            "officer": officer,
            "centre_name": centre.name,
            "centre_code": centre.code,
            "centre_area": centre.area,
            "country_name": centre.country_name,
            "receipt_number": receipt_number,
            "fee": fee,
            "requester": requester,
            "copy_kind": _kind_label(normal_kind(paid_for or kind)),
            "principal_names": " / ".join(p.full_name for p in principal),
            "document_title": "",
        }
        mentions = tuple(_mention_text(m) for m in getattr(act, "mentions", ()) or ())
    return PrintContext(act.event_type, act.data, computed, mentions, copy_number)


def _seal(act: Any, kind: str, ctx: PrintContext, layout: Mapping[str, Any],
          issued_at: dt.datetime) -> CopySeal:
    principal = summarize(act.event_type, act.data).principal
    names: list[str] = []
    for person in principal:
        names += [n for n in (person.surname, person.given_names) if n]
    return CopySeal(
        niu=str(act.niu), kind=kind if kind in ("full", "extract", "extract_filiation",
                                                 "receipt", "register_page") else "other",
        copy_number=ctx.copy_number, issued_at=issued_at,
        register_number=str(getattr(act, "register_number", "") or ""),
        event_date=as_date(act.data.get("occurred_on")), names=tuple(names),
        digest=printed_digest(layout),
    )


def render_copy(act_record: Any, kind: str, template: Template | None = None,
                copy_number: int = 1, signer: Signer | None = None, *,
                centre: CentreInfo | None = None, issued_at: dt.datetime | None = None,
                officer: str = "", requester: str = "", receipt_number: str = "",
                fee: tuple[Decimal, str] | None = None, calibration: Calibration = NO_CALIBRATION,
                strict: bool = False, paid_for: str | None = None) -> bytes:
    """The PDF of a copy of ``act_record`` (``ecr_tk.services`` ``ActRecord`` or alike).

    ``kind``: ``full``, ``extract``, ``extract_filiation`` (``extract-filiation``),
    ``receipt`` (``paid_for``: the kind of copy paid for) or ``register_page``.
    Without ``template`` the default document of
    the event is used.  With ``signer`` (the centre's ``CentreIdentity``) the QR
    code is signed; an act without NIU (not verified yet) cannot be certified.
    """
    kind = normal_kind(kind)
    if template is None:
        from common.acts.dictionary import EVENTS

        event = EVENTS.get(act_record.event_type)
        if event is None or kind not in kinds_for(event):
            raise PrintError(tr("There is no {kind} document for this kind of act", kind=kind),
                             field="kind", rule="no_such_document")
        template = default_template(act_record.event_type, kind)
    if signer is not None and not getattr(act_record, "niu", None):
        raise PrintError(tr("An act without NIU cannot be certified: it must be verified first"),
                         field="niu", rule="no_niu")
    issued_at = (issued_at or dt.datetime.now(dt.UTC)).replace(second=0, microsecond=0)
    ctx = print_context(act_record, kind, copy_number=copy_number, centre=centre,
                        issued_at=issued_at, officer=officer, requester=requester,
                        receipt_number=receipt_number, fee=fee, lang=template.language,
                        paid_for=paid_for)
    layout = printed_layout(template, ctx, calibration)
    if signer is not None:
        seal = _seal(act_record, kind, ctx, layout, issued_at)
        ctx = PrintContext(ctx.event_type, ctx.data, ctx.computed, ctx.mentions, ctx.copy_number,
                           qr_text=seal_text(seal, signer, centre.code if centre else None))
    pdf = render(template, ctx, strict=strict, calibration=calibration, title=template.name).pdf
    return attach_layout(pdf, layout)


@dataclass(frozen=True)
class SampleAct:
    """An act for previews and tests, shaped like ``ActRecord``."""

    event_type: str
    data: Mapping[str, Any]
    niu: str | None = None
    register_number: str = ""
    registered_on: dt.date | None = None
    timeliness: str | None = "current"
    mentions: Sequence[Any] = ()


def load_signer(keys_dir: Path | None, passphrase: bytes | str | None = None
                ) -> tuple[Signer | None, str | None]:
    """The centre's signing identity from its keys folder, or why there is none.

    A centre not enrolled yet still prints copies, without a verification code;
    the second value says so, for the caller to show.
    """
    if keys_dir is None:
        return None, tr("No keys folder: the copy has no verification code")
    from common.pki.centre import load_centre_identity

    try:
        return load_centre_identity(keys_dir, passphrase), None
    except UserError as exc:
        return None, tr("The copy has no verification code: {why}", why=exc.message)


def issued_copy_pdf(session: Any, issued: Any, *, signer: Signer | None = None,
                    template: Template | None = None,
                    calibration: Calibration = NO_CALIBRATION, receipt: bool = False,
                    act: Any = None) -> bytes:
    """The PDF of a copy just issued by ``session.copies.issue`` (``CopyIssued``).

    ``session`` is an ``ecr_tk.services.Session`` (read: ``acts.show``, ``centre``,
    ``user``); the copy number, receipt, fee and requester come from ``issued``,
    so a second copy prints DUPLICATA.  Pass the centre's template for the event
    and kind when it has one (``TemplateStore.find``), else the default is used.
    With ``receipt=True`` the receipt for the copy is printed instead.  ``act`` is
    the act already read for this copy, if the caller has it (each read is logged).
    """
    if act is None:
        act = session.acts.show(issued.niu)
    centre = CentreInfo(code=str(getattr(session.centre, "code", "")),
                        name=str(getattr(session.centre, "name", "")),
                        locality=str(getattr(session.centre, "name", "")))
    return render_copy(
        act, "receipt" if receipt else issued.kind, template, issued.copy_number, signer,
        centre=centre, issued_at=issued.issued_at, officer=str(getattr(session.user, "name", "")),
        requester=str(issued.requester), receipt_number=str(issued.receipt_number),
        fee=(issued.fee, str(issued.currency)), calibration=calibration, paid_for=issued.kind)


def write_pdf(path: Path, pdf: bytes) -> None:
    """Write a PDF whole or not at all (a half-written copy must never be printed)."""
    try:
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(pdf)
        tmp.replace(path)
    except OSError as exc:
        raise PrintError(tr("Cannot write {path}: {why}", path=str(path),
                            why=exc.strerror or str(exc)), field="out",
                         rule="unwritable") from None
