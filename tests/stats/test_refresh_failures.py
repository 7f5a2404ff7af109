"""A statistics failure never blocks a registration; it is recorded instead."""

from __future__ import annotations

import copy
import json

import psycopg

from common.acts import examples
from common.db.migrate import migrate
from ecr_tk.services.passwords import DEFAULT_PARAMS


def test_a_validation_commits_even_when_its_statistics_cannot_be_written(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        migrate(conn, "centre")
        conn.execute("SELECT ecr.init_centre('221003', 'Centre', 1, 'Officier', %s, %s, %s)",
                     (b"s" * 16, json.dumps(DEFAULT_PARAMS.as_dict()), b"p" * 32))
        good, bad = copy.deepcopy(examples.BIRTH), copy.deepcopy(examples.BIRTH)
        bad["child"]["weight_g"] = "heavy"  # what no validator lets through
        ids = []
        for n, data in enumerate((good, bad), 1):
            if data is bad:  # the database refuses it itself (0403): lift that check alone
                conn.execute("ALTER TABLE ecr.acts DISABLE TRIGGER acts_content")
            act = conn.execute(
                "INSERT INTO ecr.acts (event_type, status, register_year, register_serial, "
                "data, occurred_on, registered_on, timeliness, drafted_by) VALUES "
                "('birth', 'draft', 2026, %s, %s, '2025-12-28', '2026-01-15', 'current', 1) "
                "RETURNING id", (n, json.dumps(data))).fetchone()[0]
            conn.execute("UPDATE ecr.acts SET status = 'verified', niu = ecr.niu_make("
                         "'221003', 2026, %s) WHERE id = %s", (n, act))
            conn.execute("UPDATE ecr.acts SET status = 'validated' WHERE id = %s", (act,))
            ids.append(act)
        assert conn.execute("SELECT status FROM ecr.acts ORDER BY id").fetchall() == [
            ("validated",), ("validated",)]
        assert conn.execute("SELECT act_id FROM stats.birth").fetchall() == [(ids[0],)]
        failures = conn.execute(
            "SELECT act_id, sqlstate FROM stats_source.refresh_failures").fetchall()
        assert failures == [(ids[1], "22P02")]
