"""National statistics: the centres' statistics SQL, unchanged, over the national register.

The SCEC's migrations 0111/0112 are the centre's 0101 and generated views file by
reference (``-- same as:``), so the two can never drift; acts stored by ingest are
folded into the facts by ``refresh_statistics`` (the workers do it when idle).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import psycopg

from common.acts.dictionary import DICTIONARY_VERSION
from common.db.migrate import load_migrations
from common.stats.reader import DirectReader, read_table
from tests.xmserver.senders import CODE, OTHER, enroll, records
from xmserver.ingest import ingest, refresh_statistics

CENTRE_MIGRATIONS = Path(__file__).resolve().parents[2] / "common" / "db" / "migrations" / "centre"


def test_every_statistics_file_of_the_centres_is_applied_at_the_scec_unchanged() -> None:
    scec = {m.sql for m in load_migrations("scec")}
    shared = [CENTRE_MIGRATIONS / "0101_stats_schema.sql",
              *CENTRE_MIGRATIONS.glob(f"01[0-9][0-9]_stats_views_v{DICTIONARY_VERSION}.sql")]
    assert len(shared) == 2
    for f in shared:
        assert f.read_text("utf-8") in scec, f"{f.name} has no '-- same as:' file at the SCEC"


def test_the_national_tables_count_every_centres_acts(scec, tmp_path) -> None:
    senders = {code: enroll(scec, tmp_path, code) for code in (CODE, OTHER)}
    stored: dict[str, list] = {}
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        for code, sender in senders.items():
            stored[code] = records(60, code=code)
            ingest(conn, scec.pki, sender.acts(stored[code], 1)[1])
        assert conn.execute("SELECT count(*) FROM stats.all_acts").fetchone()[0] == 0
        assert refresh_statistics(conn) == 120
        assert refresh_statistics(conn) == 0
        assert conn.execute("SELECT count(*) FROM stats.all_acts").fetchone()[0] == 120
        lb3 = read_table(DirectReader(conn), "LB-3")
    got: Counter[str] = Counter()
    for r in lb3.rows:
        got[r["centre_code"]] += r["births"]
    want = Counter({code: sum(1 for a in acts if a.event_type == "birth")
                    for code, acts in stored.items()})
    assert got == want and sum(want.values()) > 0


def test_xmserver_stats_reads_the_centres_tables_over_the_national_register(
        scec, tmp_path, capsys) -> None:
    """``xmserver stats``: the same tables and outputs as ``ecr stats``, nationally; acts
    stored and not yet folded by an idle worker are counted (the command folds them)."""
    import csv
    import io
    import json

    from xmserver.cli import main

    senders = {code: enroll(scec, tmp_path, code) for code in (CODE, OTHER)}
    births: Counter[str] = Counter()
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        for code, sender in senders.items():
            acts = records(40, code=code)
            births[code] = sum(1 for a in acts if a.event_type == "birth")
            ingest(conn, scec.pki, sender.acts(acts, 1)[1])
    capsys.readouterr()
    assert main(scec.args("stats", "list")) == 0
    assert "LB-3" in capsys.readouterr().out
    assert main(scec.args("--json", "stats", "lb-3")) == 0
    table = json.loads(capsys.readouterr().out)
    got: Counter[str] = Counter()
    for r in table["rows"]:
        got[r["centre_code"]] += r["births"]
    assert got == births and sum(births.values()) > 0
    assert main(scec.args("stats", "lb-3", "--format", "csv")) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r[next(k for k in r if "centre" in k.lower())] for r in rows} >= {CODE, OTHER}
    out = tmp_path / "chart.png"
    assert main(scec.args("stats", "chart", "monthly-registrations", "--output", str(out))) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a bad year is refused by name, no traceback
    assert main(scec.args("stats", "lb-3", "--year", "1800")) != 0
    assert "1900" in capsys.readouterr().err


def test_xmserver_stats_adds_the_centres_counts_up_per_region(scec, tmp_path, capsys) -> None:
    """``--by-region``: each centre's counts go to its region (the centre directory);
    the other dimensions stay; a table whose figures do not add up is refused."""
    import json

    from xmserver.cli import main

    third = "224003"
    regions = {CODE: "Thiès", OTHER: "Thiès", third: "Dakar"}
    births: Counter[str] = Counter()
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        for code, region in regions.items():
            sender = enroll(scec, tmp_path, code)
            conn.execute("UPDATE centre SET region = %s WHERE code = %s", (region, code))
            acts = records(30, code=code)
            births[region] += sum(1 for a in acts if a.event_type == "birth")
            ingest(conn, scec.pki, sender.acts(acts, 1)[1])
    capsys.readouterr()
    assert main(scec.args("--json", "stats", "lb-3")) == 0
    per_centre = json.loads(capsys.readouterr().out)["rows"]
    assert main(scec.args("--json", "stats", "lb-3", "--by-region")) == 0
    table = json.loads(capsys.readouterr().out)
    got: Counter[str] = Counter()
    for r in table["rows"]:
        assert "centre_code" not in r
        got[r["region"]] += r["births"]
    assert got == births and len(births) == 2
    # the other dimensions are kept: per region and month, the centres' sum
    month = next(k for k in per_centre[0] if k not in ("centre_code", "births"))
    want: Counter[tuple] = Counter()
    for r in per_centre:
        want[(regions[r["centre_code"]], r[month])] += r["births"]
    have: Counter[tuple] = Counter()
    for r in table["rows"]:
        have[(r["region"], r[month])] += r["births"]
    assert have == want
    assert main(scec.args("--lang", "en", "stats", "lb-3", "--by-region")) == 0
    assert "Region" in capsys.readouterr().out
    # a table without centres has no such option (argparse refuses it, exit 2)
    try:
        main(scec.args("stats", "lb-1", "--by-region"))
    except SystemExit as stop:
        assert stop.code == 2
    else:
        raise AssertionError("--by-region accepted for a table without a centre column")


def test_only_counts_with_a_centre_column_are_regrouped() -> None:
    import pytest

    from common.stats.catalogue import catalogue, find
    from common.stats.reader import StatisticsError, StatTable
    from common.stats.regroup import by_region

    measure = next(p for p in catalogue() if p.kind == "measure")
    for published, rule in ((measure, "not_additive"), (find("LB-1"), "no_centre_dimension")):
        with pytest.raises(StatisticsError) as refused:
            by_region(StatTable(published, None, ()), {})
        assert refused.value.rule == rule
