"""Printing a copy of an act: the one entry point ``ecr copy issue --out`` and the GUI call.

``render_copy`` takes the act as the centre's services return it (``ActRecord``:
event type, data, NIU, register number, mentions…), the kind of document and the
copy number, fills the computed values, signs the verification QR code with the
centre's key when a signer is given, and returns the PDF bytes.  It reads no
database and writes no file: the caller decides where the bytes go.

A signed copy is printed from the values its code carries, read back from the
very bytes that are signed (``certified.py``), with the template read back from
the bytes the PDF carries: what the paper shows is, by construction, what a
verifier recomputes.  If the round trip would change a printed value, the copy
is refused rather than printed with a code that disagrees with it.
"""

from __future__ import annotations

import dataclasses
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
from printdesigner.certified import (
    CentreInfo,
    CertifiedCopy,
    Header,
    certify,
    kind_label,
    says_where_held,
    template_bytes,
    template_from_bytes,
)
from printdesigner.defaults import default_template, kinds_for
from printdesigner.errors import PrintError
from printdesigner.formats import format_value
from printdesigner.model import QrCode, Template, normal_kind
from printdesigner.qr import Signer, qr_side_needed_mm, sign_code, signer_centre_code
from printdesigner.readback import attach_template
from printdesigner.render import NO_CALIBRATION, Calibration, printed_layout, render

tr = translator("print")


_NUMBER_SIGN = re.compile(r"^\s*(n°|no\.?|nº)\s*", re.IGNORECASE)


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
                  paid_for: str | None = None, holding: CentreInfo | None = None
                  ) -> PrintContext:
    """The values a document of ``act`` shows besides the act's own data.

    ``holding``: the centre that holds the act when another centre issues the
    copy (from the SCEC's answer); ``registration_centre`` then names it.
    """
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
            "registration_centre": holding.name if holding else centre.name,
            "centre_area": centre.area,
            "country_name": centre.country_name,
            "receipt_number": receipt_number,
            "fee": fee,
            "requester": requester,
            "copy_kind": kind_label(normal_kind(paid_for or kind)),
            "principal_names": " / ".join(p.full_name for p in principal),
            "document_title": "",
        }
        mentions = tuple(_mention_text(m) for m in getattr(act, "mentions", ()) or ())
    return PrintContext(act.event_type, act.data, computed, mentions, copy_number)


def context_of(certified: CertifiedCopy, template: Template,
               qr_text: str | None = None) -> PrintContext:
    """The print context of a copy rebuilt from its certified values alone."""
    act = SampleAct(certified.act.event_type, certified.act.data, niu=certified.act.niu,
                    register_number=certified.act.register_number or "",
                    registered_on=certified.act.registered_on,
                    timeliness=certified.act.timeliness, mentions=certified.mentions)
    ctx = print_context(act, certified.kind, copy_number=certified.copy_number,
                        centre=certified.centre, issued_at=certified.issued_at,
                        officer=certified.officer, requester=certified.requester,
                        receipt_number=certified.receipt_number, fee=certified.fee,
                        lang=template.language, paid_for=certified.paid_for,
                        holding=CentreInfo(code=certified.act.centre_code or "",
                                           name=certified.holding_centre)
                        if certified.holding_centre else None)
    return dataclasses.replace(ctx, qr_text=qr_text)


def _first_difference(expected: dict[str, Any], got: dict[str, Any]) -> str:
    want, have = dict(expected["values"]), dict(got["values"])
    for key in want:
        if want[key] != have.get(key):
            return str(want[key]["t"])
    return ""


def _signed(act: Any, kind: str, template: Template, ctx: PrintContext, signer: Signer,
            details: dict[str, Any]) -> tuple[CertifiedCopy, str]:
    """The copy's certified values as read back from its code, and the code's text.

    ``details``: ``certify``'s keyword arguments besides the act and the template.
    """
    content = certify(act, kind, template, mentions=ctx.mentions, **details).to_bytes()
    decoded = CertifiedCopy.open(Header.read(content)[0], details["centre"].code)
    # Every printed value must survive the trip through the code, or the copy is refused.
    expected = printed_layout(template, ctx, decoded.calibration)
    got = printed_layout(template, context_of(decoded, template), decoded.calibration)
    if expected != got:
        raise PrintError(tr("This copy cannot be certified: its code would not carry "
                            "{value} exactly as printed", value=_first_difference(expected, got)),
                         field="qr", rule="not_certifiable")
    text = sign_code(content, signer)
    needed = qr_side_needed_mm(text)
    for _, element in template.elements():
        if isinstance(element, QrCode) and min(element.width, element.height) < needed:
            raise PrintError(tr("The verification code of this copy needs a QR code of at least "
                                "{mm} mm: enlarge it in the template", mm=round(needed + 0.5)),
                             field=element.id, rule="qr_too_small")
    return decoded, text


