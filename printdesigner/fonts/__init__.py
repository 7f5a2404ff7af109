"""The fonts shipped inside the package, and the choice of a font for each character.

A civil-status document must print a name exactly as the act holds it, in any
script.  No single font covers them all, so each template font (``serif``,
``sans``, ``mono``, with bold and italic) is followed by a fallback chain of
script fonts; ``font_for`` picks, for one character, the first font of the chain
that has its glyph.  The files are loaded from this folder only, never from the
machine, so every workstation embeds the same glyphs.  See README.txt for the
list and the licences.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FAMILIES: dict[tuple[str, bool, bool], str] = {
    ("serif", False, False): "DejaVuSerif.ttf",
    ("serif", True, False): "DejaVuSerif-Bold.ttf",
    ("serif", False, True): "DejaVuSerif-Italic.ttf",
    ("serif", True, True): "DejaVuSerif-BoldItalic.ttf",
    ("sans", False, False): "DejaVuSans.ttf",
    ("sans", True, False): "DejaVuSans-Bold.ttf",
    ("sans", False, True): "DejaVuSans-Oblique.ttf",
    ("sans", True, True): "DejaVuSans-BoldOblique.ttf",
    ("mono", False, False): "DejaVuSansMono.ttf",
    ("mono", True, False): "DejaVuSansMono-Bold.ttf",
    ("mono", False, True): "DejaVuSansMono.ttf",
    ("mono", True, True): "DejaVuSansMono-Bold.ttf",
}
# Script fonts tried after the template's own font, in this order.  Arabic comes
# before DejaVu (which has Arabic presentation forms but no shaping tables).
_FALLBACK_REGULAR = (
    "NotoNaskhArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf", "NotoSansEthiopic-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf", "NotoSansNKo-Regular.ttf", "NotoSansTifinagh-Regular.ttf",
    "NotoSansAdlam-Regular.ttf", "DejaVuSans.ttf", "DroidSansFallbackFull.ttf",
)  # fmt: skip
_FALLBACK_BOLD = ("NotoNaskhArabic-Bold.ttf", *_FALLBACK_REGULAR[1:7], "DejaVuSans-Bold.ttf",
                  "DroidSansFallbackFull.ttf")
#: Fonts whose scripts need OpenType shaping (joining, reordering, marks).
SHAPED = frozenset({"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
                    "NotoSansDevanagari-Regular.ttf", "NotoSansNKo-Regular.ttf",
                    "NotoSansAdlam-Regular.ttf", "NotoSansHebrew-Regular.ttf"})

_lock = threading.Lock()


@dataclass(frozen=True)
class ShippedFont:
    """A registered font: its reportlab name and the characters it has glyphs for."""

    file: str
    name: str
    chars: frozenset[int]
    shaped: bool


def font_path(file: str) -> str:
    return str(resources.files(__name__).joinpath(file))


@cache
def shipped(file: str) -> ShippedFont:
    """Register one shipped font with reportlab (once per process) and describe it."""
    name = "ECR-" + file.removesuffix(".ttf")
    with _lock:
        # Never ask getFont for an unknown name: it then scans the disk for AFM files.
        if name in pdfmetrics.getRegisteredFontNames():
            font = pdfmetrics.getFont(name)
        else:
            font = TTFont(name, font_path(file), shapable=file in SHAPED)
            pdfmetrics.registerFont(font)
    chars = frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]
    return ShippedFont(file, name, chars, file in SHAPED)


def chain(family: str, bold: bool, italic: bool) -> tuple[ShippedFont, ...]:
    """The template font followed by the script fallbacks."""
    first = _FAMILIES.get((family, bold, italic), _FAMILIES[("serif", bold, italic)])
    rest = _FALLBACK_BOLD if bold else _FALLBACK_REGULAR
    return tuple(shipped(f) for f in (first, *(f for f in rest if f != first)))


def font_for(ch: str, fonts: tuple[ShippedFont, ...]) -> ShippedFont | None:
    """The first font of ``fonts`` able to draw ``ch``, or ``None``."""
    code = ord(ch)
    for font in fonts:
        if code in font.chars:
            return font
    return None


def missing_glyphs(text: str, family: str = "serif", bold: bool = False,
                   italic: bool = False) -> str:
    """The characters of ``text`` that no shipped font can draw (controls excepted)."""
    fonts = chain(family, bold, italic)
    return "".join(sorted({ch for ch in text if unicodedata.category(ch)[0] != "C"
                           and not ch.isspace() and font_for(ch, fonts) is None}))
