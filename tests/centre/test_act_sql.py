"""The centre database checks and derives acts exactly as common/acts does (issue 11, F4).

``ecr._act_examine`` (migrations 0401, generated from the dictionary by
tools/gen_act_sql.py, and 0402) must give the errors of ``derived.derive`` and,
for a valid act, the same stored values; the search keys of names, the links
check and the generated migration itself are held equal here too.  Python
judges the data as the database stores it (jsonb, read back): that is what is
validated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.acts.derived import derive
from common.acts.dictionary import CODE_LISTS, EVENTS
from common.acts.examples import EXAMPLES, EXAMPLES_TODAY, REGISTERED_ON
from common.acts.generator import generate_acts
from common.acts.messages import RULES, WARNING_RULES
from common.acts.names import name_tokens, phonetic_key, phonetic_tokens, search_key
from common.acts.rules import DEFAULT_RULES
from common.acts.sqlgen import generate
from common.acts.validation import check_link
from common.db.migrate import migrate

from .act_mutations import DELETE, Data, mutated_acts, rule_mutations, set_at, single_mutations

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "common" / "db" / "migrations" / "centre"
TODAY = dt.date(2026, 11, 28)
LINK_RULES = {"link_wrong_event_type", "link_sex_mismatch", "link_birth_date_mismatch",
              "link_names_mismatch", "link_marriage_date_mismatch"}


@pytest.fixture(scope="module")
def db(admin_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    """A migrated centre database of this module's own (no centre needed to examine acts)."""
    import uuid

    from psycopg import sql

    name = f"ecr_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    params["dbname"] = name
    try:
        with psycopg.connect(psycopg.conninfo.make_conninfo(**params),  # type: ignore[arg-type]
                             autocommit=True) as conn:
            migrate(conn)
            yield conn
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def corpus() -> list[tuple[str, Data, dt.date]]:
    acts = [(a.event_type, a.data, a.registered_on)
            for a in generate_acts(400, seed=2026, today=TODAY)]
    return acts + [(k, v, EXAMPLES_TODAY) for k, v in EXAMPLES.items()]


def _problems(errors: Any) -> set[tuple[str, str, str]]:
    return {(p["path"], p["rule"], json.dumps(p["params"], sort_keys=True)) for p in errors}


def compare(db: psycopg.Connection[Any], event_type: str, data: Data, registered_on: dt.date,
            today: dt.date = TODAY, label: str = "") -> set[str]:
    """Examine one act both ways; assert they agree; return the rules of its errors."""
    stored, sql = db.execute(
        "SELECT d::text, ecr._act_examine(%s, d, %s, %s, ecr._act_rules())"
        " FROM (SELECT %s::jsonb AS d) AS x",
        (event_type, today, registered_on, json.dumps(data, ensure_ascii=False))).fetchone()
    python = derive(event_type, json.loads(stored), today=today, registered_on=registered_on)
    expected = _problems(json.loads(json.dumps([p.__dict__ | {"params": dict(p.params)}
                                                for p in python.report.errors], default=str)))
    assert _problems(sql["errors"]) == expected, (label, event_type, stored)
    assert sql["timeliness"] == python.timeliness, label
    if python.ok:
        reference = json.loads(json.dumps(python.stored()))
        keys = reference.pop("person_keys")
        assert sql["stored"] == reference, label
        person_keys = db.execute("SELECT ecr._act_person_keys(%s::jsonb)",
                                 (json.dumps(sql["stored"]["summary"]),)).fetchone()[0]
        assert person_keys == keys, label
        assert [(x["path"], x["niu"], x["target"]) for x in sql["links"]] == [
            (x.path, x.niu, x.target) for x in python.links]
    else:
        assert sql["stored"] is None
    return {p.rule for p in python.report.errors}


# ------------------------------------------------------------------- the migration
@pytest.fixture(scope="module")
def generated() -> str:
    return generate()


