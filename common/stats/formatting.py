"""Render a ``StatTable`` as CSV, JSON or an aligned text table.

CSV and JSON keep the codes and the column names of the view (what a
statistician's tool wants, and what the ecr_stats role reads); the text table
is for people: column titles and code labels in the user's language.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from typing import Any

from common.acts.codes import NOT_STATED
from common.acts.model import Label
from common.i18n import translator
from common.stats.catalogue import find
from common.stats.reader import StatTable
from common.stats.sqlgen import code_label_rows

tr = translator("stats")


@cache
def _labels() -> dict[tuple[str, str], Label]:
    return {(lst, code): label for lst, code, _, label in code_label_rows()}


def code_label(code_list: str | None, value: Any, lang: str | None = None) -> str:
    """The label of a code for display; the value itself when it has none."""
    if value is None:
        return ""
    if code_list is not None:
        found = _labels().get((code_list, str(value)))
        if found is not None:
            return found(lang)
    if value == NOT_STATED:
        return tr("Not stated")
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def to_csv(table: StatTable) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(table.columns)
    for r in table.rows:
        w.writerow([_cell(r[c]) for c in table.columns])
    return out.getvalue()


def to_json(table: StatTable) -> str:
    payload = {
        "table": table.published.key,
        "title": {"fr": table.published.title.fr, "en": table.published.title.en},
        "year": table.year,
        "columns": list(table.columns),
        "rows": [dict(r) for r in table.rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def display_rows(table: StatTable, lang: str | None = None) -> list[list[str]]:
    """The rows as text for people: code labels, blank area for all areas."""
    p = table.published
    out = []
    for r in table.rows:
        line = []
        for c in table.columns:
            v = r[c]
            if c == "area_code" and v is None:
                line.append(tr("All areas"))
            elif c in p.values:
                line.append(_cell(v))
            else:
                line.append(code_label(p.code_list(c), v, lang))
        out.append(line)
    return out


def to_text(table: StatTable, lang: str | None = None) -> str:
    p = table.published
    headers = [p.column_label(c, lang) for c in table.columns]
    body = display_rows(table, lang)
    widths = [max([len(h)] + [len(line[i]) for line in body]) for i, h in enumerate(headers)]
    numeric = [c in p.values for c in table.columns]

    def fmt(cells: list[str]) -> str:
        return "  ".join(s.rjust(w) if n else s.ljust(w)
                         for s, w, n in zip(cells, widths, numeric, strict=True)).rstrip()

    title = f"{p.key} — {p.title(lang)}"
    if table.year is not None:
        title += " — " + tr("year {year}", year=table.year)
    lines = [title, fmt(headers), fmt(["-" * w for w in widths])]
    lines.extend(fmt(line) for line in body)
    if not body:
        lines.append(f"({empty_reason(table, lang)})")
    return "\n".join(lines)


def empty_reason(table: StatTable, lang: str | None = None) -> str:
    """Why ``table`` has no row: no act, or (rates, completeness) no figures entered yet
    for the officer's input the table is computed from."""
    needs = table.published.needs
    if needs is None:
        return tr("no registered act")
    source = find(needs)
    if table.year is not None:
        return tr("no figures for {year} in \u201c{input}\u201d, which this table is computed "
                  "from; the officer enters them with \u201cecr stats {key} set\u201d",
                  year=table.year, input=source.title(lang), key=needs)
    return tr("no figures yet in \u201c{input}\u201d, which this table is computed from; the "
              "officer enters them with \u201cecr stats {key} set\u201d",
              input=source.title(lang), key=needs)
