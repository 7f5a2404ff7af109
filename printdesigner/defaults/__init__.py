"""The default documents of every event: full copy, extracts, receipt, register page.

Each is a hand-designed frame (the republic's header, the centre, the act number,
the title, the margin for mentions, the signature and seal areas, the QR code)
around a body generated from the event's sections by ``flow.py``.  They are the
starting point a ministry adapts in the designer; they are in French, the
documents' default language, and carry their texts in the template itself so an
adapted copy needs no programmer.
"""

from __future__ import annotations

import dataclasses
import io
from functools import cache

from common.acts.dictionary import EVENTS
from common.acts.model import EventType, Field, Group, Kind
from common.i18n import translator, using_language
from printdesigner.defaults.flow import (
    Area,
    Flow,
    Item,
    every_leaf,
    identity_leaf,
    section_items,
)
from printdesigner.model import (
    Asset,
    Box,
    ComputedField,
    DataField,
    Image,
    Line,
    Page,
    PageSize,
    Paragraph,
    QrCode,
    StaticText,
    Template,
    TextStyle,
    Watermark,
)

tr = translator("print")

DOCUMENT_KINDS = ("full", "extract", "extract_filiation", "receipt", "register_page")
EMBLEM = "emblem"
QR_MM = 34.0

_SMALL = TextStyle(font="sans", size=7, fit="shrink", min_size=4.5)
_SMALL_CENTRE = dataclasses.replace(_SMALL, align="center")
_HEAD = TextStyle(font="serif", size=10.5, bold=True, align="center", fit="shrink", min_size=6)
_MOTTO = TextStyle(font="serif", size=8, italic=True, align="center", fit="shrink", min_size=5)
_CENTRE = TextStyle(font="serif", size=8.5, align="center", fit="shrink", min_size=5)
_RIGHT = TextStyle(font="sans", size=8.5, align="right", fit="shrink", min_size=5)
_RIGHT_BOLD = dataclasses.replace(_RIGHT, bold=True, size=10)
_TITLE = TextStyle(font="serif", size=14, bold=True, align="center", valign="middle",
                   fit="wrap_shrink", min_size=8)
_INTRO = TextStyle(font="serif", size=8.5, italic=True, align="center", fit="wrap_shrink",
                   min_size=5)
_BODY = TextStyle(font="serif", size=8.5, align="justify", fit="wrap_shrink", min_size=5)
_MENTIONS = TextStyle(font="serif", size=7.2, fit="wrap_shrink", min_size=3.5, line_spacing=1.1)


def has_filiation(event: EventType) -> bool:
    """Whether the event records parents, so that an extract "with filiation" makes sense."""
    return any(p for p in (event.mother_path, event.father_path, event.parents_path)
               if p and p != event.principal_person)


def kinds_for(event: EventType) -> tuple[str, ...]:
    return tuple(k for k in DOCUMENT_KINDS if k != "extract_filiation" or has_filiation(event))


