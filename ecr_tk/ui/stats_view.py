"""The statistics screen (officer, secretary): the published tables and three charts.

``StatisticsView(parent_frame, session)`` is a frame the main window shows from
its navigation.  It reads through the centre's API as the logged-in user (the
same ``stats.read_table`` as ``ecr stats --as``), shows one table at a time with
labels in the user's language, draws the charts of monthly registrations per
event, timeliness and sex ratio at birth (matplotlib, embedded with
FigureCanvasTkAgg), and exports the table as CSV and the chart as PNG.

It never builds SQL and holds no statistics rule: tables come from
``common.stats`` (catalogue, reader, formatting, charts).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
from matplotlib.figure import Figure

from common.errors import UserError
from common.i18n import translator
from common.stats import charts
from common.stats.catalogue import Published, catalogue
from common.stats.formatting import display_rows, empty_reason, to_csv
from common.stats.reader import Reader, StatTable, read_table
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.widgets import ChoiceBox, MessageBar

tr = translator("stats")

ALL_YEARS = "all"


def _chart_titles() -> list[tuple[str, str]]:
    return [("monthly-registrations", tr("Registrations per month")),
            ("timeliness", tr("Timeliness")),
            ("sex-ratio", tr("Sex ratio at birth"))]


def _ask_save_path(parent: tk.Misc, title: str, extension: str, initial: str) -> str | None:
    kinds = {".csv": tr("CSV file"), ".png": tr("PNG image")}
    path = filedialog.asksaveasfilename(parent=parent, title=title, defaultextension=extension,
                                        initialfile=initial,
                                        filetypes=[(kinds[extension], f"*{extension}")])
    return path or None


class StatisticsView(ttk.Frame):
    """Tables and charts of the centre's vital statistics."""

    def __init__(self, parent_frame: tk.Misc, session: Any, *,
                 reader: Reader | None = None, **options: Any) -> None:
        super().__init__(parent_frame, padding=(12, 10), **options)
        self.session = session
        self.reader = reader or session.stats_reader()
        #: where "Export…" asks for a file; replaceable (tests, other front ends)
        self.ask_path: Callable[[tk.Misc, str, str, str], str | None] = _ask_save_path
        self.table: StatTable | None = None
        self.figure: Figure | None = None
        self.canvas: FigureCanvasTkAgg | None = None
        self.published = [p for p in catalogue() if p.kind != "input"]

        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Label(top, text=tr("Statistics"), style="Heading.TLabel").pack(side="left")
        self.png_button = ttk.Button(top, text=tr("Export the chart (PNG)…"),
                                     command=self.on_export_png)
        self.png_button.pack(side="right")
        self.csv_button = ttk.Button(top, text=tr("Export the table (CSV)…"),
                                     command=self.on_export_csv)
        self.csv_button.pack(side="right", padx=(0, 8))

        choose = ttk.Frame(self)
        choose.pack(fill="x", pady=(8, 4))
        ttk.Label(choose, text=tr("Table")).pack(side="left")
        self.table_box = ChoiceBox(choose, [(p.key, f"{p.key} — {p.title()}")
                                            for p in self.published], blank=False, width=72)
        self.table_box.pack(side="left", padx=(6, 16))
        ttk.Label(choose, text=tr("Year")).pack(side="left")
        self.year_box = ChoiceBox(choose, [(ALL_YEARS, tr("All years"))], blank=False, width=18)
        self.year_box.pack(side="left", padx=(6, 0))
        self.message = MessageBar(self)
        self.message.place_in(fill="x", pady=(4, 4))

        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=(4, 0))
        table_tab = ttk.Frame(self.notebook, padding=4)
        self.notebook.add(table_tab, text=tr("Table"))
        self.tree = ttk.Treeview(table_tab, show="headings", selectmode="browse")
        yscroll = ttk.Scrollbar(table_tab, orient="vertical", command=self.tree.yview)
        xscroll = ttk.Scrollbar(table_tab, orient="horizontal", command=self.tree.xview)
        self.tree.configure(yscrollcommand=yscroll.set, xscrollcommand=xscroll.set)
        self.tree.grid(row=0, column=0, sticky="nsew")
        yscroll.grid(row=0, column=1, sticky="ns")
        xscroll.grid(row=1, column=0, sticky="ew")
        table_tab.rowconfigure(0, weight=1)
        table_tab.columnconfigure(0, weight=1)
        self.count_label = ttk.Label(table_tab)
        self.count_label.grid(row=2, column=0, sticky="w", pady=(4, 0))

        chart_tab = ttk.Frame(self.notebook, padding=4)
        self.notebook.add(chart_tab, text=tr("Charts"))
        buttons = ttk.Frame(chart_tab)
        buttons.pack(fill="x")
        self.chart_var = tk.StringVar(self, value=charts.CHARTS[0])
        self.chart_buttons: dict[str, ttk.Radiobutton] = {}
        for key, title in _chart_titles():
            button = ttk.Radiobutton(buttons, text=title, value=key, variable=self.chart_var,
                                     command=self.on_chart_changed)
            button.pack(side="left", padx=(0, 12))
            self.chart_buttons[key] = button
        self.chart_area = ttk.Frame(chart_tab)
        self.chart_area.pack(fill="both", expand=True, pady=(6, 0))

        self.table_box.bind("<<ComboboxSelected>>", lambda _e: self.on_table_changed())
        self.year_box.bind("<<ComboboxSelected>>", lambda _e: self.on_year_changed())
        self.table_box.set_key(self.published[0].key)
        self.year_box.set_key(ALL_YEARS)
        self.after_idle(self.load)

    # ----------------------------------------------------------- reading
    def present_error(self, error: UserError) -> bool:
        self.message.error(error.message)
        return True

    @property
    def year(self) -> int | None:
        key = self.year_box.get_key()
        return None if key in (None, ALL_YEARS) else int(key)

    @guarded
    def load(self) -> None:
        """First display: the years that have registered acts, the first table, a chart."""
        series = read_table(self.reader, "monthly-occurrences")
        years = sorted({r["year"] for r in series.rows if r["year"] is not None}, reverse=True)
        self.year_box.choices = [(ALL_YEARS, tr("All years"))] + [(str(y), str(y))
                                                                   for y in years]
        self.year_box.configure(values=[label for _k, label in self.year_box.choices])
        self.year_box.set_key(ALL_YEARS)
        self.show_table(self.table_box.get_key() or self.published[0].key)
        self.show_chart(self.chart_var.get())

    @guarded
    def on_table_changed(self) -> None:
        self.show_table(self.table_box.get_key() or self.published[0].key)

    @guarded
    def on_year_changed(self) -> None:
        self.show_table(self.table_box.get_key() or self.published[0].key)
        self.show_chart(self.chart_var.get())

    @guarded
    def on_chart_changed(self) -> None:
        self.show_chart(self.chart_var.get())

    def show_table(self, key: str) -> StatTable:
        """Read and display table ``key`` (for the selected year)."""
        self.message.clear()
        table = read_table(self.reader, key, self.year)
        self.table = table
        if self.table_box.get_key() != table.published.key:
            self.table_box.set_key(table.published.key)
        p: Published = table.published
        self.tree.delete(*self.tree.get_children())
        self.tree.configure(columns=table.columns)
        for c in table.columns:
            numeric = c in p.values
            self.tree.heading(c, text=p.column_label(c), anchor="e" if numeric else "w")
            self.tree.column(c, width=max(90, min(260, 9 * len(p.column_label(c)))),
                             anchor="e" if numeric else "w", stretch=False)
        for line in display_rows(table):
            self.tree.insert("", "end", values=line)
        self.count_label.configure(text=tr("{n} rows", n=len(table.rows)))
        if not table.rows:
            reason = empty_reason(table)
            self.message.info(reason[:1].upper() + reason[1:])
        return table

    def show_chart(self, chart: str) -> Figure:
        """Read the chart's source table and draw it in the Charts tab."""
        source = read_table(self.reader, charts.SOURCE_TABLE[chart], self.year)
        figure = charts.figure(chart, source)
        if self.canvas is not None:
            self.canvas.get_tk_widget().destroy()
        self.canvas = FigureCanvasTkAgg(figure, master=self.chart_area)
        self.canvas.draw()
        self.canvas.get_tk_widget().pack(fill="both", expand=True)
        self.figure = figure
        self.chart_var.set(chart)
        return figure

    # ----------------------------------------------------------- export
    def export_csv(self, path: str | Path) -> Path:
        if self.table is None:
            raise UserError(tr("No table is shown yet"), rule="nothing_to_export")
        out = Path(path)
        out.write_text(to_csv(self.table), encoding="utf-8")
        self.message.info(tr("Table saved to {path}", path=out))
        return out

    def export_png(self, path: str | Path) -> Path:
        if self.figure is None:
            raise UserError(tr("No chart is drawn yet"), rule="nothing_to_export")
        out = charts.save_png(self.figure, path)
        self.message.info(tr("Chart saved to {path}", path=out))
        return out

    @guarded
    def on_export_csv(self) -> None:
        if self.table is None:
            return
        name = f"{self.table.published.key}" + (f"-{self.year}" if self.year else "") + ".csv"
        path = self.ask_path(self, tr("Export the table"), ".csv", name)
        if path:
            self.export_csv(path)

    @guarded
    def on_export_png(self) -> None:
        if self.figure is None:
            return
        name = self.chart_var.get() + (f"-{self.year}" if self.year else "") + ".png"
        path = self.ask_path(self, tr("Export the chart"), ".png", name)
        if path:
            self.export_png(path)


