"""``ecr stats``: reading as an officer/secretary or as ecr_stats, entering figures, charts."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from common.stats.catalogue import catalogue
from ecr_tk.cli import main
from tests.stats import reference
from tests.stats.conftest import (
    AGENT,
    OFFICER,
    PASSWORDS,
    SECRETARY,
    URBAN_RURAL,
    YEARS,
    StatsCentre,
)


@pytest.fixture(scope="module")
def expected(stats_centre: StatsCentre) -> dict[str, reference.Cells]:
    return reference.tabulations(stats_centre.acts, URBAN_RURAL)


def run(capsys: Any, monkeypatch: Any, stats_centre: StatsCentre, *argv: str,
        user: int | None = None) -> tuple[int, str, str]:
    monkeypatch.delenv("ECR_STATS_DSN", raising=False)
    if user is not None:
        monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[user])
    code = main(["--home", str(stats_centre.home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def csv_cells(text: str, value: str) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for row in csv.DictReader(io.StringIO(text)):
        n = int(row.pop(value))
        out[tuple(int(v) if v.isdigit() and k in ("year", "month") else v
                  for k, v in row.items())] = n
    return out


def test_list_names_every_published_table(capsys: Any, monkeypatch: Any,
                                          stats_centre: StatsCentre) -> None:
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--json", "stats", "list")
    assert code == 0
    assert [t["key"] for t in json.loads(out)] == [p.key for p in catalogue()
                                                   if p.kind != "input"]


def test_a_secretary_reads_a_tabulation_as_csv(capsys: Any, monkeypatch: Any,
                                               stats_centre: StatsCentre,
                                               expected: dict[str, reference.Cells]) -> None:
    code, out, err = run(capsys, monkeypatch, stats_centre, "stats", "lb-1",
                         "--as", str(SECRETARY), "--format", "csv", user=SECRETARY)
    assert code == 0, err
    assert out.splitlines()[0] == "year,place_area_code,place_urban_rural,sex,births"
    assert csv_cells(out, "births") == expected["LB-1"]


def test_the_ecr_stats_role_reads_a_year_as_json(capsys: Any, monkeypatch: Any,
                                                 stats_centre: StatsCentre,
                                                 expected: dict[str, reference.Cells]) -> None:
    year = YEARS[0]
    code, out, err = run(capsys, monkeypatch, stats_centre, "stats", "DE-5", "--year",
                         str(year), "--format", "json", "--stats-dsn", stats_centre.stats_dsn())
    assert code == 0, err
    payload = json.loads(out)
    assert payload["table"] == "DE-5" and payload["year"] == year
    got = Counter({(r["year"], r["age_group"], r["sex"]): r["deaths"] for r in payload["rows"]})
    assert got == Counter({k: v for k, v in expected["DE-5"].items() if k[0] == year})


def test_the_text_table_shows_labels_in_the_chosen_language(capsys: Any, monkeypatch: Any,
                                                            stats_centre: StatsCentre) -> None:
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--lang", "en", "stats", "lb-1",
                       "--stats-dsn", stats_centre.stats_dsn())
    assert code == 0
    assert "Live births by place of occurrence and sex" in out and "Female" in out
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--lang", "fr", "stats", "lb-1",
                       "--stats-dsn", stats_centre.stats_dsn())
    assert "Naissances vivantes" in out and "Féminin" in out


@pytest.mark.parametrize(("argv", "rule"), [
    (("stats", "lb-1", "--as", str(AGENT)), "action_not_permitted"),
    (("stats", "population", "set", "01", "2030", "1000", "--as", str(SECRETARY)),
     "action_not_permitted"),
    (("stats", "expected", "set", "01x", "2030", "birth", "5", "--as", str(OFFICER)),
     "bad_area_code"),
    (("stats", "population", "set", "01", "2030", "-5", "--as", str(OFFICER)), "bad_count"),
    (("stats", "expected", "set", "01", "1800", "birth", "5", "--as", str(OFFICER)), "bad_year"),
    (("stats", "lb-1"), "required"),
    (("stats", "urban-rural", "list", "--stats-dsn", "host=127.0.0.1 port=1 user=ecr_stats"),
     "database_unavailable"),
])
def test_refusals_are_one_line_naming_the_rule(argv: tuple[str, ...], rule: str, capsys: Any,
                                               monkeypatch: Any,
                                               stats_centre: StatsCentre) -> None:
    user = int(argv[argv.index("--as") + 1]) if "--as" in argv else None
    code, _, err = run(capsys, monkeypatch, stats_centre, *argv, user=user)
    assert code == 1
    assert err.count("\n") == 1 and f"({rule})" in err, err
    assert "Traceback" not in err


def test_the_officer_enters_and_removes_expected_counts_and_populations(
        capsys: Any, monkeypatch: Any, stats_centre: StatsCentre) -> None:
    births = sum(1 for a in stats_centre.acts if a.event_type == "birth"
                 and a.occurred_on.year == YEARS[1]
                 and (reference.residence(a) or "").startswith("0101"))
    code, _, err = run(capsys, monkeypatch, stats_centre, "stats", "expected", "set", "0101",
                       str(YEARS[1]), "birth", "40", "--as", str(OFFICER), user=OFFICER)
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, stats_centre, "stats", "completeness", "--year",
                       str(YEARS[1]), "--format", "csv", "--stats-dsn",
                       stats_centre.stats_dsn())
    assert f"0101,{YEARS[1]},birth,40,{births}," in out
    code, _, _ = run(capsys, monkeypatch, stats_centre, "stats", "expected", "clear", "0101",
                     str(YEARS[1]), "birth", "--as", str(OFFICER), user=OFFICER)
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, stats_centre, "stats", "expected", "list",
                       "--as", str(OFFICER), user=OFFICER)
    assert code == 0 and "0101" not in out.split("\n", 3)[-1]
    code, _, _ = run(capsys, monkeypatch, stats_centre, "--json", "stats", "population", "set",
                     "0104", "2030", "123456", "--as", str(OFFICER), user=OFFICER)
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, stats_centre, "stats", "population", "list",
                       "--stats-dsn", stats_centre.stats_dsn())
    assert "123456" in out
    run(capsys, monkeypatch, stats_centre, "stats", "population", "clear", "0104", "2030",
        "--as", str(OFFICER), user=OFFICER)


@pytest.mark.parametrize("chart", ["monthly-registrations", "timeliness", "sex-ratio"])
def test_charts_are_written_as_png(chart: str, tmp_path: Path, capsys: Any, monkeypatch: Any,
                                   stats_centre: StatsCentre) -> None:
    out_file = tmp_path / f"{chart}.png"
    code, _, err = run(capsys, monkeypatch, stats_centre, "stats", "chart", chart,
                         "--output", str(out_file), "--stats-dsn", stats_centre.stats_dsn())
    assert code == 0, err
    data = out_file.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_an_empty_rate_table_says_which_figures_are_missing_not_that_no_act_exists(
        capsys: Any, monkeypatch: Any, stats_centre: StatsCentre) -> None:
    # issue 13, bug 13: acts exist, but no population was entered for that year
    year = str(max(YEARS) + 5)
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--lang", "fr", "stats",
                       "crude-rates", "--year", year, "--stats-dsn", stats_centre.stats_dsn())
    assert code == 0
    assert "aucun acte inscrit" not in out
    assert f"aucun chiffre pour {year} dans « Population" in out
    assert "ecr stats population set" in out
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--lang", "en", "stats",
                       "completeness", "--year", year, "--stats-dsn", stats_centre.stats_dsn())
    assert "Expected events" in out and "ecr stats expected set" in out
    # a table of acts, for a year without any, still says so
    code, out, _ = run(capsys, monkeypatch, stats_centre, "--lang", "fr", "stats", "lb-1",
                       "--year", year, "--stats-dsn", stats_centre.stats_dsn())
    assert "(aucun acte inscrit)" in out
