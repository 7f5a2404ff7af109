"""Small helpers to write SQL text safely from trusted, generated values.

Everything quoted here comes from the data dictionary or from this package,
never from a user; still, literals and identifiers are always quoted by these
functions so that an apostrophe in a French label ("Infirmier/infirmière",
"Autre personnel d'appui") cannot break a statement.
"""

from __future__ import annotations

import re

from common.acts.model import Label

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_IDENT = 63  # PostgreSQL truncates longer identifiers: refuse them instead


def literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A plain lower-case identifier, checked (never needs double quotes)."""
    if not _IDENT.match(name) or len(name) > MAX_IDENT:
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def label_comment(label: Label) -> str:
    """The text of a COMMENT: French then English, as statisticians read both."""
    return label.fr if label.fr == label.en else f"{label.fr} / {label.en}"


def json_path(parts: list[str]) -> str:
    """A text[] literal for ``#>>``: ``{mother,residence,area_code}``."""
    for p in parts:
        if not re.match(r"^[a-z0-9_]+$", p):
            raise ValueError(f"bad JSON path part {p!r}")
    return "'{" + ",".join(parts) + "}'"
