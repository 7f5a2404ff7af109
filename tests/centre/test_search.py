"""Search behaviour on a real centre database: names whatever their accents, case,
apostrophes, hyphens or script; misspellings by sound; several words; prefixes;
dates, event type and status; paging; the audited read; refusals.

``ecr.act_search`` chooses how to find the acts (a NIU lookup, the rarest name
word merged key by key or read whole and sorted, a date range, or a newest-first
scan of the acts); every choice must give the same pages.  The thresholds of
that choice are one SQL function (``ecr._search_tuning``): the tests replace it
to drive the same queries each way, and read which way was taken from the
function's DEBUG message.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from common.db.connect import conninfo
from ecr_tk.services import Centre, InvalidValue, SearchCriteria, Session
from ecr_tk.services.search import criteria_to_query

from .conftest import (
    AGENT,
    CENTRE_CODE,
    OFFICER,
    PASSWORDS,
    SECRETARY,
    Staff,
    birth,
    example,
)

# (surname, given names, mother's surname, occurrence date): births drafted in
# this order, so ids grow down the list and "newest first" is bottom-up.
BIRTHS = [
    ("N'Diaye", "Awa", "Sow", "2026-01-05"),
    ("Ndiaye", "Ousmane", "Cissé", "2026-01-06"),
    ("Diallo", "Mamadou", "Bâ", "2026-01-07"),
    ("Diop", "Fatou", "Fall", "2026-02-01"),
    ("Diop", "Jean-Baptiste", "Faye", "2026-02-01"),
    ("Martin-Dubois", "Hélène", "Lefèvre", "2026-02-02"),
    ("ÆGERTER", "Zoé", "Müller", "2026-02-03"),
    ("D'Almeida", "Marie-Claire", "Da Silva", "2026-02-04"),
    ("Benali", "Mohammed", "Haddad", "2026-02-05"),
    ("العلوي", "محمد", "حداد", "2026-02-06"),
    ("Иванова", "Анна", "Петрова", "2026-02-07"),
    ("欧阳", "子轩", "王", "2026-02-08"),
    ("Diouf", "Fatoumata", "Diop", "2026-02-09"),
    ("Traoré", "Awa Binta", "Koné", "2026-03-01"),
] + [("Diop", given, "Fall", f"2026-03-{day:02d}") for day, given in enumerate(
    ("Binta", "Coumba", "Daba", "Khady", "Marième", "Penda", "Rokhaya", "Seynabou",
     "Aminata", "Astou", "Codou", "Ndèye"), start=10)]

DEATH = "N'Diaye Aminata"  # the example death, occurred 2026-01-03


@dataclass
class Registry:
    staff: Staff
    ids: dict[str, int]  # principal's full name -> act id
    niu: dict[str, str]
    token: uuid.UUID  # the officer's
    app_dsn: str
    owner_dsn: str

    def names(self, found: list[Any]) -> list[str]:
        return [f.principal for f in found]


@pytest.fixture(scope="module")
def registry(admin_dsn: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """One centre holding the births above and a death, for every read-only test."""
    name = f"ecr_test_search_{uuid.uuid4().hex[:8]}"
    params = psycopg.conninfo.conninfo_to_dict(admin_dsn)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params["dbname"] = name
    owner_dsn = psycopg.conninfo.make_conninfo(**params)  # type: ignore[arg-type]
    home: Path = tmp_path_factory.mktemp("search") / "home"
    centre = Centre.init(home, CENTRE_CODE, "Centre de Thiès", OFFICER, "Awa Diop",
                         PASSWORDS[OFFICER], dsn=owner_dsn, workstation="ws-search")
    try:
        officer = centre.login(OFFICER, PASSWORDS[OFFICER])
        officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
        officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
        staff = Staff(officer, centre.login(SECRETARY, PASSWORDS[SECRETARY]),
                      centre.login(AGENT, PASSWORDS[AGENT]))
        ids = {DEATH: _draft(staff.agent, "death", example("death"))}
        for surname, given, mother, day in BIRTHS:
            ids[f"{surname} {given}"] = _draft(staff.agent, "birth",
                                               birth(surname, given, day, mother))
        niu = {}
        for full in ("Diop Fatou", "Diop Jean-Baptiste"):
            niu[full] = staff.secretary.acts.verify(ids[full])
        staff.officer.acts.validate(ids["Diop Fatou"])
        yield Registry(staff, ids, niu, officer.token, conninfo(centre.config, "ecr_app"),
                       owner_dsn)
    finally:
        centre.close()
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def _draft(session: Session, event_type: str, data: dict[str, Any]) -> int:
    result = session.acts.draft(event_type, data, confirm_duplicates=True)
    assert result.id is not None
    return result.id


class RawSearch:
    """ecr.act_search called as ecr_app, with the driver it chose (DEBUG message)."""

    def __init__(self, conn: psycopg.Connection[Any], token: uuid.UUID) -> None:
        self.conn, self.token, self.messages = conn, token, list[str]()
        conn.add_notice_handler(lambda d: self.messages.append(d.message_primary or ""))
        conn.execute("SET client_min_messages = debug1")

    def __call__(self, query: dict[str, Any] | Any) -> tuple[list[int], str]:
        self.messages.clear()
        rows = self.conn.execute("SELECT id FROM ecr.act_search(%s, %s::jsonb)",
                                 (self.token, json.dumps(query))).fetchall()
        drivers = [m.split(": ", 1)[1] for m in self.messages if m.startswith("act_search driver")]
        return [r[0] for r in rows], drivers[0] if drivers else ""


@pytest.fixture
def raw(registry: Registry) -> Iterator[RawSearch]:
    with psycopg.connect(registry.app_dsn, autocommit=True) as conn:
        yield RawSearch(conn, registry.token)


def _newest_first(registry: Registry, *names: str) -> list[str]:
    return sorted(names, key=lambda n: registry.ids[n], reverse=True)


# ----------------------------------------------------------------------- names
@pytest.mark.parametrize(("criteria", "expected"), [
    (SearchCriteria(surname="ndiaye"), {"N'Diaye Awa", "Ndiaye Ousmane", DEATH}),
    (SearchCriteria(surname="NDIAYE"), {"N'Diaye Awa", "Ndiaye Ousmane", DEATH}),
    # the apostrophe, straight or typographic, is no word boundary for the query
    (SearchCriteria(surname="N'Diaye"), {"N'Diaye Awa", "Ndiaye Ousmane", DEATH}),
    (SearchCriteria(surname="n’diaye"), {"N'Diaye Awa", "Ndiaye Ousmane", DEATH}),
    # the word after an elided particle is indexed alone too
    (SearchCriteria(surname="diaye"), {"N'Diaye Awa", DEATH}),
    (SearchCriteria(surname="almeida"), {"D'Almeida Marie-Claire"}),
    (SearchCriteria(surname="d'almeida"), {"D'Almeida Marie-Claire"}),
    (SearchCriteria(surname="dalmeida"), {"D'Almeida Marie-Claire"}),
    (SearchCriteria(surname="martin-dubois"), {"Martin-Dubois Hélène"}),
    (SearchCriteria(surname="Martin Dubois"), {"Martin-Dubois Hélène"}),
    (SearchCriteria(surname="dubois"), {"Martin-Dubois Hélène"}),
    (SearchCriteria(given_names="jean baptiste"), {"Diop Jean-Baptiste"}),
    (SearchCriteria(given_names="JEAN-BAPTISTE"), {"Diop Jean-Baptiste"}),
    (SearchCriteria(given_names="marie claire"), {"D'Almeida Marie-Claire"}),
    (SearchCriteria(given_names="helene"), {"Martin-Dubois Hélène"}),
    (SearchCriteria(given_names="HÉLÈNE"), {"Martin-Dubois Hélène"}),
    (SearchCriteria(surname="aegerter"), {"ÆGERTER Zoé"}),
    (SearchCriteria(surname="Ægerter", given_names="zoe"), {"ÆGERTER Zoé"}),
    (SearchCriteria(surname="traore"), {"Traoré Awa Binta"}),
    (SearchCriteria(surname="العلوي"), {"العلوي محمد"}),
    (SearchCriteria(given_names="محمد"), {"العلوي محمد"}),
    (SearchCriteria(surname="иванова"), {"Иванова Анна"}),
    (SearchCriteria(surname="ИВАН"), {"Иванова Анна"}),
    (SearchCriteria(surname="欧阳"), {"欧阳 子轩"}),
    (SearchCriteria(surname="zzyzx"), set()),
])
def test_names_are_found_whatever_their_accents_case_apostrophes_hyphens_or_script(
        registry: Registry, criteria: SearchCriteria, expected: set[str]) -> None:
    assert set(registry.names(registry.staff.secretary.search(criteria))) == expected


@pytest.mark.parametrize(("criteria", "expected"), [
    (SearchCriteria(given_names="Mouhamed"), set()),
    (SearchCriteria(given_names="Mouhamed", fuzzy=True), {"Benali Mohammed"}),
    (SearchCriteria(surname="Dialo"), set()),
    (SearchCriteria(surname="Dialo", fuzzy=True), {"Diallo Mamadou"}),
    (SearchCriteria(given_names="Usman", fuzzy=True), {"Ndiaye Ousmane"}),
    (SearchCriteria(surname="Benaly", given_names="Mohamed", fuzzy=True), {"Benali Mohammed"}),
    (SearchCriteria(surname="Martin Duboi", fuzzy=True), {"Martin-Dubois Hélène"}),
])
def test_a_misspelt_name_is_found_by_its_sound_only_when_fuzzy(
        registry: Registry, criteria: SearchCriteria, expected: set[str]) -> None:
    assert set(registry.names(registry.staff.agent.search(criteria))) == expected


@pytest.mark.parametrize(("criteria", "expected"), [
    # several words: every word must match
    (SearchCriteria(surname="diop", given_names="fatou"), {"Diop Fatou"}),
    (SearchCriteria(surname="di", given_names="fatou"), {"Diop Fatou", "Diouf Fatoumata"}),
    (SearchCriteria(given_names="awa binta"), {"Traoré Awa Binta"}),
    (SearchCriteria(surname="diop", given_names="jean pierre"), set()),
    # prefixes
    (SearchCriteria(surname="dio"), {f"Diop {g}" for s, g, _, _ in BIRTHS
                                     if s == "Diop"} | {"Diouf Fatoumata"}),
    (SearchCriteria(surname="d", given_names="m"), {"Diallo Mamadou", "Diop Marième",
                                                    "D'Almeida Marie-Claire"}),
    # parents: the mother or the father, surname or given names
    (SearchCriteria(parent_name="diop"), {"Diouf Fatoumata"}),
    (SearchCriteria(parent_name="koné"), {"Traoré Awa Binta"}),
    (SearchCriteria(parent_name="fall diop"), set()),
    (SearchCriteria(surname="mar", parent_name="lefevre"), {"Martin-Dubois Hélène"}),
])
def test_several_words_and_prefixes_must_all_match(
        registry: Registry, criteria: SearchCriteria, expected: set[str]) -> None:
    assert set(registry.names(registry.staff.agent.search(criteria))) == expected


def test_names_combine_with_dates_event_type_status_and_numbers(registry: Registry) -> None:
    day = dt.date(2026, 2, 1)
    today = dt.date.today()
    table: list[tuple[SearchCriteria, set[str]]] = [
        (SearchCriteria(surname="diop", status="validated"), {"Diop Fatou"}),
        (SearchCriteria(surname="diop", status="verified"), {"Diop Jean-Baptiste"}),
        (SearchCriteria(surname="diop", occurred_from=day, occurred_to=day),
         {"Diop Fatou", "Diop Jean-Baptiste"}),
        (SearchCriteria(occurred_from=dt.date(2026, 3, 19), given_names="c"), {"Diop Codou"}),
        (SearchCriteria(occurred_to=dt.date(2026, 1, 5)), {"N'Diaye Awa", DEATH}),
        (SearchCriteria(surname="ndiaye", event_type="death"), {DEATH}),
        (SearchCriteria(surname="ndiaye", event_type="birth"), {"N'Diaye Awa", "Ndiaye Ousmane"}),
        (SearchCriteria(surname="diouf", registered_from=today, registered_to=today),
         {"Diouf Fatoumata"}),
        (SearchCriteria(surname="diouf", registered_to=today - dt.timedelta(days=1)), set()),
        (SearchCriteria(niu=registry.niu["Diop Fatou"]), {"Diop Fatou"}),
        (SearchCriteria(niu=registry.niu["Diop Fatou"], surname="diallo"), set()),
        (SearchCriteria(niu=registry.niu["Diop Fatou"], given_names="fat"), {"Diop Fatou"}),
    ]
    for criteria, expected in table:
        found = registry.names(registry.staff.agent.search(criteria))
        assert set(found) == expected, criteria


# ---------------------------------------------------------------- the drivers
TUNINGS = {  # (merge_max_keys, sort_max_entries, date_cap, probe_cap)
    "chosen": None,  # the shipped thresholds
    "merge": (1000, 0, 0, 10**6),  # every word merged key by key, no date driver
    "sort": (0, 10**9, 0, 10**6),  # every word read whole and sorted
    "acts": (0, 0, 0, 10**6),  # every query a newest-first scan of the acts
    "date": (0, 0, 10**6, 10**6),  # a date range drives whenever there is one
    "intersect": (1000, 0, 0, 1),  # several words: intersected after one probe
}

QUERIES = [
    SearchCriteria(surname="diop"),
    SearchCriteria(surname="diop", page_size=5, page=1),
    SearchCriteria(surname="di", given_names="a", page_size=3, page=1),
    SearchCriteria(given_names="fatou", surname="di"),
    SearchCriteria(surname="Dialo", fuzzy=True),
    SearchCriteria(parent_name="fall", page_size=4, page=2),
    SearchCriteria(surname="diop", occurred_from=dt.date(2026, 2, 1),
                   occurred_to=dt.date(2026, 3, 12)),
    SearchCriteria(occurred_from=dt.date(2026, 2, 1), occurred_to=dt.date(2026, 2, 1)),
    SearchCriteria(occurred_from=dt.date(2026, 3, 1), event_type="birth", page_size=2, page=1),
    SearchCriteria(registered_from=dt.date.today(), surname="d", status="draft"),
    SearchCriteria(surname="diop", status="verified"),
    SearchCriteria(event_type="death"),
]


def _tune(owner_dsn: str, tuning: tuple[int, int, int, int] | str) -> str:
    """Replace ecr._search_tuning (a definition, or thresholds); return the one replaced."""
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        row = conn.execute("SELECT pg_get_functiondef('ecr._search_tuning'::regproc)").fetchone()
        assert row is not None
        conn.execute(tuning if isinstance(tuning, str) else
                     "CREATE OR REPLACE FUNCTION ecr._search_tuning(OUT merge_max_keys integer,"
                     " OUT sort_max_entries bigint, OUT date_cap integer, OUT probe_cap integer)"
                     " LANGUAGE sql STABLE SET search_path = ecr, pg_temp"
                     " AS $$ SELECT {}, {}::bigint, {}, {} $$"
                     .format(*tuning))
        return str(row[0])


def test_every_way_of_searching_gives_the_same_pages(registry: Registry, raw: RawSearch) -> None:
    pages: dict[str, list[list[int]]] = {}
    used: dict[str, set[str]] = {}
    shipped = _tune(registry.owner_dsn, (48, 40000, 10000, 600))
    try:
        for label, tuning in TUNINGS.items():
            _tune(registry.owner_dsn, tuning or shipped)
            results = [raw(criteria_to_query(c)) for c in QUERIES]
            pages[label] = [ids for ids, _ in results]
            used[label] = {driver for _, driver in results}
    finally:
        _tune(registry.owner_dsn, shipped)
    for label in TUNINGS:
        assert pages[label] == pages["acts"], label
    assert used["acts"] == {"acts"}
    assert used["sort"] == {"sort", "acts"}  # queries without a name word scan the acts
    assert used["merge"] == {"merge", "acts"}
    assert "date" in used["date"] and "date" in used["chosen"] and "merge" in used["chosen"]
    assert "intersect" in used["intersect"]
    assert all(pages["acts"][:4]) and pages["acts"][0][:2] == [
        registry.ids["Diop Ndèye"], registry.ids["Diop Codou"]]


def test_a_niu_or_register_number_is_looked_up_first(registry: Registry, raw: RawSearch) -> None:
    ids, driver = raw({"niu": registry.niu["Diop Fatou"], "surname": [{"key": "diop"}]})
    assert (ids, driver) == ([registry.ids["Diop Fatou"]], "acts")
    year = dt.date.today().year
    found = registry.staff.agent.search(SearchCriteria(register_number=f"2 / {year}",
                                                       event_type="birth"))
    assert registry.names(found) == ["Ndiaye Ousmane"]  # the death took death's n° 1


def test_pages_are_disjoint_newest_first_and_end(registry: Registry) -> None:
    diops = _newest_first(registry, *(f"Diop {g}" for s, g, _, _ in BIRTHS if s == "Diop"))
    pages = [registry.names(registry.staff.officer.search(
        SearchCriteria(surname="diop", page=p, page_size=4))) for p in range(5)]
    assert [n for page in pages for n in page] == diops
    assert [len(p) for p in pages] == [4, 4, 4, 2, 0]


# --------------------------------------------------------- audit and refusals
def test_the_read_is_audited_with_its_criteria_and_the_acts_returned(registry: Registry) -> None:
    criteria = SearchCriteria(surname="diop", given_names="fatou", fuzzy=True)
    found = registry.staff.secretary.search(criteria)
    with psycopg.connect(registry.owner_dsn) as owner:
        row = owner.execute("SELECT user_number, detail FROM ecr.audit_log"
                            " WHERE action = 'act.search' ORDER BY seq DESC LIMIT 1").fetchone()
    assert row is not None
    assert row[0] == SECRETARY
    assert row[1] == {"criteria": criteria_to_query(criteria), "acts": [f.id for f in found]}
    report = registry.staff.officer.audit.verify()
    assert report.ok


@pytest.mark.parametrize(("query", "criterion"), [
    ([], "criteria"),
    ({"surnme": [{"key": "diop"}]}, "surnme"),
    ({"surname": "diop"}, "surname"),
    ({"surname": [{"key": 5}]}, "surname"),
    ({"surname": ["diop"]}, "surname"),
    ({"given_names": [{"key": "a"}] * 9}, "given_names"),
    ({"parent_name": [{"key": "x" * 101}]}, "parent_name"),
    ({"niu": "12"}, "niu"),
    ({"niu": 2210012026000000123}, "niu"),
    ({"register_serial": 3}, "register_number"),
    ({"register_serial": "3", "register_year": 2026}, "register_serial"),
    ({"occurred_from": "2026-02-30"}, "occurred_from"),
    ({"occurred_to": "yesterday"}, "occurred_to"),
    ({"registered_from": 20260101}, "registered_from"),
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"offset": -1}, "offset"),
    ({"offset": 1.5}, "offset"),
    ({"fuzzy": "yes"}, "fuzzy"),
    ({"status": 3}, "status"),
])
def test_malformed_criteria_are_refused_naming_the_criterion_and_nothing_is_logged(
        registry: Registry, raw: RawSearch, query: Any, criterion: str) -> None:
    with psycopg.connect(registry.owner_dsn) as owner:
        before = owner.execute("SELECT count(*) FROM ecr.audit_log"
                               " WHERE action = 'act.search'").fetchone()
        with pytest.raises(psycopg.Error) as err:
            raw(query)
        after = owner.execute("SELECT count(*) FROM ecr.audit_log"
                              " WHERE action = 'act.search'").fetchone()
    assert (err.value.sqlstate, err.value.diag.message_primary,
            err.value.diag.message_detail) == ("EC005", "bad_search", criterion)
    assert before == after


@pytest.mark.parametrize(("criteria", "field"), [
    (SearchCriteria(niu="123"), "niu"),
    (SearchCriteria(register_number="12/26"), "register_number"),
    (SearchCriteria(surname="' - '"), "surname"),
    (SearchCriteria(event_type="baptism"), "event_type"),
    (SearchCriteria(status="lost"), "status"),
    (SearchCriteria(page=-1), "page"),
    (SearchCriteria(page_size=0), "page_size"),
    (SearchCriteria(page_size=201), "page_size"),
])
def test_the_service_refuses_malformed_criteria_naming_the_field(
        registry: Registry, criteria: SearchCriteria, field: str) -> None:
    with pytest.raises(InvalidValue) as err:
        registry.staff.agent.search(criteria)
    assert err.value.field == field


# ------------------------------------------------------------ vocabulary counts
def test_the_name_vocabulary_counts_follow_drafts_and_equal_a_recount(
        staff: Staff, fresh_db: str) -> None:
    def entries(key: str) -> int | None:
        with psycopg.connect(fresh_db) as owner:
            row = owner.execute("SELECT entries FROM ecr.name_vocabulary WHERE role = 'principal'"
                                " AND part = 'surname' AND key = %s", (key,)).fetchone()
        return None if row is None else int(row[0])

    first = _draft(staff.agent, "birth", birth("Zyzzyva", "Awa"))
    _draft(staff.agent, "birth", birth("Zyzzyva", "Binta"))
    assert entries("zyzzyva") == 2
    staff.agent.acts.update_draft(first, birth("Zyzzyvé", "Awa"))
    assert (entries("zyzzyva"), entries("zyzzyve")) == (1, 1)
    found = staff.agent.search(SearchCriteria(surname="zyzzyv"))
    assert {f.principal for f in found} == {"Zyzzyva Binta", "Zyzzyvé Awa"}
    with psycopg.connect(fresh_db) as owner:
        kept = owner.execute("SELECT role, part, key, entries FROM ecr.name_vocabulary"
                             " WHERE entries > 0 ORDER BY 1, 2, 3").fetchall()
        recount = owner.execute("SELECT role, part, key, count(*)::integer FROM"
                                " ecr.act_person_keys GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
                                ).fetchall()
    assert kept == recount
