"""The SCEC reuses the statistics SQL unchanged: only the source relation differs.

A stand-in for the central database (its own act table, acts of several
centres, keyed by NIU, another column layout) gets ``stats_source.acts`` over
that table, then the very files the centre applies (0101 and the generated
views migration), byte for byte, and a trigger like the centre's.  The national
tables then count every centre's acts.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import psycopg

from common.acts.dictionary import DICTIONARY_VERSION
from common.stats.reader import DirectReader, read_table
from tests.stats.corpus import corpus

MIGRATIONS = Path(__file__).resolve().parents[2] / "common" / "db" / "migrations" / "centre"

CENTRAL_SCHEMA = """
CREATE SCHEMA central;
CREATE TABLE central.acts (
    niu text PRIMARY KEY,
    serial bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    centre text NOT NULL,
    kind text NOT NULL,
    state text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    registered date NOT NULL,
    occurred date,
    delay_category text,
    body jsonb NOT NULL
);
CREATE SCHEMA stats_source;
CREATE VIEW stats_source.acts AS
SELECT serial AS act_id, centre AS centre_code, kind AS event_type, state AS status,
       registered AS registered_on, occurred AS occurred_on, delay_category AS timeliness,
       body AS data
FROM central.acts WHERE state IN ('validated', 'transmitted', 'acknowledged');
"""

CENTRAL_TRIGGER = """
CREATE FUNCTION central.to_statistics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats.refresh_act(NEW.serial);
    RETURN NULL;
END $$;
CREATE TRIGGER acts_statistics AFTER INSERT ON central.acts
    FOR EACH ROW EXECUTE FUNCTION central.to_statistics();
"""


def test_the_same_sql_builds_national_statistics_over_a_central_table(fresh_db: str) -> None:
    shared = [MIGRATIONS / "0101_stats_schema.sql",
              *MIGRATIONS.glob(f"01[0-9][0-9]_stats_views_v{DICTIONARY_VERSION}.sql")]
    assert len(shared) == 2
    centres = {"221001": 7, "330002": 11}
    acts = {code: [a for a in corpus(150, seed, centre_code=code, today=date(2025, 12, 31),
                                     years=(2024, 2025)) if a.niu is not None]
            for code, seed in centres.items()}
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(CENTRAL_SCHEMA)
        for f in shared:
            conn.execute(f.read_text("utf-8").encode())  # the files, unchanged
        conn.execute(CENTRAL_TRIGGER)
        for code, loaded in acts.items():
            for a in loaded:
                conn.execute(
                    "INSERT INTO central.acts (niu, centre, kind, state, registered, occurred, "
                    "delay_category, body) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (a.niu, code, a.event_type, "acknowledged" if a.status != "rejected"
                     else "rejected", a.registered_on, a.occurred_on, a.timeliness,
                     json.dumps(a.data)))
        lb3 = read_table(DirectReader(conn), "LB-3")
        got = Counter()
        for r in lb3.rows:
            got[r["centre_code"]] += r["births"]
        want = Counter({code: sum(1 for a in loaded if a.event_type == "birth"
                                  and a.status != "rejected") for code, loaded in acts.items()})
        assert got == want and len(got) == 2
        total = conn.execute("SELECT count(*) FROM stats.all_acts").fetchone()[0]
        assert total == sum(1 for loaded in acts.values() for a in loaded
                            if a.status != "rejected")
