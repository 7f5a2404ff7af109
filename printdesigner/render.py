"""Template + act → PDF, with reportlab.

The renderer draws each element of each page where the template puts it.  Text
is fitted into its box (``text.fit``); when a value still does not fit at the
smallest size, the element is drawn anyway at that size and an issue is reported
in the result, and ``strict=True`` refuses instead: a copy is never printed with
a name silently cut.  In pre-printed mode only the data is drawn (fields,
computed values, paragraphs, the QR code): the paper already carries the rest.
The printer calibration offset of the workstation shifts everything drawn.

This module never fetches an act nor signs anything: it gets a ``PrintContext``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from common.i18n import translator, using_language
from printdesigner.binding import PrintContext, computed_text, field_text, paragraph_text
from printdesigner.errors import RenderError
from printdesigner.model import (
    AnyElement,
    Box,
    ComputedField,
    DataField,
    Image,
    Line,
    Paragraph,
    QrCode,
    StaticText,
    Template,
    TextStyle,
)
from printdesigner.text import Font, draw_fitted, fit

tr = translator("print")

DATA_TYPES = ("field", "computed", "paragraph", "qr")


@dataclass(frozen=True)
class Calibration:
    """A workstation's printer offset in mm (positive: right and down)."""

    dx_mm: float = 0.0
    dy_mm: float = 0.0


NO_CALIBRATION = Calibration()


@dataclass(frozen=True)
class RenderIssue:
    page: int
    element_id: str
    rule: str
    message: str


@dataclass(frozen=True)
class RenderedDocument:
    pdf: bytes
    pages: int
    issues: tuple[RenderIssue, ...]


def hex_rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


class _PageDrawer:
    def __init__(self, canvas: Canvas, template: Template, ctx: PrintContext, page: int,
                 calibration: Calibration) -> None:
        self.c = canvas
        self.t = template
        self.ctx = ctx
        self.page = page
        self.width_mm, self.height_mm = template.page.dimensions()
        self.cal = calibration
        self.issues: list[RenderIssue] = []

    # mm from the top-left → points from the bottom-left
    def px(self, x_mm: float) -> float:
        return (x_mm + self.cal.dx_mm) * mm

    def py(self, y_mm: float) -> float:
        return (self.height_mm - y_mm - self.cal.dy_mm) * mm

    def draw(self, element: AnyElement) -> None:
        if isinstance(element, StaticText):
            self.text(element, element.text, element.style)
        elif isinstance(element, DataField):
            value = field_text(self.ctx, element.path, element.format, element.separator)
            value = f"{element.prefix}{value}{element.suffix}" if value else element.empty
            self.text(element, value, element.style)
        elif isinstance(element, ComputedField):
            value = computed_text(self.ctx, element.name, element.format, page=self.page + 1,
                                  pages=len(self.t.pages))
            value = f"{element.prefix}{value}{element.suffix}" if value else element.empty
            self.text(element, value, element.style)
        elif isinstance(element, Paragraph):
            self.text(element, paragraph_text(self.ctx, element.text, page=self.page + 1,
                                              pages=len(self.t.pages)), element.style)
        elif isinstance(element, Line):
            self.line(element)
        elif isinstance(element, Box):
            self.box(element)
        elif isinstance(element, Image):
            self.image(element)
        elif isinstance(element, QrCode):
            self.qr(element)

    def text(self, element: AnyElement, value: str, style: TextStyle) -> None:
        if not value.strip():
            return
        font = Font(style.font, style.bold, style.italic)
        width, height = element.width * mm, element.height * mm
        fitted = fit(value, font, style.size, style.min_size, width, height, how=style.fit,
                     line_spacing=style.line_spacing)
        if fitted.overflow:
            self.issues.append(RenderIssue(
                self.page, element.id, "overflow",
                tr("The text of {id} does not fit its box even at {size} pt: enlarge the box",
                   id=element.id, size=fitted.size)))
        draw_fitted(self.c, fitted, font, self.px(element.x), self.py(element.y), width, height,
                    align=style.align, valign=style.valign, color=hex_rgb(style.color))

    def line(self, e: Line) -> None:
        self.c.setStrokeColorRGB(*hex_rgb(e.color))
        self.c.setLineWidth(e.thickness * mm)
        self.c.setDash(3, 2) if e.dash else self.c.setDash()
        self.c.line(self.px(e.x), self.py(e.y), self.px(e.x + e.width), self.py(e.y + e.height))
        self.c.setDash()

    def box(self, e: Box) -> None:
        self.c.setLineWidth(e.thickness * mm)
        self.c.setStrokeColorRGB(*hex_rgb(e.color))
        if e.fill:
            self.c.setFillColorRGB(*hex_rgb(e.fill))
        x, y, w, h = self.px(e.x), self.py(e.y + e.height), e.width * mm, e.height * mm
        stroke = 1 if e.thickness > 0 else 0
        if e.radius:
            self.c.roundRect(x, y, w, h, e.radius * mm, stroke=stroke, fill=1 if e.fill else 0)
        else:
            self.c.rect(x, y, w, h, stroke=stroke, fill=1 if e.fill else 0)

    def image(self, e: Image) -> None:
        asset = self.t.assets.get(e.asset)
        if asset is None:
            raise RenderError(tr("Image {name} is not among the template's assets", name=e.asset),
                              field=e.id, rule="unknown_asset")
        self.c.drawImage(ImageReader(io.BytesIO(asset.data)), self.px(e.x),
                         self.py(e.y + e.height), e.width * mm, e.height * mm,
                         preserveAspectRatio=e.keep_ratio, anchor="c", mask="auto")

    def qr(self, e: QrCode) -> None:
        if not self.ctx.qr_text:
            self.issues.append(RenderIssue(self.page, e.id, "no_qr",
                                           tr("No verification code was given for {id}",
                                              id=e.id)))
            return
        side = min(e.width, e.height) * mm
        widget = _qr_widget(self.ctx.qr_text)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.c, self.px(e.x), self.py(e.y) - side)

    def watermark(self) -> None:
        w = self.t.watermark
        if w is None or self.ctx.copy_number < w.from_copy:
            return
        self.c.saveState()
        self.c.setFillColorRGB(w.gray, w.gray, w.gray)
        self.c.translate(self.width_mm * mm / 2, self.height_mm * mm / 2)
        self.c.rotate(w.angle)
        font = Font("sans", True, False)
        fitted = fit(w.text, font, w.size, 8, self.width_mm * mm, w.size * 1.5, how="shrink")
        draw_fitted(self.c, fitted, font, -self.width_mm * mm / 2, fitted.size / 2,
                    self.width_mm * mm, fitted.size * 1.5, align="center",
                    color=(w.gray, w.gray, w.gray))
        self.c.restoreState()

    def background(self) -> None:
        bg = self.t.background
        if bg is None or not bg.printed or bg.asset not in self.t.assets:
            return
        asset = self.t.assets[bg.asset]
        self.c.drawImage(ImageReader(io.BytesIO(asset.data)), self.px(0), self.py(self.height_mm),
                         self.width_mm * mm, self.height_mm * mm, preserveAspectRatio=False)


