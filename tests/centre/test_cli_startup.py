"""``ecr --help`` and the parser of every command import no heavy library (issue 13,
bug 15): a command pays only for what its handler uses.  Times are measured by
``bench/startup.py --cli``, never asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("psycopg", "cryptography", "reportlab", "tkinter", "matplotlib", "babel", "numpy")


def imported_by(*argv: str) -> set[str]:
    """The top-level packages a fresh ``python -m ecr_tk.cli ARGV`` imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "ecr_tk.cli", *argv],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.mark.parametrize("argv", [("--help",), ("act", "show", "--help"),
                                  ("search", "--help"), ("stats", "--help"),
                                  ("stats", "lb-1", "--help")])
def test_help_imports_no_heavy_library(argv: tuple[str, ...]) -> None:
    heavy = imported_by(*argv) & set(HEAVY)
    assert not heavy, f"ecr {' '.join(argv)} imported {sorted(heavy)}"


def test_help_still_lists_every_command_and_the_stats_tables() -> None:
    from ecr_tk.cli import build_parser

    text = build_parser().format_help()
    for command in ("init", "user", "act", "search", "copy", "stats", "enroll", "verify"):
        assert f"    {command} " in text
    stats = subprocess.run([sys.executable, "-m", "ecr_tk.cli", "--lang", "en", "stats",
                            "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "lb-1" in stats.stdout and "chart" in stats.stdout and "expected" in stats.stdout


def test_the_chart_names_of_the_parser_are_the_charts_module_s() -> None:
    from common.stats import charts
    from ecr_tk.cli import stats

    assert stats.CHARTS == charts.CHARTS