@cache
def emblem_png() -> bytes:
    """A neutral emblem standing for the national coat of arms, to be replaced in the designer."""
    from PIL import Image as PilImage
    from PIL import ImageDraw

    size = 240
    img = PilImage.new("RGBA", (size, size), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((6, 6, size - 6, size - 6), outline=(40, 40, 40, 255), width=8)
    d.ellipse((30, 30, size - 30, size - 30), outline=(40, 40, 40, 255), width=3)
    c, r1, r2 = size / 2, 80, 32
    import math

    star = [(c + (r1 if i % 2 == 0 else r2) * math.sin(i * math.pi / 5),
             c - (r1 if i % 2 == 0 else r2) * math.cos(i * math.pi / 5)) for i in range(10)]
    d.polygon(star, fill=(40, 40, 40, 255))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _title(kind: str, event: EventType, lang: str) -> str:
    label = event.label(lang).lower()
    titles = {
        "full": tr("FULL COPY OF THE {event} CERTIFICATE", event=label.upper()),
        "extract": tr("EXTRACT OF THE {event} CERTIFICATE", event=label.upper()),
        "extract_filiation": tr("EXTRACT WITH FILIATION OF THE {event} CERTIFICATE",
                                event=label.upper()),
        "receipt": tr("RECEIPT FOR A COPY OF A {event} CERTIFICATE", event=label.upper()),
        "register_page": tr("REGISTER OF {event} CERTIFICATES", event=label.upper()),
    }
    return titles[kind]


def _header(title: str, *, right: bool = True) -> list[object]:
    """The republic's header, the centre, the act's numbers and the title (page 1)."""
    els: list[object] = [
        ComputedField("country", 10, 9, 80, 5, name="country_name", format="upper", style=_HEAD),
        StaticText("motto", 10, 14.5, 80, 4, text=tr("Unity – Work – Progress"), style=_MOTTO),
        Line("motto-rule", 40, 19.5, 20, 0, thickness=0.3),
        ComputedField("area", 10, 21, 80, 4, name="centre_area", style=_CENTRE),
        # The centre's name is its full designation, as the officer wrote it ("Centre
        # d'état civil de Thiès", "Mairie de Dakar-Plateau"); no document adds words
        # before it (a prefix printed "Centre d'état civil de Centre d'état civil de …").
        ComputedField("centre", 10, 25.5, 80, 4.5, name="centre_name",
                      style=dataclasses.replace(_CENTRE, bold=True)),
        Image("arms", 95, 8, 20, 20, asset=EMBLEM),
    ]
    if right:
        els += [
            ComputedField("register-number", 125, 9, 75, 5.5, name="register_number",
                          prefix=tr("Certificate no.") + " ", style=_RIGHT_BOLD),
            ComputedField("niu", 125, 15.5, 75, 4.5, name="niu", prefix="NIU ",
                          style=dataclasses.replace(_RIGHT, font="mono")),
            ComputedField("year", 125, 20.5, 75, 4.5, name="register_year",
                          prefix=tr("Year") + " ", style=_RIGHT),
        ]
    els += [
        StaticText("title", 10, 33, 190, 10, text=title, style=_TITLE),
        Paragraph("intro", 30, 43.5, 150, 8,
                  text=tr("Drawn up on {date}, entered in the civil registers of: {centre}",
                          date="{@registered_on|date_words_bare}",
                          centre="{@registration_centre}"),
                  style=_INTRO),
        Line("header-rule", 10, 53, 190, 0, thickness=0.5),
    ]
    return els


def _margin(top: float, bottom: float, suffix: str = "") -> list[object]:
    """The left margin where marginal mentions are written, as in the register."""
    return [
        StaticText(f"mentions-title{suffix}", 10, top, 40, 5, text=tr("MARGINAL MENTIONS"),
                   style=dataclasses.replace(_SMALL_CENTRE, bold=True)),
        ComputedField(f"mentions{suffix}", 11, top + 6, 38, bottom - top - 7, name="mentions",
                      empty=tr("None"), style=_MENTIONS),
        Line(f"margin-rule{suffix}", 52, top, 0, bottom - top, thickness=0.3),
    ]


def _continuation_header(page: int, title: str) -> list[object]:
    return [
        StaticText(f"title-p{page}", 10, 9, 120, 6, text=title,
                   style=dataclasses.replace(_TITLE, size=9, align="left")),
        ComputedField(f"register-number-p{page}", 130, 9, 70, 5, name="register_number",
                      prefix=tr("Certificate no.") + " ", style=_RIGHT_BOLD),
        ComputedField(f"niu-p{page}", 130, 14.5, 70, 4.5, name="niu", prefix="NIU ",
                      style=dataclasses.replace(_RIGHT, font="mono")),
        Line(f"header-rule-p{page}", 10, 20.5, 190, 0, thickness=0.5),
    ]


def _page_number(page: int) -> Paragraph:
    return Paragraph(f"page-number-p{page}", 150, 289, 50, 4,
                     text=tr("Page {number} of {count}", number="{@page_number}",
                             count="{@page_count}"),
                     style=dataclasses.replace(_SMALL, align="right"))


def _footer(kind: str, y: float) -> list[object]:
    """Certification sentence, officer, signature and seal areas, QR code."""
    sentence = tr("Certified true copy of the register") if kind == "full" else \
        tr("Certified true extract of the register")
    return [
        Paragraph("certification", 54, y, 146, 9,
                  text=sentence + ". " + tr("Issued at {place}, on {date}.",
                                            place="{@issuance_place}",
                                            date="{@issuance_date|date_words_bare}"),
                  style=_BODY),
        QrCode("qr", 54, y + 11, QR_MM, QR_MM),
        StaticText("qr-caption", 54, y + 11 + QR_MM, QR_MM, 3.5,
                   text=tr("Verification code"), style=_SMALL_CENTRE),
        Box("seal", 100, y + 13, 32, 32, thickness=0.25, color="#808080", radius=16),
        StaticText("seal-caption", 100, y + 27, 32, 4, text=tr("Seal"),
                   style=dataclasses.replace(_SMALL_CENTRE, color="#808080")),
        StaticText("officer-title", 140, y + 11, 60, 4,
                   text=tr("The civil registration officer"),
                   style=dataclasses.replace(_SMALL_CENTRE, size=7.5, bold=True)),
        ComputedField("officer", 140, y + 15.5, 60, 4.5, name="officer",
                      style=dataclasses.replace(_CENTRE, size=8.5)),
        Box("signature", 140, y + 21, 60, 22, thickness=0.25, color="#808080"),
        StaticText("signature-caption", 140, y + 39, 60, 3.5, text=tr("Signature"),
                   style=dataclasses.replace(_SMALL_CENTRE, color="#808080")),
        ComputedField("copy-number", 10, 289, 60, 4, name="copy_number",
                      prefix=tr("Copy no.") + " ", style=_SMALL),
    ]


def _body(event: EventType, kind: str, lang: str) -> list[Item]:
    principal_top = event.principal_person.split(".")[0]
    family = {p.split(".")[0] for p in (event.mother_path, event.father_path, event.parents_path)
              if p and p != event.principal_person}
    items: list[Item] = []
    for index, section in enumerate(event.sections):
        if kind in ("full", "register_page"):
            items += section_items(event, section, lang, every_leaf)
            continue
        wanted = index == 0 or principal_top in section.members or (
            kind == "extract_filiation" and family & set(section.members))
        if wanted:
            items += section_items(event, section, lang, identity_leaf)
    return items


def _act_document(event: EventType, kind: str, lang: str) -> list[Page]:
    title = _title(kind, event, lang)
    register = kind == "register_page"
    body_x = 54.0
    bottom = 246 if register else 236
    flow = Flow(Area(body_x, 56, 146, bottom), Area(body_x, 24, 146, bottom))
    for item in _body(event, kind, lang):
        flow.add(item)
    flow.close()
    pages: list[list[object]] = []
    for number, elements in enumerate(flow.pages, start=1):
        frame = _header(title) if number == 1 else _continuation_header(number, title)
        top = 56 if number == 1 else 24
        frame += _margin(top, 246 if register else 236, "" if number == 1 else f"-p{number}")
        pages.append(frame + elements + [_page_number(number)])
    if register:
        pages[-1] += _register_signatures()
    else:
        pages[-1] += _footer(kind, 240)
    return [Page(tuple(p)) for p in pages]  # type: ignore[arg-type]


def _register_signatures() -> list[object]:
    boxes = []
    for i, (key, label) in enumerate((("declarant", tr("Signature of the declarant")),
                                      ("witness", tr("Signature of the witnesses")),
                                      ("officer", tr("Signature of the officer")))):
        x = 54 + i * 49
        boxes += [StaticText(f"sign-{key}-caption", x, 250, 47, 4, text=label,
                             style=dataclasses.replace(_SMALL_CENTRE, bold=True)),
                  Box(f"sign-{key}", x, 255, 47, 30, thickness=0.25, color="#808080")]
    boxes.append(ComputedField("officer", 152, 285.5, 47, 3.5, name="officer",
                               style=_SMALL_CENTRE))
    return boxes


def _receipt(event: EventType, lang: str) -> list[Page]:
    title = _title("receipt", event, lang)
    principal = event.principal_person.split(".")[0]
    node = event.root.child(principal)
    name_paths = []
    if isinstance(node, Group):
        suffix = "[]" if node.repeated else ""
        name_paths = [(f.label(lang), f"{principal}{suffix}.{f.name}") for f in node.children
                      if isinstance(f, Field) and f.kind is Kind.NAME]
    rows: list[tuple[str, object]] = [
        (tr("Receipt no."), ("receipt_number", "auto")),
        (tr("Date"), ("issuance_date", "date_long")),
        (tr("Requester"), ("requester", "auto")),
        (tr("Document issued"), ("copy_kind", "auto")),
        ("NIU", ("niu", "auto")),
        (tr("Certificate no."), ("register_number", "auto")),
        *[(label, path) for label, path in name_paths],
        (tr("Amount paid"), ("fee", "auto")),
    ]
    els: list[object] = [
        ComputedField("country", 10, 8, 90, 5, name="country_name", format="upper",
                      style=_HEAD),
        ComputedField("centre", 10, 13.5, 90, 4.5, name="centre_name", style=_CENTRE),
        Image("arms", 100, 6, 14, 14, asset=EMBLEM),
        StaticText("title", 10, 22, 190, 9, text=title, style=dataclasses.replace(_TITLE,
                                                                               size=12)),
        Line("header-rule", 10, 32, 190, 0, thickness=0.4),
    ]
    y = 36.0
    for i, (label, source) in enumerate(rows):
        els.append(StaticText(f"label-{i}", 14, y, 40, 5, text=f"{label} :",
                              style=dataclasses.replace(_SMALL, size=8)))
        style = TextStyle(font="serif", size=9.5, bold=True, fit="wrap_shrink", min_size=5)
        if isinstance(source, tuple):
            els.append(ComputedField(f"value-{i}", 56, y, 100, 5, name=source[0],
                                     format=source[1], style=style))
        else:
            els.append(DataField(f"value-{i}", 56, y, 100, 5, path=str(source), format="auto",
                                 style=style, separator=" / "))
        y += 6.5
    els += [
        QrCode("qr", 165, 36, QR_MM, QR_MM),
        StaticText("officer-title", 130, y + 2, 70, 4, text=tr("The civil registration officer"),
                   style=dataclasses.replace(_SMALL_CENTRE, bold=True)),
        ComputedField("officer", 130, y + 6.5, 70, 4.5, name="officer", style=_CENTRE),
        Box("signature", 145, y + 11.5, 40, 18, thickness=0.25, color="#808080"),
    ]
    return [Page(tuple(els))]  # type: ignore[arg-type]


def default_template(event_type: str, kind: str, lang: str = "fr") -> Template:
    """The default document ``kind`` of ``event_type``, generated from the dictionary."""
    event = EVENTS[event_type]
    if kind not in kinds_for(event):
        raise KeyError(f"{event_type} has no default {kind} document")
    with using_language(lang):
        pages = _receipt(event, lang) if kind == "receipt" else _act_document(event, kind, lang)
        name = _title(kind, event, lang).capitalize()
    page = PageSize("A5", "landscape") if kind == "receipt" else PageSize("A4")
    return Template(
        key=f"{event_type}.{kind}", name=name, event_type=event_type, kind=kind, language=lang,
        page=page, pages=tuple(pages),
        watermark=None if kind in ("receipt", "register_page") else Watermark(
            text=_duplicate_word(lang), from_copy=2),
        assets={EMBLEM: Asset("image/png", emblem_png())},
        description=_description(kind, lang),
    )


def _duplicate_word(lang: str) -> str:
    with using_language(lang):
        return tr("DUPLICATE")


def _description(kind: str, lang: str) -> str:
    with using_language(lang):
        return tr("Default document generated from the data dictionary ({kind}); adapt it in "
                  "the designer.", kind=kind)


def default_templates(lang: str = "fr") -> list[Template]:
    """Every default document of every event."""
    return [default_template(key, kind, lang) for key, event in EVENTS.items()
            for kind in kinds_for(event)]
