"""The template model: a printed document as pages of positioned elements.

A template says *where* things go (millimetres from the top-left corner of the
page) and *what* they show (fixed text, a field of the act, a value the system
computes, lines, boxes, images, the verification QR code).  It never says how to
fetch an act or how to draw a PDF: ``schema.py`` reads and writes it as JSON,
``render.py`` draws it, the designer edits it.  Values are frozen: an edit makes
a new template, which is what gives the designer its undo for free.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

FORMAT_NAME = "ecr-print-template"
FORMAT_VERSION = 1

#: Named paper sizes in millimetres, portrait (width, height).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "A3": (297.0, 420.0),
    "Letter": (215.9, 279.4),
    "Legal": (215.9, 355.6),
}

FONTS = ("serif", "sans", "mono")
ALIGNS = ("left", "center", "right", "justify")
VALIGNS = ("top", "middle", "bottom")
FITS = ("wrap_shrink", "shrink", "wrap")
MODES = ("document", "preprinted")
KINDS = ("full", "extract", "extract_filiation", "receipt", "register_page", "other")
#: Other spellings of the kinds: the CLI's and the centre services' copy kinds.
KIND_ALIASES = {"extract-filiation": "extract_filiation", "register-page": "register_page",
                "extract_with_filiation": "extract_filiation",
                "extract_without_filiation": "extract"}


def normal_kind(kind: str) -> str:
    """A document kind of ``KINDS`` for any of its spellings (unknown ones unchanged)."""
    return KIND_ALIASES.get(kind, kind)
#: What a computed field can show (see ``binding.py`` for the meaning of each).
COMPUTED = (
    "niu", "register_number", "register_year", "event_label", "document_title",
    "mentions", "issuance_date", "issuance_place", "officer", "centre_name",
    "centre_code", "centre_area", "country_name", "copy_number", "receipt_number",
    "fee", "requester", "registered_on", "page_number", "page_count", "timeliness",
    "copy_kind", "principal_names", "registration_centre",
)  # fmt: skip
#: How a value is written (see ``formats.py``).
FORMATS = (
    "auto", "text", "upper", "title", "date_words", "date_words_bare", "date_long",
    "date_short", "time_words", "time", "number_words", "code_label", "country_name",
    "yes_no", "year_words",
)  # fmt: skip


@dataclass(frozen=True)
class TextStyle:
    """How text is set inside its box.

    ``fit`` decides what happens to a value longer than its box: ``wrap_shrink``
    wraps onto more lines and then reduces the size down to ``min_size``;
    ``shrink`` keeps one line and reduces the size; ``wrap`` only wraps.  Whatever
    still does not fit is reported by the renderer, never silently cut.
    """

    font: str = "serif"
    size: float = 10.0
    bold: bool = False
    italic: bool = False
    align: str = "left"
    valign: str = "top"
    color: str = "#000000"
    fit: str = "wrap_shrink"
    min_size: float = 5.0
    line_spacing: float = 1.2


@dataclass(frozen=True)
class Element:
    """What every element has: an id unique in the template and a frame in mm."""

    id: str
    x: float
    y: float
    width: float
    height: float

    type: str = field(default="", init=False, repr=False)

    def moved(self, dx: float, dy: float) -> Element:
        return dataclasses.replace(self, x=round(self.x + dx, 2), y=round(self.y + dy, 2))

    def resized(self, width: float, height: float) -> Element:
        return dataclasses.replace(self, width=round(width, 2), height=round(height, 2))


@dataclass(frozen=True)
class StaticText(Element):
    """Fixed words: titles, the republic's motto, labels ("Nom :")."""

    text: str = ""
    style: TextStyle = TextStyle()
    type: str = field(default="text", init=False)


@dataclass(frozen=True)
class DataField(Element):
    """One value of the act, by its dotted dictionary path (``mother.surname``).

    A path through a repeated group with ``[]`` (``witnesses[].surname``) prints
    every item's value joined with ``separator``.  ``empty`` is printed when the act
    has no value (a dash on a full copy, nothing on a pre-printed form).
    """

    path: str = ""
    format: str = "auto"
    style: TextStyle = TextStyle()
    empty: str = ""
    separator: str = ", "
    prefix: str = ""
    suffix: str = ""
    type: str = field(default="field", init=False)


@dataclass(frozen=True)
class ComputedField(Element):
    """A value the system supplies at printing: NIU, register number, mentions, officer…"""

    name: str = "niu"
    format: str = "auto"
    style: TextStyle = TextStyle()
    empty: str = ""
    prefix: str = ""
    suffix: str = ""
    type: str = field(default="computed", init=False)


