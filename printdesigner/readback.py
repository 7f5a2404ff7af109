"""Reading a printed copy's PDF back: its signed layout, and the words where they stand.

A copy's PDF carries, in its document information, the list of every value the
centre printed with its page and box (``/ECRPrinted``); the QR code signs a
digest of that list.  The verifier recomputes the digest (the list is genuine),
then reads the words actually drawn in each box (poppler's ``pdftotext -bbox``)
and compares: a name retyped over a genuine copy is found even when the same
name appears elsewhere on the page.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from typing import Any

import pypdf

from common.i18n import translator
from printdesigner.errors import VerificationError
from printdesigner.text import reader_reorders, reading_order

tr = translator("print")

LAYOUT_KEY = "/ECRPrinted"
_MM = 72 / 25.4
_WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>')
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


@dataclass(frozen=True)
class PrintedWord:
    text: str
    page: int
    x0: float
    y0: float
    x1: float
    y1: float  # mm from the page's top-left


def attach_layout(pdf: bytes, layout: dict[str, Any]) -> bytes:
    """The same PDF with ``layout`` (JSON) in its document information."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.add_metadata({LAYOUT_KEY: json.dumps(layout, ensure_ascii=True, sort_keys=True,
                                                separators=(",", ":"))})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def read_layout(pdf: bytes) -> dict[str, Any] | None:
    try:
        info = pypdf.PdfReader(io.BytesIO(pdf)).metadata or {}
        raw = info.get(LAYOUT_KEY)
        return json.loads(str(raw)) if raw else None
    except (pypdf.errors.PyPdfError, ValueError):
        return None


def run_poppler(args: list[str], data: bytes) -> bytes:
    try:
        done = subprocess.run(args, input=data, capture_output=True, check=True,  # noqa: S603
                              timeout=120)
    except FileNotFoundError:
        raise VerificationError(tr("{tool} is needed to read a PDF (install poppler-utils)",
                                   tool=args[0]), field="copy", rule="tool_missing") from None
    except subprocess.CalledProcessError:
        raise VerificationError(tr("The PDF could not be read"), field="copy",
                                rule="unreadable") from None
    return done.stdout


def words(pdf: bytes) -> list[PrintedWord]:
    out: list[PrintedWord] = []
    text = run_poppler(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], pdf).decode("utf-8")
    for page, chunk in enumerate(text.split("<page ")[1:]):
        for m in _WORD.finditer(chunk):
            x0, y0, x1, y1 = (float(m.group(i)) / _MM for i in range(1, 5))
            word = html.unescape(m.group(5)).translate(_BIDI)
            if reader_reorders(word):
                # Word boxes keep Hebrew and Arabic in visual order (the plain text
                # output reorders them); turn them back into reading order.
                word = word[::-1]
            out.append(PrintedWord(word, page, x0, y0, x1, y1))
    return out


def squash(text: str) -> str:
    """Text compared without spacing, case or compatibility forms."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def text_in_box(found: list[PrintedWord], page: int, box: list[float],
                ignore: str = "") -> str:
    """The words whose centre lies in ``box`` (x, y, w, h mm), in reading order, squashed.

    Words made only of letters of ``ignore`` (the watermark, drawn across the page)
    are left out.
    """
    x, y, w, h = box
    inside = [wd for wd in found if wd.page == page
              and x - 0.5 <= (wd.x0 + wd.x1) / 2 <= x + w + 0.5
              and y - 0.5 <= (wd.y0 + wd.y1) / 2 <= y + h + 0.5]
    skip = squash(ignore)
    inside = [wd for wd in inside if not (skip and squash(wd.text) and squash(wd.text) in skip)]
    return squash(reading_text(inside))


def reading_text(inside: list[PrintedWord]) -> str:
    """Words grouped into lines (by the middle of their boxes), each line in reading order."""
    lines: list[list[PrintedWord]] = []
    for wd in sorted(inside, key=lambda v: (v.y0 + v.y1) / 2):
        middle, height = (wd.y0 + wd.y1) / 2, wd.y1 - wd.y0
        if lines:
            last = lines[-1][-1]
            tolerance = 0.45 * min(height, last.y1 - last.y0)
            if abs((last.y0 + last.y1) / 2 - middle) <= tolerance:
                lines[-1].append(wd)
                continue
        lines.append([wd])
    parts: list[str] = []
    for line in lines:
        parts += reading_order([v.text for v in sorted(line, key=lambda v: v.x0)])
    return " ".join(parts)
    return squash("".join(parts))