#: Quiet zone drawn around a QR code, in modules (inside the element's square).
QR_BORDER_MODULES = 2


def _qr_widget(text: str) -> QrCodeWidget:
    return QrCodeWidget(text, barLevel="M", barBorder=QR_BORDER_MODULES)


def qr_modules(text: str) -> int:
    """How many modules a side of the QR code of ``text`` has, as drawn here."""
    widget = _qr_widget(text)
    widget.getBounds()  # encodes
    return int(widget.qr.getModuleCount())


def render(template: Template, ctx: PrintContext, *, calibration: Calibration = NO_CALIBRATION,
           strict: bool = False, title: str | None = None) -> RenderedDocument:
    """Draw ``template`` filled with ``ctx`` into a PDF (in the template's language)."""
    out = io.BytesIO()
    width_mm, height_mm = template.page.dimensions()
    canvas = Canvas(out, pagesize=(width_mm * mm, height_mm * mm), pageCompression=1)
    canvas.setTitle(title or template.name)
    canvas.setCreator("ECR print designer")
    issues: list[RenderIssue] = []
    with using_language(template.language):
        for index, page in enumerate(template.pages):
            drawer = _PageDrawer(canvas, template, ctx, index, calibration)
            drawer.background()
            drawer.watermark()
            for element in page.elements:
                if template.mode == "preprinted" and element.type not in DATA_TYPES:
                    continue
                drawer.draw(element)
            issues.extend(drawer.issues)
            canvas.showPage()
    if strict and issues:
        first = issues[0]
        raise RenderError(first.message, field=first.element_id, rule=first.rule)
    canvas.save()
    return RenderedDocument(out.getvalue(), len(template.pages), tuple(issues))


def printed_layout(template: Template, ctx: PrintContext,
                   calibration: Calibration = NO_CALIBRATION) -> dict[str, object]:
    """Every data element's page, box (mm, calibration applied) and printed text.

    This is what the QR code's digest covers and what the copy's PDF carries, so a
    verifier can check each value where it stands on the page.
    """
    values: dict[str, object] = {}
    pages = len(template.pages)
    with using_language(template.language):
        for index, element in template.elements():
            if template.mode == "preprinted" and element.type not in DATA_TYPES:
                continue
            if isinstance(element, DataField):
                value = field_text(ctx, element.path, element.format, element.separator)
                text = f"{element.prefix}{value}{element.suffix}" if value else element.empty
            elif isinstance(element, ComputedField):
                value = computed_text(ctx, element.name, element.format, page=index + 1,
                                      pages=pages)
                text = f"{element.prefix}{value}{element.suffix}" if value else element.empty
            elif isinstance(element, Paragraph):
                text = paragraph_text(ctx, element.text, page=index + 1, pages=pages)
            else:
                continue
            box = [round(element.x + calibration.dx_mm, 2), round(element.y + calibration.dy_mm, 2),
                   round(element.width, 2), round(element.height, 2)]
            values[element.id] = {"p": index, "b": box, "t": text}
    watermark = template.watermark
    shown = watermark is not None and ctx.copy_number >= watermark.from_copy
    return {"v": 1, "values": values, "watermark": watermark.text if shown else ""}
