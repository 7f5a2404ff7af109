"""Make the statistics pictures of the documentation from the test corpus.

Usage::

    .venv/bin/python -m tests.stats.make_screenshots [--out docs/screenshots]

Builds the same centre and generated corpus as the statistics tests (a
temporary database, dropped at the end), then writes:

* ``stats-monthly-registrations.png``, ``stats-timeliness.png``,
  ``stats-sex-ratio.png``: the charts, read as the ``ecr_stats`` role;
* ``stats-screen.png``: the statistics screen as an officer sees it, on a
  virtual screen (Xvfb), 1024×768.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tkinter as tk
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from common.i18n import set_language
from common.stats import charts
from common.stats.reader import DirectReader, read_table
from tests.conftest import ADMIN_DSN, _dsn_for
from tests.stats.conftest import _build

ROOT = Path(__file__).resolve().parents[2]


def _screen(session: object, out: Path) -> None:
    from PIL import ImageGrab

    from ecr_tk.ui.headless import start_virtual_screen
    from ecr_tk.ui.stats_view import StatisticsView
    from ecr_tk.ui.theme import apply_theme

    screen = start_virtual_screen()
    try:
        import os

        os.environ["DISPLAY"] = screen.display
        root = tk.Tk()
        root.geometry("1024x740+0+0")
        apply_theme(root)
        view = StatisticsView(root, session)
        view.pack(fill="both", expand=True)
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            root.update()
            time.sleep(0.02)
        label = next(v for v in view.table_box.cget("values") if str(v).startswith("LB-1 "))
        view.table_box.set(label)
        view.table_box.event_generate("<<ComboboxSelected>>")
        view.notebook.select(1)
        for _ in range(50):
            root.update()
            time.sleep(0.02)
        x, y = root.winfo_rootx(), root.winfo_rooty()
        w, h = root.winfo_width(), root.winfo_height()
        ImageGrab.grab(bbox=(x, y, x + w, y + h), xdisplay=screen.display).save(out)
        root.destroy()
    finally:
        screen.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--lang", default="fr", choices=("fr", "en"))
    args = parser.parse_args(argv)
    set_language(args.lang)
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"ecr_shots_stats_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        built = _build(_dsn_for(name), Path(tempfile.mkdtemp()) / "home")
        try:
            with psycopg.connect(built.stats_dsn(), autocommit=True) as conn:
                reader = DirectReader(conn)
                for chart in charts.CHARTS:
                    table = read_table(reader, charts.SOURCE_TABLE[chart])
                    path = charts.save_png(charts.figure(chart, table),
                                           args.out / f"stats-{chart}.png")
                    print(f"wrote {path}")
            _screen(built.officer, args.out / "stats-screen.png")
            print(f"wrote {args.out / 'stats-screen.png'}")
        finally:
            built.centre.close()
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
