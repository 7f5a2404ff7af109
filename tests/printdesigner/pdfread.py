"""Reading PDFs back like a person's viewer would: poppler's pdftotext and pypdf."""

from __future__ import annotations

import html
import io
import re
import subprocess
from dataclasses import dataclass

import pypdf

_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))
MM = 72 / 25.4


def pdftotext(pdf: bytes, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    done = subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8").translate(_BIDI_CONTROLS)


def flat(text: str) -> str:
    """Whitespace collapsed, so wrapped values read as one line."""
    return " ".join(text.split())


def pypdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@dataclass(frozen=True)
class WordBox:
    text: str
    page: int
    x_mm: float
    y_mm: float  # top of the word, from the top of the page
    x2_mm: float
    y2_mm: float


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def word_boxes(pdf: bytes) -> list[WordBox]:
    """Every word with its box in mm from the page's top-left (``pdftotext -bbox``)."""
    done = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True, timeout=60)
    out: list[WordBox] = []
    for index, page in enumerate(done.stdout.decode("utf-8").split("<page ")[1:]):
        for m in _WORD.finditer(page):
            x, y, x2, y2 = (float(m.group(i)) / MM for i in range(1, 5))
            out.append(WordBox(html.unescape(m.group(5)).translate(_BIDI_CONTROLS), index,
                               x, y, x2, y2))
    return out


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
