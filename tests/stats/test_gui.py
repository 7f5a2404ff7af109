"""The statistics screen under a real Tk on a virtual screen (Xvfb), driven like a person."""

from __future__ import annotations

import gc
import time
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path
from tkinter import ttk
from typing import Any

import pytest

from common.i18n import set_language
from common.stats.formatting import display_rows, to_csv
from common.stats.reader import DirectReader, read_table
from ecr_tk.ui.stats_view import StatisticsView
from tests.stats.conftest import YEARS, StatsCentre

pytestmark = pytest.mark.gui


@pytest.fixture
def root(virtual_screen: str) -> Iterator[tk.Tk]:
    set_language("fr")
    window = tk.Tk()
    window.geometry("1024x740+0+0")
    errors: list[BaseException] = []
    window.report_callback_exception = (  # type: ignore[method-assign]
        lambda _t, exc, _tb: errors.append(exc))
    yield window
    window.destroy()
    del window
    gc.collect()
    assert not errors, f"a Tk callback raised: {errors!r}"


def pump(root: tk.Misc, seconds: float = 0.1) -> None:
    end = time.monotonic() + seconds
    while True:
        root.update()
        if time.monotonic() >= end:
            break
        time.sleep(0.01)


def choose(root: tk.Misc, box: ttk.Combobox, label: str) -> None:
    values = [str(v) for v in box.cget("values")]
    box.focus_force()
    box.current(values.index(label))
    box.event_generate("<<ComboboxSelected>>")
    pump(root)


def shown(view: StatisticsView) -> list[list[str]]:
    return [[str(v) for v in view.tree.item(i, "values")] for i in view.tree.get_children()]


def test_a_secretary_browses_tables_and_charts_and_exports_them(
        root: tk.Tk, stats_centre: StatsCentre, stats_conn: Any, tmp_path: Path) -> None:
    view = StatisticsView(root, stats_centre.secretary)
    view.pack(fill="both", expand=True)
    pump(root, 0.5)
    direct = DirectReader(stats_conn)
    assert view.table is not None and view.table.published.key == "LB-1"
    assert shown(view) == display_rows(read_table(direct, "LB-1"))
    assert view.figure is not None and view.canvas is not None

    label = next(v for v in view.table_box.cget("values") if str(v).startswith("DE-5 "))
    choose(root, view.table_box, str(label))
    choose(root, view.year_box, str(YEARS[1]))
    de5 = read_table(direct, "DE-5", YEARS[1])
    assert shown(view) == display_rows(de5)
    assert "Décès selon l'âge et le sexe" in str(label)

    view.chart_buttons["timeliness"].invoke()
    pump(root)
    assert view.figure is not None
    assert "Délais de déclaration" in view.figure.axes[0].get_title()

    asked: list[tuple[str, str]] = []

    def save_as(_parent: tk.Misc, _title: str, extension: str, initial: str) -> str:
        asked.append((extension, initial))
        return str(tmp_path / initial)

    view.ask_path = save_as
    view.png_button.invoke()
    pump(root)
    assert f"timeliness-{YEARS[1]}.png" in view.message.text
    view.csv_button.invoke()
    pump(root)
    assert f"DE-5-{YEARS[1]}.csv" in view.message.text
    assert asked == [(".png", f"timeliness-{YEARS[1]}.png"), (".csv", f"DE-5-{YEARS[1]}.csv")]
    assert (tmp_path / f"DE-5-{YEARS[1]}.csv").read_text("utf-8") == to_csv(de5)
    png = (tmp_path / f"timeliness-{YEARS[1]}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_an_agent_sees_a_refusal_not_a_traceback(root: tk.Tk, stats_centre: StatsCentre) -> None:
    view = StatisticsView(root, stats_centre.agent)
    view.pack(fill="both", expand=True)
    pump(root, 0.5)
    assert view.table is None
    assert view.message.text, "the refusal is shown in the message bar"
    assert "agent" in view.message.text


def test_an_empty_rate_table_names_the_figures_the_officer_has_not_entered(
        root: tk.Tk, stats_centre: StatsCentre) -> None:
    # issue 13, bug 13: 2023 has acts but no population
    view = StatisticsView(root, stats_centre.secretary)
    view.pack(fill="both", expand=True)
    pump(root, 0.5)
    label = next(v for v in view.table_box.cget("values") if str(v).startswith("crude-rates "))
    choose(root, view.table_box, str(label))
    choose(root, view.year_box, str(YEARS[0]))
    assert view.table is not None and view.table.published.key == "crude-rates"
    assert shown(view) == []
    assert view.message.text.startswith(f"Aucun chiffre pour {YEARS[0]} dans « Population")
    assert "ecr stats population set" in view.message.text
