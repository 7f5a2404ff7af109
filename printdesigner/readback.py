"""Reading a printed copy's PDF back: the template it carries, its pages, its words.

A signed copy's PDF carries its template as an attached file (``TEMPLATE_FILE``,
the canonical JSON of ``certified.template_bytes``).  Nothing here is trusted:
the verifier uses the attachment only if its digest is the one the QR code
signs (``verification.py``).  Pages are read with poppler (``pdftoppm`` for what
a reader sees, ``pdftotext`` for the text layer).
"""

from __future__ import annotations

import html
import io
import re
import subprocess
from dataclasses import dataclass

import pypdf

from common.i18n import translator
from printdesigner.errors import VerificationError
from printdesigner.text import reader_reorders, reading_order

tr = translator("print")

TEMPLATE_FILE = "ecr-template.json"
MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
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


def attach_template(pdf: bytes, template: bytes) -> bytes:
    """The same PDF with ``template`` (a template's canonical JSON) attached."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_attachment(TEMPLATE_FILE, template)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attached_template(pdf: bytes) -> bytes | None:
    """The bytes of the template a PDF says it carries (unchecked), if any."""
    try:
        found = pypdf.PdfReader(io.BytesIO(pdf)).attachments.get(TEMPLATE_FILE) or []
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError):
        return None
    first = found[0] if found else None
    return first if isinstance(first, bytes) and len(first) <= MAX_TEMPLATE_BYTES else None


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
