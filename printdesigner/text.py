"""Setting text inside a box: fonts per character, right-to-left words, wrapping, shrinking.

A value is cut into words; each word into runs of one font (``fonts.font_for``);
runs of scripts that need it are shaped with HarfBuzz (through reportlab's own
``shapeStr``), so Arabic letters join and Devanagari marks sit right.  Words are
put in visual order at word level (the bidi rule names need: a right-to-left
name keeps its words right to left inside a left-to-right sentence, and the
reverse).  ``fit`` wraps and shrinks until the text fits its box; when even the
smallest size does not fit, the result says so (``overflow``) so the renderer can
report it: a long name is never cut silently.

This module draws on a reportlab canvas but knows nothing of templates or acts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas

from printdesigner.fonts import ShippedFont, chain, font_for

_RTL = {"R", "AL"}
_LTR = {"L"}
# Absolute floor below which no text is set, whatever the style says.
FLOOR_SIZE = 3.0


@dataclass(frozen=True)
class Run:
    """A piece of a word in one font; ``text`` may be a shaped string (visual order)."""

    font: str
    text: str
    width: float  # in points at the size the word was measured for
    logical: str = ""  # the characters in reading order, for shaped runs (ActualText)


@dataclass(frozen=True)
class Word:
    text: str
    runs: tuple[Run, ...]  # visual order
    width: float
    direction: str  # "L", "R" or "N" (neutral: digits, punctuation)


@dataclass(frozen=True)
class Font:
    family: str = "serif"
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Fitted:
    """The outcome of fitting text in a box: lines of words at one size."""

    size: float
    lines: tuple[tuple[Word, ...], ...]
    leading: float
    overflow: bool  # True when the text still does not fit at the smallest size


def direction_of(text: str) -> str:
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in _RTL:
            return "R"
        if bidi in _LTR:
            return "L"
    return "N"


def _runs_logical(text: str, fonts: tuple[ShippedFont, ...]) -> list[tuple[ShippedFont, str]]:
    runs: list[tuple[ShippedFont, str]] = []
    for ch in text:
        font = font_for(ch, fonts) or fonts[0]
        # Combining marks and joiners stay with the base character's font.
        if runs and (unicodedata.combining(ch) or ch in "\u200c\u200d"
                     or (runs[-1][0] is not font and ord(ch) in runs[-1][0].chars
                         and unicodedata.category(ch)[0] in "PZS")):
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
        elif runs and runs[-1][0] is font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


@lru_cache(maxsize=20_000)
def measure_word(text: str, font: Font, size: float) -> Word:
    """A word's runs (visual order) and width at ``size`` points."""
    fonts = chain(font.family, font.bold, font.italic)
    direction = direction_of(text)
    runs: list[Run] = []
    for shipped, piece in _runs_logical(text, fonts):
        if shipped.shaped:
            shaped = shapeStr(piece, shipped.name, size, force=True)
            if isinstance(shaped, ShapedStr) and shaped.__shapeData__:
                width = sum(sd.x_advance for sd in shaped.__shapeData__) * size / 1000
                runs.append(Run(shipped.name, shaped, width, piece))
                continue
        runs.append(Run(shipped.name, piece, pdfmetrics.stringWidth(piece, shipped.name, size)))
    if direction == "R":
        runs.reverse()
    return Word(text, tuple(runs), sum(r.width for r in runs), direction)


def space_width(font: Font, size: float) -> float:
    return pdfmetrics.stringWidth(" ", chain(font.family, font.bold, font.italic)[0].name, size)


def visual_order(words: list[Word]) -> list[Word]:
    """Order a line's words for display (two-level bidi at word granularity).

    The reordering is its own inverse, so ``reading_order`` uses it to put the
    words read back from a page into reading order again.
    """
    order = _bidi_permutation([w.text for w in words], [w.direction for w in words])
    return [words[i] for i in order]


def reading_order(texts: list[str]) -> list[str]:
    """Words read left to right off a printed line, in reading order."""
    order = _bidi_permutation(texts, [direction_of(t) for t in texts])
    return [texts[i] for i in order]


def _bidi_permutation(texts: list[str], directions: list[str]) -> list[int]:
    words = list(range(len(texts)))
    if not words:
        return words
    base = direction_of("".join(texts))
    base = "L" if base == "N" else base
    # Neutral words take the direction of their strong neighbours when both agree.
    dirs = list(directions)
    for i, d in enumerate(dirs):
        if d == "N":
            before = next((x for x in reversed(dirs[:i]) if x != "N"), base)
            after = next((x for x in dirs[i + 1 :] if x != "N"), base)
            dirs[i] = before if before == after else base
    out: list[int] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and dirs[j] == dirs[i]:
            j += 1
        block = words[i:j]
        out.extend(reversed(block) if dirs[i] != base else block)
        i = j
    return list(reversed(out)) if base == "R" else out


