"""Listings in aligned columns under a header line (``ecr search``, ``ecr user list`` …).

Widths are measured from the data, in the cells a terminal gives each
character: a combining accent takes none ("Ndèye" typed with a combining grave
is five cells, not six), a Chinese or Japanese character two.  Cells are made
terminal-safe first (``common.cli.terminal_safe``), so a control character is
measured as the ``U+XXXX`` that will be shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence

from common.cli import terminal_safe

GAP = "  "


def display_width(text: str) -> int:
    """How many terminal cells ``text`` takes."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def table_text(header: Sequence[str], rows: Sequence[Sequence[object]], *,
               right: Collection[int] = ()) -> str:
    """``rows`` under ``header``, each column as wide as its widest cell; the
    columns numbered in ``right`` (numbers) are aligned right.  The last column
    is not padded (no trailing spaces)."""
    cells = [[terminal_safe(str(c), keep_layout=False) for c in row] for row in [header, *rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(cell))
            if i in right:
                parts.append(pad + cell)
            else:
                parts.append(cell if i == len(row) - 1 else cell + pad)
        lines.append(GAP.join(parts))
    return "\n".join(lines)