def test_the_committed_migration_is_what_the_dictionary_generates(generated: str) -> None:
    files = sorted(MIGRATIONS.glob("040[1-9]_act_dictionary_v*.sql"))
    assert [f.name for f in files] == ["0401_act_dictionary_v1.sql"]
    assert files[0].read_text("utf-8") == generated
    assert unicodedata.unidata_version in generated[:400]
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_act_sql.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_dictionary_tables_hold_every_leaf_of_every_event(
        db: psycopg.Connection[Any]) -> None:
    rows = set(db.execute("SELECT event_type, path, kind FROM ecr.act_fields"
                          " WHERE node = 'field'").fetchall())
    assert rows == {(e.key, p, f.kind.value) for e in EVENTS.values() for p, f in e.leaves()}


def test_the_rules_in_sql_read_only_fields_of_the_dictionary() -> None:
    """The plausibility rules mirrored in SQL name fields; each name must exist."""
    text = (MIGRATIONS / "0402_act_checks.sql").read_text("utf-8")
    body = _newest_plausibility()
    body += text[text.index("CREATE FUNCTION ecr._act_link_problems"):
                 text.index("CREATE FUNCTION ecr._act_check")]
    names = {name for e in EVENTS.values() for path, _ in (*e.leaves(), *e.groups())
             for name in re.split(r"\[\]\.|\.", path)}
    read = set(re.findall(r"'\.?([a-z_]+(?:\.[a-z_]+)?)(?:\[)?'", body))
    read = {part for r in read for part in r.split(".")}
    codes = {c for cl in CODE_LISTS.values() for c in cl.keys()}
    rule_settings = {f.name for f in dataclasses.fields(DEFAULT_RULES)}
    words = {"errors", "timeliness", "date", "occurred", "born", "registered", "days", "low",
             "high", "rank", "expected", "linked", "min_date", "not_stated", "rank_limits",
             "dissolutions", "filiations", "married", "delayed", "current", "late", "minimum",
             "object", "string", "null"}
    assert read - names - RULES - set(EVENTS) - codes - rule_settings - words == set()
    assert {"children_born_alive", "rank_in_delivery", "pregnancy_related", "infant",
            "previous_marital_status", "registration_court_decision"} <= read


def _newest_plausibility() -> str:
    """The text of ecr._act_plausibility as the last migration that (re)defines it has it."""
    for path in sorted(MIGRATIONS.glob("*.sql"), reverse=True):
        text = path.read_text("utf-8")
        found = re.search(r"CREATE (OR REPLACE )?FUNCTION ecr\._act_plausibility\b", text)
        if found:
            return text[found.start():text.index("END $$;", found.start()) + len("END")]
    raise AssertionError("no migration defines ecr._act_plausibility")


def test_the_plausibility_rules_in_sql_are_those_of_the_newest_migration(
        db: psycopg.Connection[Any]) -> None:
    """Migrations are appended, never edited: the database runs the last definition."""
    source = db.execute("SELECT prosrc FROM pg_proc WHERE proname = '_act_plausibility'"
                        " AND pronamespace = 'ecr'::regnamespace").fetchone()[0]
    newest = _newest_plausibility()
    assert source.strip() == newest[newest.index("$$") + 2:].strip()


# ----------------------------------------------------------------------- names
def _names(corpus: list[tuple[str, Data, dt.date]]) -> list[str]:
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                if k in ("surname", "given_names") and isinstance(x, str):
                    found.add(x)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for _, data, _ in corpus:
        walk(data)
    return sorted(found)