def _split_long_word(word: str, font: Font, size: float, width: float) -> list[str]:
    """Break a word wider than the box between characters (never drop any)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and measure_word(current + ch, font, size).width > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


#: Spaces a line never breaks at (no-break, narrow no-break, figure space): the
#: groups of ``1\u202f000`` stay together.
NO_BREAK_SPACES = "\u00a0\u202f\u2007"
#: Punctuation that never starts a line: French writes a space before them
#: ("Prénoms :", "Oui !", "« Awa »"), and a line must not begin with the sign.
CLOSING = frozenset(":;?!»%)]…")
#: Punctuation that never ends a line: it stays with the word after it.
OPENING = frozenset("«([")
_BREAKING_SPACE = re.compile(f"[^\\S{NO_BREAK_SPACES}]+")
_NO_BREAK_SPACE = re.compile(f"[{NO_BREAK_SPACES}]+")


def unbreakable_groups(paragraph: str) -> list[list[str]]:
    """The words of a paragraph in groups that a line break may not split.

    A break is allowed only at an ordinary space, never at a no-break space,
    before a closing sign or after an opening one.  The words of a group are
    still drawn as words (with the line's spacing), so a text that needs no
    other break is laid out as before.
    """
    groups: list[list[str]] = []
    opening: list[str] = []
    for token in _BREAKING_SPACE.split(paragraph.strip()):
        parts = [p for p in _NO_BREAK_SPACE.split(token) if p]
        if not parts:
            continue
        if all(set(p) <= OPENING for p in parts):
            opening += parts
        elif groups and not opening and set(parts[0]) <= CLOSING:
            groups[-1] += parts
        else:
            groups.append(opening + parts)
            opening = []
    if opening:
        groups.append(opening)
    return groups


def wrap(text: str, font: Font, size: float, width: float) -> list[list[Word]]:
    """Lines (logical order) of words fitting ``width``; explicit newlines are kept.

    Lines break only where ``unbreakable_groups`` allows; a group wider than the
    box is set word by word (a word wider than the box between letters), still
    never with a closing sign first on a line nor an opening one last.
    """
    lines: list[list[Word]] = []
    gap = space_width(font, size)
    for paragraph in text.split("\n"):
        line: list[Word] = []
        for group in unbreakable_groups(paragraph):
            words = [measure_word(raw, font, size) for raw in group]
            together = _width(words, gap)
            if together <= width + 0.01:
                if line and _width(line, gap) + gap + together > width + 0.01:
                    lines.append(line)
                    line = []
                line += words
                continue
            for raw in group:
                pieces = [raw]
                if measure_word(raw, font, size).width > width:
                    pieces = _split_long_word(raw, font, size, width)
                for piece in pieces:
                    word = measure_word(piece, font, size)
                    if line and _width(line, gap) + gap + word.width > width + 0.01:
                        line = _break_before(lines, line, piece)
                    line.append(word)
        lines.append(line)
    return lines


def _width(words: list[Word], gap: float) -> float:
    return sum(w.width for w in words) + gap * max(len(words) - 1, 0)


def _break_before(lines: list[list[Word]], line: list[Word], piece: str) -> list[Word]:
    """End ``line`` before ``piece``; what stays with ``piece`` starts the next line.

    A closing sign takes the word before it along, and an opening sign left last
    goes down with the word after it; a sign with only one word to lean on stays
    on its line, past the edge, so that shrinking (or the overflow report) sees it.
    """
    cut = len(line)
    if set(piece) <= CLOSING:  # back over the signs before it, then the word they follow
        while cut > 0 and set(line[cut - 1].text) <= CLOSING:
            cut -= 1
        cut -= 1
    while cut > 0 and set(line[cut - 1].text) <= OPENING:
        cut -= 1
    if cut <= 0:
        return line
    lines.append(line[:cut])
    return line[cut:]


def fit(text: str, font: Font, size: float, min_size: float, width: float, height: float,
        *, how: str = "wrap_shrink", line_spacing: float = 1.2) -> Fitted:
    """Find the largest size ≤ ``size`` at which ``text`` fits the box (points)."""
    text = unicodedata.normalize("NFC", text)
    floor = max(FLOOR_SIZE, min(min_size, size))
    current = size
    while True:
        leading = current * line_spacing
        if how == "shrink":
            lines = [[measure_word(w, font, current) for w in para.split()]
                     for para in text.split("\n")]
        else:
            lines = wrap(text, font, current, width)
        gap = space_width(font, current)
        widest = max((sum(w.width for w in ln) + gap * max(len(ln) - 1, 0) for ln in lines),
                     default=0.0)
        tall = current + leading * (len(lines) - 1) if lines else 0.0
        fits = widest <= width + 0.01 and tall <= height + 0.01
        if fits or current <= floor or how == "wrap":
            lines = [visual_order(ln) for ln in lines]
            return Fitted(current, tuple(tuple(ln) for ln in lines), leading, not fits)
        current = max(floor, round(current - 0.25, 2))


def draw_fitted(canvas: Canvas, fitted: Fitted, font: Font, x: float, top: float, width: float,
                height: float, *, align: str = "left", valign: str = "top",
                color: tuple[float, float, float] = (0, 0, 0)) -> None:
    """Draw fitted lines in the box whose top-left corner is (x, top), in points."""
    size = fitted.size
    gap = space_width(font, size)
    total = size + fitted.leading * (len(fitted.lines) - 1) if fitted.lines else 0.0
    if valign == "middle":
        top -= max(0.0, (height - total) / 2)
    elif valign == "bottom":
        top -= max(0.0, height - total)
    canvas.setFillColorRGB(*color)
    baseline = top - size * 0.8
    for index, line in enumerate(fitted.lines):
        natural = sum(w.width for w in line) + gap * max(len(line) - 1, 0)
        spacing = gap
        last = index == len(fitted.lines) - 1
        if align == "justify" and len(line) > 1 and not last:
            spacing = gap + (width - natural) / (len(line) - 1)
            natural = width
        if align == "center":
            cursor = x + (width - natural) / 2
        elif align == "right":
            cursor = x + width - natural
        else:
            cursor = x
        blocks = _extraction_blocks(line)
        for i, word in enumerate(line):
            if i in blocks:  # a right-to-left block that readers would not reorder
                canvas._code.append(_actual_text(blocks[i]))
            _draw_word(canvas, word, cursor, baseline, size, spans=not _inside(i, blocks, line))
            if _block_end(i, blocks, line):
                canvas._code.append("EMC")
            cursor += word.width + spacing
        baseline -= fitted.leading


def reader_reorders(text: str) -> bool:
    """Right-to-left text that poppler-like readers put back in reading order themselves.

    They know Hebrew and Arabic; N'Ko, Adlam and other right-to-left scripts come
    out in visual order, so those get one ActualText span over the whole block.
    """
    return any(0x0590 <= ord(ch) <= 0x06FF or 0x0750 <= ord(ch) <= 0x077F
               or 0x08A0 <= ord(ch) <= 0x08FF or 0xFB1D <= ord(ch) <= 0xFEFF
               for ch in text)


def _self_reordered(word: Word) -> bool:
    return reader_reorders(word.text)


def _extraction_blocks(line: tuple[Word, ...]) -> dict[int, str]:
    """{index of first word: logical text} for visual runs of unreordered RTL words."""
    blocks: dict[int, str] = {}
    i = 0
    while i < len(line):
        if line[i].direction == "R" and not _self_reordered(line[i]):
            j = i
            while j < len(line) and line[j].direction == "R" and not _self_reordered(line[j]):
                j += 1
            blocks[i] = " ".join(w.text for w in reversed(line[i:j]))
            i = j
        else:
            i += 1
    return blocks


def _block_length(start: int, line: tuple[Word, ...]) -> int:
    j = start
    while j < len(line) and line[j].direction == "R" and not _self_reordered(line[j]):
        j += 1
    return j - start


def _inside(i: int, blocks: dict[int, str], line: tuple[Word, ...]) -> bool:
    return any(start <= i < start + _block_length(start, line) for start in blocks)


def _block_end(i: int, blocks: dict[int, str], line: tuple[Word, ...]) -> bool:
    return any(i == start + _block_length(start, line) - 1 for start in blocks)


def _actual_text(logical: str) -> str:
    """A PDF marked-content span saying which characters the shaped glyphs stand for.

    Shaped glyphs (joined Arabic letters, ligatures, reordered marks) do not map
    back to characters one by one; ``/ActualText`` lets text extraction, search and
    screen readers get the name exactly as the act holds it.
    """
    utf16 = ("\ufeff" + logical).encode("utf-16-be").hex().upper()
    return f"/Span <</ActualText <{utf16}>>> BDC"


def _draw_word(canvas: Canvas, word: Word, x: float, baseline: float, size: float, *,
               spans: bool = True) -> None:
    for run in word.runs:
        text = canvas.beginText(x, baseline)
        text.setFont(run.font, size)
        if isinstance(run.text, ShapedStr) and spans:
            # reportlab has no public call for marked content; its code list is the page.
            # Readers (poppler) put right-to-left text back in reading order
            # themselves, so the span holds it in visual order, as the glyphs are.
            rtl = direction_of(run.logical) == "R"
            canvas._code.append(_actual_text(run.logical[::-1] if rtl else run.logical))
            text.textLine(run.text)
            canvas.drawText(text)
            canvas._code.append("EMC")
        else:
            text.textLine(run.text) if isinstance(run.text, ShapedStr) else text.textOut(run.text)
            canvas.drawText(text)
        x += run.width
