"""The search benchmark's corpus: realistic names, and stored exactly as the services
would store it (bench/corpus.py skips validation, never the derived values)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import psycopg

from bench import corpus
from common.acts.derived import derive
from common.acts.generator import generate_acts
from common.acts.summary import summarize
from ecr_tk.services import Centre

TODAY = dt.date(2026, 11, 28)


def test_the_corpus_has_thousands_of_surnames_a_few_very_common_and_several_scripts() -> None:
    surnames: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for act in generate_acts(20_000, seed=11, today=TODAY):
        for p in summarize(act.event_type, act.data).persons():
            surnames[p.surname or ""] += 1
            given.update((p.given_names or "").split())
    total = sum(surnames.values())
    top = [share / total for _, share in surnames.most_common(3)]
    assert len(surnames) > 2_000 and len(given) > 1_200
    assert 0.03 < top[0] < 0.08 and top[2] > 0.015  # Diop, Ndiaye, Diallo…
    assert sum(1 for n in surnames.values() if n <= 3) > 500  # a long tail of rare names
    assert {"Diop", "Traoré", "N'Diaye"} <= set(surnames)
    assert any("-" in s for s in surnames) and any("'" in s for s in surnames)
    scripts = Counter("arabic" if any("\u0600" <= c <= "\u06ff" for c in s) else
                      "cyrillic" if any("\u0400" <= c <= "\u04ff" for c in s) else
                      "cjk" if any("\u4e00" <= c <= "\u9fff" for c in s) else "latin"
                      for s in surnames.elements())
    assert 0.01 < (total - scripts["latin"]) / total < 0.08
    assert all(scripts[k] for k in ("arabic", "cyrillic", "cjk"))


def test_the_bench_loader_stores_what_the_services_would(fresh_db: str, tmp_path: Any) -> None:
    centre = Centre.init(tmp_path / "home", "000001", "Centre de banc", 1, "Officier Banc",
                         "Bench-Officer-2026!", dsn=fresh_db)
    centre.close()
    corpus.load(fresh_db, 300, seed=5, workers=1, progress=False)
    with psycopg.connect(fresh_db) as conn:
        rows = conn.execute(
            "SELECT id, event_type, data, registered_on, summary, occurred_on, timeliness,"
            " principal_key, principal_date, mother_key,"
            " (SELECT coalesce(jsonb_agg(jsonb_build_object('role', k.role, 'part', k.part,"
            "  'key', k.key, 'phonetic', k.phonetic) ORDER BY k.role, k.part, k.key), '[]')"
            "  FROM ecr.act_person_keys k WHERE k.act_id = a.id)"
            " FROM ecr.acts a ORDER BY id").fetchall()
        vocabulary = conn.execute("SELECT role, part, key, entries FROM ecr.name_vocabulary"
                                  " ORDER BY 1, 2, 3").fetchall()
        recount = conn.execute("SELECT role, part, key, count(*)::integer FROM"
                               " ecr.act_person_keys GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
    assert len(rows) == 300
    for (_, event_type, data, registered_on, summary, occurred_on, timeliness, pkey, pdate,
         mkey, keys) in rows:
        # what the services compute after validating the act (and the database too)
        d = derive(event_type, data, today=registered_on, registered_on=registered_on)
        assert d.ok
        stored = d.stored()
        assert summary == json.loads(json.dumps(stored["summary"]))
        assert (occurred_on.isoformat() if occurred_on else None) == stored["occurred_on"]
        assert (timeliness, pkey, mkey) == (stored["timeliness"], stored["principal_key"],
                                            stored["mother_key"])
        assert (pdate.isoformat() if pdate else None) == stored["principal_date"]
        assert keys == sorted(stored["person_keys"],
                              key=lambda k: (k["role"], k["part"], k["key"]))
    assert vocabulary == recount
