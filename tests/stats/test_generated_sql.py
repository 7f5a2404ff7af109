"""The generated migration cannot drift from the data dictionary, and the
catalogue the CLI and GUI use describes the views exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from common.acts.dictionary import CODE_LISTS, DICTIONARY_VERSION, EVENTS
from common.stats.catalogue import catalogue, find
from common.stats.sqlgen import generate
from common.stats.tabulations import Panel, Tabulation, _check_columns
from common.stats.views import event_views

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "common" / "db" / "migrations" / "centre"


def test_the_committed_views_migration_is_what_the_dictionary_generates() -> None:
    committed = MIGRATIONS.glob(f"01[0-9][0-9]_stats_views_v{DICTIONARY_VERSION}.sql")
    files = list(committed)
    assert len(files) == 1, "one generated migration per dictionary version"
    assert files[0].read_text("utf-8") == generate()
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_stats_sql.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_generation_refuses_a_tabulation_that_reads_a_column_the_dictionary_lost() -> None:
    views = event_views()
    with pytest.raises(KeyError, match="no column mother_shoe_size"):
        _check_columns("XX-1", views["birth"], ["e.mother_shoe_size > 3"])
    bad = Tabulation("XX-1", EVENTS["birth"].label, (), (Panel("birth", (), "e.nope"),), "n",
                     EVENTS["birth"].label)
    with pytest.raises(KeyError):
        bad.create_sql(views)


def test_every_published_view_has_exactly_the_catalogued_columns(owner_conn: Any) -> None:
    for p in catalogue():
        cols = [r[0] for r in owner_conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'stats' "
            "AND table_name = %s AND column_name <> 'entered_at' ORDER BY ordinal_position",
            (p.view,))]
        assert tuple(cols) == p.column_names, p.key


def test_the_catalogue_table_lists_every_published_table(owner_conn: Any) -> None:
    rows = owner_conn.execute("SELECT key, view, kind, title_fr, title_en FROM stats.catalogue "
                              "ORDER BY position").fetchall()
    assert rows == [(p.key, p.view, p.kind, p.title.fr, p.title.en) for p in catalogue()]


def test_every_tabulation_and_measure_can_be_filtered_by_year() -> None:
    for p in catalogue():
        if p.kind != "input" or p.key != "urban-rural":
            assert p.has_year, p.key


def test_code_labels_hold_every_code_of_the_dictionary_in_both_languages(
        owner_conn: Any) -> None:
    got = {(lst, code): (fr, en) for lst, code, fr, en in owner_conn.execute(
        "SELECT list, code, label_fr, label_en FROM stats.code_label")}
    for cl in CODE_LISTS.values():
        for c in cl.codes:
            assert got[(cl.key, c.key)] == (c.label.fr, c.label.en)
    for e in EVENTS.values():
        assert got[("event_type", e.key)] == (e.label.fr, e.label.en)


@pytest.mark.parametrize("name", ["LB-1", "lb-1", "lb_1", "Sex-Ratio", "sex_ratio_at_birth"])
def test_tables_are_found_by_key_in_any_case_or_by_view_name(name: str) -> None:
    assert find(name).view in ("lb_1", "sex_ratio_at_birth")
