"""Does a PDF show what its code certifies?  Compared with the copy re-rendered from the code.

The verifier re-renders the copy from the values its QR code certifies, with the
template whose digest the code signs (``verification.py``), and compares what a
reader gets from the PDF it was shown:

* what a reader *sees*: every page rasterised by poppler (``pdftoppm``) and
  compared pixel by pixel with the genuine rendering;
* what a search, a copy-paste or a screen reader gets: the text layer
  (``pdftotext``), word by word;
* what some viewers show and others do not (annotations, form fields, scripts,
  optional content): refused outright, a genuine copy never has any.

Why compare with a rendering rather than look for overlays: a PDF can hide a
value in many ways (an image or a white box drawn over it, a clipping path, a
blend mode, white text, an annotation), and listing them is a race one loses;
a comparison with the genuine page catches them all at once.  The renderer and
the fonts are ECR's own (reportlab, DejaVu in ``printdesigner/fonts``), so a
genuine copy renders to the same pixels: the tolerance below only absorbs
anti-aliasing noise, far below what a legible change of a letter takes.

Each difference is named by the printed value whose box it falls in, else by
its place on the page.  This module reads nothing but the bytes it is given.
"""

from __future__ import annotations

import difflib
import io
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pypdf
from PIL import Image, ImageChops

from common.i18n import translator
from printdesigner.binding import PrintContext
from printdesigner.model import DataField, Template
from printdesigner.readback import run_poppler
from printdesigner.render import Calibration, printed_layout

tr = translator("print")

DPI = 150
#: A pixel differs when its grey level differs by more than this (of 255): text
#: lighter than that on white paper is barely visible.
PIXEL_DELTA = 32
#: Pixels are counted in tiles of TILE × TILE (0.68 mm at 150 dpi); a tile with at
#: least TILE_PIXELS differing pixels is a difference.
TILE = 4
TILE_PIXELS = 3
_MM_PER_PIXEL = 25.4 / DPI
MAX_REPORTED = 8


def differences(shown: bytes, genuine: bytes, template: Template, ctx: PrintContext,
                calibration: Calibration) -> list[str]:
    """What a reader of ``shown`` gets that ``genuine`` does not show; [] when nothing."""
    out = _extra_content(shown)
    shown_pages, genuine_pages = _rasters(shown), _rasters(genuine)
    if len(shown_pages) != len(genuine_pages):
        return [*out, tr("the PDF has {shown} pages, the genuine copy {genuine}",
                         shown=len(shown_pages), genuine=len(genuine_pages))]
    layout = printed_layout(template, ctx, calibration)["values"]
    assert isinstance(layout, Mapping)
    for page, (seen, expected) in enumerate(zip(shown_pages, genuine_pages, strict=True)):
        if seen.size != expected.size:
            out.append(tr("page {page} is not the size of the genuine copy's", page=page + 1))
            continue
        out += _named(page, _differing_tiles(seen, expected), layout, template, ctx)
    out += _text_layer(shown, genuine)
    return out[:MAX_REPORTED]


def _rasters(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory(prefix="ecr-compare-") as tmp:
        run_poppler(["pdftoppm", "-r", str(DPI), "-gray", "-", str(Path(tmp) / "p")], pdf)
        files = sorted(Path(tmp).glob("p-*.pgm"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
        pages = []
        for f in files:
            with Image.open(f) as image:
                pages.append(image.convert("L").copy())
        return pages


def _differing_tiles(seen: Image.Image, expected: Image.Image) -> list[tuple[float, float]]:
    """The centres (mm from the top-left) of the tiles where the two pages differ."""
    diff = ImageChops.difference(seen, expected).point(lambda v: 255 if v > PIXEL_DELTA else 0)
    if diff.getbbox() is None:
        return []
    # A tile's mean is 255 × (differing pixels) / TILE²: at least TILE_PIXELS of them.
    tiles = diff.reduce(TILE)
    least = TILE_PIXELS * 255 // (TILE * TILE)
    width = tiles.size[0]
    return [((i % width + 0.5) * TILE * _MM_PER_PIXEL, (i // width + 0.5) * TILE * _MM_PER_PIXEL)
            for i, v in enumerate(tiles.tobytes()) if v >= least]


def _named(page: int, tiles: list[tuple[float, float]], layout: Mapping[str, Any],
           template: Template, ctx: PrintContext) -> list[str]:
    """One sentence per printed value whose box holds a difference, then per other area."""
    if not tiles:
        return []
    values: list[str] = []
    elsewhere: list[tuple[float, float]] = []
    for x, y in tiles:
        inside = [key for key, entry in layout.items() if entry["p"] == page
                  and entry["b"][0] - 1 <= x <= entry["b"][0] + entry["b"][2] + 1
                  and entry["b"][1] - 1 <= y <= entry["b"][1] + entry["b"][3] + 1]
        for key in inside:
            if key not in values:
                values.append(key)
        if not inside:
            elsewhere.append((x, y))
    out = [_value_sentence(layout[key], _label(template, key, ctx)) for key in values]
    areas: list[tuple[int, int]] = []
    for x, y in elsewhere:  # one sentence per 20 mm square
        area = (int(x // 20), int(y // 20))
        if area not in areas:
            areas.append(area)
            out.append(tr("page {page} differs from the genuine copy around {x} mm from the "
                          "left, {y} mm from the top", page=page + 1, x=round(x), y=round(y)))
    return out


def _label(template: Template, element_id: str, ctx: PrintContext) -> str:
    found = template.find(element_id)
    if found is None or not isinstance(found[1], DataField) or not ctx.event_type:
        return ""
    from common.acts.dictionary import EVENTS

    return EVENTS[ctx.event_type].path_label(found[1].path)


def _value_sentence(entry: Mapping[str, Any], label: str) -> str:
    text = str(entry["t"]).replace("\n", " ")
    if label:
        return tr("{label}: the page does not show “{value}” as certified", label=label,
                  value=text)
    return tr("the page does not show “{value}” as certified", value=text)


def _text_layer(shown: bytes, genuine: bytes) -> list[str]:
    def words(pdf: bytes) -> list[str]:
        return run_poppler(["pdftotext", "-enc", "UTF-8", "-", "-"], pdf).decode(
            "utf-8", "replace").split()

    seen, expected = words(shown), words(genuine)
    if seen == expected:
        return []
    matcher = difflib.SequenceMatcher(a=expected, b=seen, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            return [tr("the PDF's text differs from the genuine copy's: “{shown}” instead of "
                       "“{genuine}”", shown=" ".join(seen[b0:b1][:12]),
                       genuine=" ".join(expected[a0:a1][:12]))]
    return []


def _extra_content(pdf: bytes) -> list[str]:
    """What a genuine copy never has, and viewers may show or hide as they please."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        root = reader.root_object
        names = root.get("/Names")
        found = {
            "annotations": any(page.get("/Annots") for page in reader.pages),
            "forms": "/AcroForm" in root,
            "scripts": "/OpenAction" in root or "/AA" in root
            or any("/AA" in page for page in reader.pages)
            or (names is not None and "/JavaScript" in names.get_object()),
            "layers": "/OCProperties" in root,
        }
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return [tr("the PDF's structure cannot be read")]
    what = {"annotations": tr("annotations"), "forms": tr("form fields"),
            "scripts": tr("scripts or actions"), "layers": tr("optional content (layers)")}
    return [tr("the PDF has {what}, which a genuine copy never has", what=what[key])
            for key, present in found.items() if present]
