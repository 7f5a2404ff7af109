"""Charts of the main tables, as matplotlib ``Figure`` objects.

The GUI embeds them (``FigureCanvasTkAgg``), the CLI and the documentation save
them as PNG (``save_png``).  Only ``matplotlib.figure`` is used, never
``pyplot``: no global state, no window, no GUI toolkit imported here.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from matplotlib.figure import Figure

from common.acts.dictionary import EVENTS
from common.i18n import translator
from common.stats.formatting import code_label
from common.stats.reader import StatTable

tr = translator("stats")

CHARTS = ("monthly-registrations", "timeliness", "sex-ratio")
SOURCE_TABLE = {"monthly-registrations": "monthly-registrations", "timeliness": "timeliness",
                "sex-ratio": "sex-ratio"}
TIMELINESS_COLOURS = ("#2e7d32", "#f9a825", "#c62828")


def _figure() -> Figure:
    return Figure(figsize=(9, 4.8), dpi=100, layout="constrained")


def monthly_registrations(table: StatTable, lang: str | None = None) -> Figure:
    """Registrations per month, one line per event type."""
    fig = _figure()
    ax = fig.add_subplot()
    per_event: dict[str, dict[tuple[int, int], int]] = defaultdict(dict)
    for r in table.rows:
        if r["year"] is None or r["month"] is None:
            continue
        per_event[r["event_type"]][(r["year"], r["month"])] = int(r["registrations"])
    months = sorted({m for counts in per_event.values() for m in counts})
    if months:
        first, last = months[0], months[-1]
        span = []
        y, m = first
        while (y, m) <= last:
            span.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        xs = list(range(len(span)))
        for key in [k for k in EVENTS if k in per_event]:
            counts = per_event[key]
            ax.plot(xs, [counts.get(ym, 0) for ym in span], marker="o" if len(span) <= 24 else "",
                    markersize=3, linewidth=1.4, label=code_label("event_type", key, lang))
        step = max(1, len(span) // 12)
        ticks = xs[::step]
        ax.set_xticks(ticks, [f"{span[i][1]:02d}/{span[i][0]}" for i in ticks],
                      rotation=45, ha="right")
        fig.legend(fontsize="small", loc="outside right upper")
    else:
        ax.text(0.5, 0.5, tr("(no registered act)"), ha="center", va="center",
                transform=ax.transAxes)
    ax.set_ylabel(tr("Registrations"))
    ax.set_xlabel(tr("Month of registration"))
    ax.grid(True, alpha=0.3)
    ax.set_title(_title(table, lang))
    return fig


def timeliness(table: StatTable, lang: str | None = None) -> Figure:
    """Shares of current, late and delayed registrations per event type (all years
    of the table summed)."""
    fig = _figure()
    ax = fig.add_subplot()
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in table.rows:
        s = sums[r["event_type"]]
        for i, c in enumerate(("current", "late", "delayed", "registered")):
            s[i] += int(r[c] or 0)
    order = [k for k in EVENTS if k in sums and sums[k][3] > 0]
    names = [code_label("event_type", k, lang) for k in order]
    left = [0.0] * len(order)
    parts = (("current", tr("Current")), ("late", tr("Late")), ("delayed", tr("Delayed")))
    for i, (_, label) in enumerate(parts):
        shares = [100.0 * sums[k][i] / sums[k][3] for k in order]
        ax.barh(names, shares, left=left, color=TIMELINESS_COLOURS[i], label=label)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xlabel(tr("Share of registrations (%)"))
    ax.invert_yaxis()
    fig.legend(fontsize="small", loc="outside lower center", ncols=3)
    ax.set_title(_title(table, lang))
    return fig


def sex_ratio(table: StatTable, lang: str | None = None) -> Figure:
    """Sex ratio at birth: per year (all areas), or per area for one year."""
    fig = _figure()
    ax = fig.add_subplot()
    if table.year is None:
        rows = [r for r in table.rows if r["area_code"] is None and r["sex_ratio"] is not None]
        names = [str(r["year"]) for r in rows]
        ax.set_xlabel(tr("Year of occurrence"))
    else:
        rows = [r for r in table.rows if r["sex_ratio"] is not None]
        names = [tr("All areas") if r["area_code"] is None else str(r["area_code"]) for r in rows]
        ax.set_xlabel(tr("Area of residence of the mother"))
    ax.bar(names, [float(r["sex_ratio"]) for r in rows], color="#1565c0")
    ax.axhline(105, color="#555555", linestyle="--", linewidth=1,
               label=tr("Usual value (about 105)"))
    ax.set_ylabel(tr("Males per 100 females"))
    ax.legend(fontsize="small")
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_title(_title(table, lang))
    return fig


def _title(table: StatTable, lang: str | None) -> str:
    title = table.published.title(lang)
    if table.year is not None:
        title += f" — {table.year}"
    return title


def figure(chart: str, table: StatTable, lang: str | None = None) -> Figure:
    """The figure of ``chart`` (one of ``CHARTS``) for its source table."""
    makers = {"monthly-registrations": monthly_registrations, "timeliness": timeliness,
              "sex-ratio": sex_ratio}
    return makers[chart](table, lang)


def save_png(fig: Figure, path: str | Path) -> Path:
    """Write the figure as a PNG file; returns the path."""
    out = Path(path)
    fig.savefig(out, format="png")
    return out