NAMES = ["N'Diaye", "ÆGERTER", "D'Almeida Marie-Claire", "Mohammed", "Mouhamed", "Chérif",
         "Sherif", "Laurent", "Lorand", "Ousmane", "Usman", "Guérin", "Georges", "Diallo",
         "Ǆemal", "Straße", "İlker", "ΑΣ", "Ⅻ ﬁne", "한국어", "العلوي", "欧阳", "Иванова",
         "Ngũgĩ", "Ɗiallo", "Ŋom", "ʼAwa", "Zoë\u0301", "ﾃｽﾄ", "", " ", "a  b", "L'", "l a b",
         "Œuvre Øre Łukasz", "Ḁḁ", "x\u0640y", "\u200cو\u200d"]


def _sql_names(db: psycopg.Connection[Any], names: list[str]) -> list[tuple[Any, ...]]:
    return db.execute(
        "SELECT ecr.name_search_key(n), ecr.name_tokens(n), ecr.name_phonetic_key(n),"
        " ecr.name_phonetic_tokens(n) FROM unnest(%s::text[]) WITH ORDINALITY AS t(n, o)"
        " ORDER BY o", (names,)).fetchall()


def test_sql_search_keys_equal_the_python_ones(db: psycopg.Connection[Any],
                                               corpus: list[tuple[str, Data, dt.date]]) -> None:
    names = NAMES + _names(corpus)
    for name, row in zip(names, _sql_names(db, names), strict=True):
        assert row == (search_key(name), list(name_tokens(name)), phonetic_key(name),
                       list(phonetic_tokens(name))), name


def test_sql_search_keys_equal_on_a_sample_of_every_unicode_block(
        db: psycopg.Connection[Any]) -> None:
    chars = [chr(cp) for cp in range(1, 0x30000, 7) if not 0xD800 <= cp < 0xE000]
    chars += [chr(cp) for cp in range(0x20, 0x250)] + [chr(0xAC00 + i) for i in range(0, 11172, 97)]
    rows = db.execute("SELECT ecr.name_search_key(c) FROM unnest(%s::text[])"
                      " WITH ORDINALITY AS t(c, o) ORDER BY o", (chars,)).fetchall()
    wrong = [(f"U+{ord(c):04X}", r[0], search_key(c)) for c, r in zip(chars, rows, strict=True)
             if r[0] != search_key(c)]
    assert wrong == []


_LETTERS = st.characters(categories=("Lu", "Ll", "Lo", "Mn", "Nd", "Zs", "Pd", "Po"))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(_LETTERS, max_size=24), min_size=1, max_size=30))
def test_sql_search_keys_equal_on_any_text(db: psycopg.Connection[Any], names: list[str]) -> None:
    for name, row in zip(names, _sql_names(db, names), strict=True):
        assert row == (search_key(name), list(name_tokens(name)), phonetic_key(name),
                       list(phonetic_tokens(name))), name


# ------------------------------------------------------------------------ acts
def test_every_generated_act_is_valid_and_derives_the_same(
        db: psycopg.Connection[Any], corpus: list[tuple[str, Data, dt.date]]) -> None:
    for event_type, data, registered_on in corpus:
        today = max(TODAY, registered_on)
        assert compare(db, event_type, data, registered_on, today) == set()


def test_every_single_mutation_is_judged_the_same(
        db: psycopg.Connection[Any], corpus: list[tuple[str, Data, dt.date]]) -> None:
    seen: Counter[str] = Counter()
    one_of_each = {e: next(c for c in corpus if c[0] == e) for e in EVENTS}
    for event_type, data, registered_on in one_of_each.values():
        for label, bad in single_mutations(event_type, data):
            seen.update(compare(db, event_type, bad, registered_on, TODAY, label))
        for label, bad in rule_mutations(event_type, data, registered_on):
            seen.update(compare(db, event_type, bad, registered_on, TODAY, label))
    for label, bad in [("not an object", [1]), ("null", None)]:
        sql = db.execute("SELECT ecr._act_examine('birth', %s::jsonb, %s, %s, ecr._act_rules())",
                         (json.dumps(bad), TODAY, TODAY)).fetchone()[0]
        assert [(p["path"], p["rule"]) for p in sql["errors"]] == [("", "wrong_type")], label
    rules = RULES - WARNING_RULES - LINK_RULES
    assert rules - set(seen) == set(), "rules no mutation broke"
    assert seen["unknown_field"] > 50 and seen["required"] > 20


