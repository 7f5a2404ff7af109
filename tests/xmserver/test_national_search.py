"""The national register's search (xmserver.queries.search), on a real central database."""

from __future__ import annotations

import psycopg

from common.wire.query import Query
from tests.xmserver.senders import CODE, enroll, records
from xmserver import ingest
from xmserver.queries import search


def _stored(scec, tmp_path, n: int = 30):
    sender = enroll(scec, tmp_path, CODE)
    acts = records(n)
    _, data = sender.acts(acts, 1)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        assert ingest.ingest(conn, scec.pki, data, carrier="t2d").stored == n
    return acts


def _ask(conn, **criteria):
    return search(conn, Query(1, "Awa Diop", "officer", criteria))


def test_names_are_found_whatever_their_case_and_accents_and_filters_apply(scec, tmp_path):
    from common.acts.summary import summarize

    acts = _stored(scec, tmp_path)
    act = acts[4]
    principal = summarize(act.event_type, act.data).principal[0]
    occurred = summarize(act.event_type, act.data).occurred_on
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        found, got = _ask(conn, niu=str(act.niu))
        assert found == 1 and got[0].to_dict() == act.to_dict()
        found, got = _ask(conn, surname=principal.surname.upper(),
                          given_names=principal.given_names)
        assert str(act.niu) in {str(a.niu) for a in got} and found >= 1
        other = "death" if act.event_type != "death" else "birth"
        _, got = _ask(conn, surname=principal.surname, given_names=principal.given_names,
                      event_type=other)
        assert str(act.niu) not in {str(a.niu) for a in got}
        _, got = _ask(conn, surname=principal.surname, occurred_from=occurred.isoformat(),
                      occurred_to=occurred.isoformat())
        assert str(act.niu) in {str(a.niu) for a in got}
        assert all(a.to_dict()["data"] for a in got)
        assert _ask(conn, surname="Zzyzxqwv") == (0, [])
        assert _ask(conn, surname="'-") == (0, [])  # punctuation only: nothing to look for


def test_the_name_index_has_no_pending_list_on_every_partition(scec, tmp_path):
    _stored(scec, tmp_path, 3)
    with psycopg.connect(scec.dsn) as conn:
        conn.execute("SELECT ensure_act_partition(2031)")
        options = conn.execute(
            "SELECT c.relname, c.reloptions FROM pg_index i JOIN pg_class c ON c.oid ="
            " i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname LIKE"
            " 'act_y%%' AND c.relname LIKE '%%name_keys%%'").fetchall()
    assert options and all(o == ["fastupdate=off"] for _, o in options)