@dataclass(frozen=True)
class Paragraph(Element):
    """Running text with placeholders: ``{child.surname|upper}``, ``{@niu}``.

    ``{path|format}`` is a field of the act, ``{@name|format}`` a computed value;
    ``{{`` and ``}}`` are literal braces.  This is how the body of an act is
    written in words ("L'an deux mille vingt-six, le …").
    """

    text: str = ""
    style: TextStyle = TextStyle()
    type: str = field(default="paragraph", init=False)


@dataclass(frozen=True)
class Line(Element):
    """A straight line from (x, y) to (x + width, y + height); width 0 is vertical."""

    thickness: float = 0.3
    color: str = "#000000"
    dash: bool = False
    type: str = field(default="line", init=False)


@dataclass(frozen=True)
class Box(Element):
    """A rectangle: a frame around a block, a signature or seal area, a shaded band."""

    thickness: float = 0.3
    color: str = "#000000"
    fill: str | None = None
    radius: float = 0.0
    type: str = field(default="box", init=False)


@dataclass(frozen=True)
class Image(Element):
    """A picture from the template's assets (coat of arms, logo), scaled into the frame."""

    asset: str = ""
    keep_ratio: bool = True
    type: str = field(default="image", init=False)


@dataclass(frozen=True)
class QrCode(Element):
    """The verification QR code (signed by the centre); square, drawn in the frame."""

    type: str = field(default="qr", init=False)


AnyElement = StaticText | DataField | ComputedField | Paragraph | Line | Box | Image | QrCode
ELEMENT_TYPES: dict[str, type[Element]] = {
    "text": StaticText, "field": DataField, "computed": ComputedField,
    "paragraph": Paragraph, "line": Line, "box": Box, "image": Image, "qr": QrCode,
}  # fmt: skip
TEXT_TYPES = ("text", "field", "computed", "paragraph")


@dataclass(frozen=True)
class PageSize:
    """``size`` is a name of ``PAPER_SIZES`` or ``custom`` (then width/height are given)."""

    size: str = "A4"
    orientation: Literal["portrait", "landscape"] = "portrait"
    width_mm: float | None = None
    height_mm: float | None = None

    def dimensions(self) -> tuple[float, float]:
        """(width, height) in mm, orientation applied."""
        if self.size == "custom":
            w, h = float(self.width_mm or 0), float(self.height_mm or 0)
            return (w, h)
        w, h = PAPER_SIZES[self.size]
        return (h, w) if self.orientation == "landscape" else (w, h)


@dataclass(frozen=True)
class Watermark:
    """Big faint text across each page from the ``from_copy``-th copy on ("DUPLICATA")."""

    text: str = "DUPLICATA"
    from_copy: int = 2
    size: float = 72.0
    angle: float = 45.0
    gray: float = 0.82


@dataclass(frozen=True)
class Background:
    """The scanned paper form, shown in the designer for placement, printed only if asked."""

    asset: str
    printed: bool = False


@dataclass(frozen=True)
class Asset:
    """An embedded file (PNG or JPEG), kept as bytes so a template file is self-contained."""

    media_type: str
    data: bytes


@dataclass(frozen=True)
class Page:
    elements: tuple[AnyElement, ...] = ()


@dataclass(frozen=True)
class Template:
    """A versioned document design; ``version`` grows by one at each save."""

    key: str
    name: str
    event_type: str | None = None
    kind: str = "other"
    language: str = "fr"
    mode: str = "document"
    version: int = 1
    page: PageSize = PageSize()
    pages: tuple[Page, ...] = (Page(),)
    watermark: Watermark | None = None
    background: Background | None = None
    assets: dict[str, Asset] = field(default_factory=dict)
    description: str = ""

    def elements(self) -> Iterator[tuple[int, AnyElement]]:
        """Every element with its page index, in drawing order."""
        for index, page in enumerate(self.pages):
            for element in page.elements:
                yield index, element

    def find(self, element_id: str) -> tuple[int, AnyElement] | None:
        for index, element in self.elements():
            if element.id == element_id:
                return index, element
        return None

    def with_page(self, index: int, page: Page) -> Template:
        pages = list(self.pages)
        pages[index] = page
        return dataclasses.replace(self, pages=tuple(pages))

    def replace_element(self, element: AnyElement) -> Template:
        """The same template with the element of the same id replaced."""
        found = self.find(element.id)
        if found is None:
            raise KeyError(element.id)
        index, _ = found
        page = self.pages[index]
        elements = tuple(element if e.id == element.id else e for e in page.elements)
        return self.with_page(index, Page(elements))

    def new_id(self, stem: str) -> str:
        """An element id not used yet: ``stem-1``, ``stem-2``…"""
        used = {e.id for _, e in self.elements()}
        n = 1
        while f"{stem}-{n}" in used:
            n += 1
        return f"{stem}-{n}"