def render_copy(act_record: Any, kind: str, template: Template | None = None,
                copy_number: int = 1, signer: Signer | None = None, *,
                centre: CentreInfo | None = None, issued_at: dt.datetime | None = None,
                officer: str = "", requester: str = "", receipt_number: str = "",
                fee: tuple[Decimal, str] | None = None, calibration: Calibration = NO_CALIBRATION,
                strict: bool = False, paid_for: str | None = None,
                holding: CentreInfo | None = None) -> bytes:
    """The PDF of a copy of ``act_record`` (``ecr_tk.services`` ``ActRecord`` or alike).

    ``kind``: ``full``, ``extract``, ``extract_filiation`` (``extract-filiation``),
    ``receipt`` (``paid_for``: the kind of copy paid for) or ``register_page``.
    Without ``template`` the default document of
    the event is used.  With ``signer`` (the centre's ``CentreIdentity``) the QR
    code is signed (and the centre code printed is its certificate's), and the
    PDF carries the template (``readback.attach_template``); an act without NIU
    (not verified yet) cannot be certified.  ``holding``: the centre that holds
    the act when it is not the issuer (a copy of an act registered elsewhere,
    from the SCEC's answer); the template must print ``registration_centre``.
    """
    kind = normal_kind(kind)
    paid_for = normal_kind(paid_for) if paid_for else None
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
    centre = centre or CentreInfo()
    if signer is not None:
        centre = dataclasses.replace(centre, code=signer_centre_code(signer))
    if holding is not None and (not holding.code or holding.code == centre.code):
        holding = None  # the issuer's own act
    if holding is not None and not says_where_held(template):
        raise PrintError(tr("This document does not say which centre holds the act: a copy "
                            "of an act of another centre needs a template that prints the "
                            "registration centre"), field="template", rule="no_holding_centre")
    details: dict[str, Any] = dict(copy_number=copy_number, centre=centre, issued_at=issued_at,
                                   officer=officer, requester=requester,
                                   receipt_number=receipt_number, fee=fee, paid_for=paid_for,
                                   holding=holding)
    ctx = print_context(act_record, kind, lang=template.language, **details)
    if signer is None or not any(isinstance(e, QrCode) for _, e in template.elements()):
        return render(template, ctx, strict=strict, calibration=calibration,
                      title=template.name).pdf
    carried = template_bytes(template)
    template = template_from_bytes(carried)  # exactly what a verifier will read
    certified, text = _signed(act_record, kind, template, ctx, signer,
                              dict(details, calibration=calibration))
    pdf = render(template, context_of(certified, template, text), strict=strict,
                 calibration=certified.calibration, title=template.name).pdf
    return attach_template(pdf, carried)


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
        act = (session.copies.national_act_of(issued)
               if getattr(issued, "holding_centre", None) else session.acts.show(issued.niu))
    place = session.settings.place()
    centre = CentreInfo(code=str(getattr(session.centre, "code", "")),
                        name=str(getattr(session.centre, "name", "")),
                        area=place["area_name"], locality=place["locality"],
                        country_name=place["country_name"])
    holding = None
    if getattr(issued, "holding_centre", None) and not receipt:
        holding = CentreInfo(code=str(issued.holding_centre),
                             name=str(issued.holding_centre_name or issued.holding_centre))
    return render_copy(
        act, "receipt" if receipt else issued.kind, template, issued.copy_number, signer,
        centre=centre, issued_at=issued.issued_at, officer=str(getattr(session.user, "name", "")),
        requester=str(issued.requester), receipt_number=str(issued.receipt_number),
        fee=(issued.fee, str(issued.currency)), calibration=calibration, paid_for=issued.kind,
        holding=holding)


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
