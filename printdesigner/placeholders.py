"""Placeholders in running text: ``{mother.surname|upper}`` and ``{@niu}``.

A paragraph of an act mixes fixed words and values; the template writes the
values as placeholders.  ``{path}`` or ``{path|format}`` is a field of the act,
``{@name}`` or ``{@name|format}`` a computed value; ``{{`` and ``}}`` are literal
braces.  Parsing is separate from filling so the schema can refuse a broken
placeholder when the template is saved, not when a citizen waits for a copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from printdesigner.model import COMPUTED, FORMATS

_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\[\d*\])?(\.[a-z_][a-z0-9_]*(\[\d*\])?)*$")


@dataclass(frozen=True)
class Placeholder:
    """One ``{…}``: a data path, or a computed name when ``computed`` is true."""

    name: str
    format: str
    computed: bool


Part = str | Placeholder


def parse_placeholders(text: str) -> list[Part]:
    """Split text into literal strings and placeholders; ``ValueError`` says what is wrong."""
    parts: list[Part] = []
    literal: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif ch == "}" and text.startswith("}}", i):
            literal.append("}")
            i += 2
        elif ch == "}":
            raise ValueError(f"a lone '}}' at position {i} (write '}}}}' for a brace)")
        elif ch == "{":
            end = text.find("}", i)
            if end < 0:
                raise ValueError(f"the placeholder opened at position {i} is not closed")
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(_placeholder(text[i + 1 : end]))
            i = end + 1
        else:
            literal.append(ch)
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def _placeholder(body: str) -> Placeholder:
    name, _, fmt = body.strip().partition("|")
    name, fmt = name.strip(), (fmt.strip() or "auto")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} in {{{body}}}")
    if name.startswith("@"):
        if name[1:] not in COMPUTED:
            raise ValueError(f"unknown computed value {name!r}")
        return Placeholder(name[1:], fmt, True)
    if not _PATH.match(name):
        raise ValueError(f"invalid field path {name!r}")
    return Placeholder(name, fmt, False)