def test_the_centres_settings_are_the_rules(db: psycopg.Connection[Any]) -> None:
    from common.acts.rules import Deadline, RegistrationRules

    marriage = EXAMPLES["marriage"]
    young = set_at(marriage, "spouses[0].birth_date", "2005-01-01")  # 20 at the marriage
    db.execute("UPDATE ecr.settings SET value = '21' WHERE key = 'marriage.legal_age'")
    db.execute("UPDATE ecr.settings SET value = '{\"current_days\": 1, \"late_days\": 2}'"
               " WHERE key = 'timeliness.marriage'")
    try:
        sql = db.execute("SELECT ecr._act_examine('marriage', %s::jsonb, %s, %s,"
                         " ecr._act_rules())",
                         (json.dumps(young), EXAMPLES_TODAY, EXAMPLES_TODAY)).fetchone()[0]
        rules = RegistrationRules(marriage_min_age=21, deadlines={"marriage": Deadline(1, 2)})
        python = derive("marriage", young, today=EXAMPLES_TODAY, registered_on=EXAMPLES_TODAY,
                        rules=rules)
        assert {(p["path"], p["rule"]) for p in sql["errors"]} == python.report.rules() == {
            ("spouses[0].birth_date", "below_marriage_age"),
            ("registration_court_decision", "court_decision_required")}
    finally:
        db.execute("UPDATE ecr.settings SET value = '18' WHERE key = 'marriage.legal_age'")
        db.execute("UPDATE ecr.settings SET value = '{\"current_days\": 30, \"late_days\": 365}'"
                   " WHERE key = 'timeliness.marriage'")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_any_mutated_act_is_judged_the_same(db: psycopg.Connection[Any],
                                            corpus: list[tuple[str, Data, dt.date]],
                                            data: st.DataObject) -> None:
    event_type, act, registered_on = data.draw(mutated_acts(corpus[:40]))
    compare(db, event_type, act, registered_on)


@pytest.mark.parametrize(("event_type", "changes", "expected"), [
    ("birth", {"mother.birth_date": "2026-01-04"}, {("mother.birth_date", "born_after_event")}),
    ("birth", {"mother.birth_date": "2026-01-04", "mother.age": None},
     {("mother.birth_date", "born_after_event")}),
    ("birth", {"father.birth_date": "2026-01-04", "father.age": None},
     {("father.birth_date", "born_after_event")}),
    ("foetal_death", {"mother.birth_date": "2025-12-01"},
     {("mother.birth_date", "born_after_event")}),
    ("marriage", {"spouses[1].birth_date": "2025-12-21"},
     {("spouses[1].birth_date", "born_after_event")}),
    ("death", {"deceased.birth_date": "2026-01-04", "deceased.age": None},
     {("deceased.birth_date", "death_before_birth")}),
    ("death", {"deceased.birth_date": "2026-01-04", "deceased.age": None,
               "infant": {"mother_residence": {"locality": "Mbour"}}},
     {("deceased.birth_date", "death_before_birth")}),
])
def test_a_person_born_after_the_event_is_refused_for_the_date_order_alone(
        db: psycopg.Connection[Any], event_type: str, changes: dict[str, Any],
        expected: set[tuple[str, str]]) -> None:
    """Issue 13, bug 5: not also "the mother would be -1 years old" (nor a spouse aged -1)."""
    data = EXAMPLES[event_type]
    for path, value in changes.items():
        data = set_at(data, path, DELETE if value is None else value)
    registered_on = REGISTERED_ON[event_type]
    compare(db, event_type, data, registered_on, EXAMPLES_TODAY, str(changes))
    sql = db.execute("SELECT ecr._act_examine(%s, %s::jsonb, %s, %s, ecr._act_rules())",
                     (event_type, json.dumps(data), EXAMPLES_TODAY, registered_on)).fetchone()[0]
    assert {(p["path"], p["rule"]) for p in sql["errors"]} == expected


