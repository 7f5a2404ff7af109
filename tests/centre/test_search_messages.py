"""ecr.act_search tells no client what it looked for (issue 11, L17).

Any client may raise client_min_messages for its own session; the messages it
then receives must hold nothing about the persons searched.
"""

from __future__ import annotations

import json
from typing import Any

import psycopg

from ecr_tk.services import SearchCriteria
from ecr_tk.services.search import criteria_to_query

from .conftest import Staff, birth


def test_a_debug_session_receives_no_query_and_no_name_key(
        staff: Staff, app_conn: psycopg.Connection[Any]) -> None:
    for surname, given in (("Ndiaye", "Awa"), ("Ndiaye", "Khady"), ("Sarr", "Binta")):
        staff.agent.acts.draft("birth", birth(surname=surname, given=given),
                               confirm_duplicates=True)
    messages: list[str] = []
    app_conn.add_notice_handler(lambda d: messages.append(
        " ".join(filter(None, (d.message_primary, d.message_detail, d.context)))))
    app_conn.execute("SET client_min_messages = debug5")
    query = criteria_to_query(SearchCriteria(surname="ndiay", given_names="khady", fuzzy=True))
    rows = app_conn.execute("SELECT id FROM ecr.act_search(%s, %s::jsonb)",
                            (staff.agent.token, json.dumps(query))).fetchall()
    assert len(rows) == 1
    assert any(m.startswith("act_search driver: ") for m in messages), messages  # heard
    leaked = [m for m in messages if "ndiay" in m.lower() or "khady" in m.lower()
              or "act_person_keys" in m]
    assert leaked == []


def test_no_api_function_raises_a_message_below_warning_but_the_search_driver(
        app_conn: psycopg.Connection[Any], fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as owner:
        rows = owner.execute(
            "SELECT p.proname, m[1] FROM pg_proc p"
            " CROSS JOIN LATERAL regexp_matches(p.prosrc,"
            " 'RAISE\\s+(?:DEBUG|LOG|INFO|NOTICE)\\s+(''[^'']*'')', 'gi') AS m"
            " WHERE p.pronamespace = 'ecr'::regnamespace").fetchall()
    assert rows == [("act_search", "'act_search driver: %'")]