# ----------------------------------------------------------------------- links
BIRTH_CHILD = {"occurred_on": "1991-05-20",
               "child": {"surname": "N'Diaye", "given_names": "Aminata", "sex": "F"}}


@pytest.mark.parametrize(("key", "link", "linked_type", "linked"), [
    ("death", "birth_act_niu", "birth", BIRTH_CHILD),
    ("death", "birth_act_niu", "birth", {**BIRTH_CHILD, "child": {"sex": "M"}}),
    ("death", "birth_act_niu", "birth", {**BIRTH_CHILD, "occurred_on": "1991-05-21"}),
    ("death", "birth_act_niu", "birth", {**BIRTH_CHILD, "occurred_on": "1991-02-30"}),
    ("death", "birth_act_niu", "birth", {"child": {"given_names": "Fatou", "sex": "F"}}),
    ("death", "birth_act_niu", "birth", {"child": {"given_names": "Aminatou", "sex": "F"}}),
    ("death", "birth_act_niu", "birth", {"child": {"given_names": "", "sex": "not_stated"}}),
    ("death", "birth_act_niu", "birth", {"child": "x", "occurred_on": 3}),
    ("death", "birth_act_niu", "marriage", BIRTH_CHILD),
    ("marriage", "spouses[0].birth_act_niu", "birth",
     {"occurred_on": "1992-09-15", "child": {"sex": "F", "given_names": "Marie"}}),
    ("marriage", "spouses[0].birth_act_niu", "birth",
     {"occurred_on": "1992-09-15", "child": {"sex": "M", "given_names": "Jean Pierre"}}),
    ("adoption", "child.birth_act_niu", "birth", {"occurred_on": "2019-04-04",
                                                  "child": {"sex": "F"}}),
    ("divorce", "marriage_act_niu", "marriage", {"occurred_on": "2010-06-13"}),
    ("divorce", "marriage_act_niu", "marriage", {"occurred_on": "2010-06-12"}),
    ("divorce", "marriage_act_niu", "birth", {"occurred_on": "2010-06-12"}),
])
def test_sql_link_checks_equal_check_link(db: psycopg.Connection[Any], key: str, link: str,
                                          linked_type: str, linked: Data) -> None:
    data = EXAMPLES[key]
    target = "marriage" if link == "marriage_act_niu" else "birth"
    sql = db.execute("SELECT ecr._act_link_problems(%s, %s::jsonb, %s, %s, %s, %s::jsonb)",
                     (key, json.dumps(data), link, target, linked_type,
                      json.dumps(linked))).fetchone()[0]
    python = check_link(key, data, link, linked_type, linked)
    assert _problems(sql) == _problems([{"path": p.path, "rule": p.rule, "params": dict(p.params)}
                                        for p in python.errors])


def test_the_oldest_and_newest_dates_and_calendar_days(db: psycopg.Connection[Any]) -> None:
    days = ["2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "0001-01-01", "9999-12-31",
            "2020-13-01", "2020-00-10", "2020-04-31", "2020-04-30"]
    from common.acts.structure import parse_date

    got = db.execute("SELECT ecr._act_date(d) FROM unnest(%s::text[]) WITH ORDINALITY AS t(d, o)"
                     " ORDER BY o", (days,)).fetchall()
    assert [r[0] for r in got] == [parse_date(d) for d in days]


def test_a_niu_field_of_the_dictionary_links_to_a_known_event(
        db: psycopg.Connection[Any]) -> None:
    rows = db.execute("SELECT DISTINCT link_target FROM ecr.act_fields WHERE kind = 'niu'")
    assert {r[0] for r in rows} == {"birth", "marriage"}
