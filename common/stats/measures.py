"""Derived measures and time series (VITAL_EVENTS.md §4), as views of schema ``stats``.

All by year of OCCURRENCE (time series of registrations excepted), by area of
residence where the measure has one (the mother's for births and infant
deaths), with a national row whose ``area_code`` is NULL.  Ratios are rounded
to two decimals in the views; the counts they come from are published beside
them so that a statistician can recompute at any precision.

* timeliness: shares of current, late and delayed registrations;
* completeness: registered ÷ expected (``stats.expected_events``, entered by the
  officer per area and year) in percent;
* crude birth and death rates per 1,000 population (``stats.population``);
* sex ratio at birth: male per 100 female live births;
* low birth weight: births under 2,500 g per 100 births with a stated weight;
* infant mortality: deaths under one year per 1,000 live births of the year;
* ill-defined causes: deaths whose underlying cause is in ICD-10 chapter XVIII
  (R00–R99) per 100 deaths.

Expected counts and populations are entered per area code; an entry counts the
acts whose area code STARTS with it, so a district's entry covers its
sub-areas when the national nomenclature is hierarchical.
"""

# ruff: noqa: S608 -- this module writes DDL from the dictionary and constants, never user input
from __future__ import annotations

from dataclasses import dataclass

from common.acts.model import Label
from common.stats.classifications import ILL_DEFINED_CHAPTER
from common.stats.sqltext import literal
from common.stats.views import EventView

Column = tuple[str, Label, str | None]

AREA = ("area_code", Label("Zone (vide : ensemble)", "Area (empty: all areas)"), None)
YEAR = ("year", Label("Année de l'événement", "Year of occurrence"), None)
EVENT = ("event_type", Label("Événement", "Event"), "event_type")


@dataclass(frozen=True)
class Measure:
    key: str
    view: str
    title: Label
    columns: tuple[Column, ...]
    sql: str  # the SELECT of the view

    def create_sql(self) -> str:
        return (f"CREATE VIEW stats.{self.view} AS\n{self.sql.strip()};\n"
                f"COMMENT ON VIEW stats.{self.view} IS "
                f"{literal(self.title.fr + ' / ' + self.title.en)};")


def _l(fr: str, en: str) -> Label:
    return Label(fr, en)


#: Acts per event, year and statistical area (residence where the event has one,
#: else the place of occurrence).  Completeness and rates read it.
EVENTS_BY_AREA = """
SELECT a.event_type, a.occurred_year AS year, COALESCE(a.area_code, 'not_stated') AS area_code,
       count(*)::bigint AS acts
FROM stats.all_acts a GROUP BY 1, 2, 3"""


def _pct(num: str, den: str, scale: str = "100.0") -> str:
    return f"CASE WHEN {den} > 0 THEN round({scale} * {num} / {den}, 2) END"


def measures(views: dict[str, EventView]) -> tuple[Measure, ...]:
    rate = _pct
    return (
        Measure(
            "events-by-area", "events_by_area",
            _l("Événements selon l'année et la zone de résidence",
               "Events by year and area of residence"),
            (EVENT, YEAR, ("area_code", _l("Zone", "Area"), None),
             ("acts", _l("Actes", "Acts"), None)),
            EVENTS_BY_AREA),
        Measure(
            "timeliness", "timeliness",
            _l("Délais de déclaration : parts des inscriptions dans le délai, tardives et "
               "très tardives", "Timeliness of registration: shares current, late and delayed"),
            (EVENT, YEAR, ("registered", _l("Inscrits", "Registered"), None),
             ("current", _l("Dans le délai", "Current"), None),
             ("late", _l("Tardives", "Late"), None),
             ("delayed", _l("Très tardives (jugement)", "Delayed (court decision)"), None),
             ("not_stated", _l("Non déclaré", "Not stated"), None),
             ("current_pct", _l("% dans le délai", "% current"), None),
             ("late_pct", _l("% tardives", "% late"), None),
             ("delayed_pct", _l("% très tardives", "% delayed"), None)),
            f"""
SELECT event_type, year, registered, current, late, delayed,
       registered - current - late - delayed AS not_stated,
       {_pct('current', 'registered')} AS current_pct,
       {_pct('late', 'registered')} AS late_pct,
       {_pct('delayed', 'registered')} AS delayed_pct
FROM (SELECT a.event_type, a.occurred_year AS year,
             count(*)::bigint AS registered,
             count(*) FILTER (WHERE a.timeliness = 'current')::bigint AS current,
             count(*) FILTER (WHERE a.timeliness = 'late')::bigint AS late,
             count(*) FILTER (WHERE a.timeliness = 'delayed')::bigint AS delayed
      FROM stats.all_acts a GROUP BY 1, 2) t"""),
        Measure(
            "completeness", "completeness",
            _l("Exhaustivité : inscrits rapportés aux attendus",
               "Completeness: registered against expected"),
            (("area_code", _l("Zone", "Area"), None), YEAR, EVENT,
             ("expected", _l("Attendus", "Expected"), None),
             ("registered", _l("Inscrits", "Registered"), None),
             ("completeness_pct", _l("Exhaustivité (%)", "Completeness (%)"), None)),
            f"""
SELECT area_code, year, event_type, expected, registered,
       {rate('registered', 'expected')} AS completeness_pct
FROM (SELECT x.area_code, x.year, x.event_type, x.expected,
             coalesce(sum(c.acts), 0)::bigint AS registered
      FROM stats.expected_events x
      LEFT JOIN stats.events_by_area c
        ON c.event_type = x.event_type AND c.year = x.year
       AND left(c.area_code, length(x.area_code)) = x.area_code
      GROUP BY x.area_code, x.year, x.event_type, x.expected) t"""),
        Measure(
            "crude-rates", "crude_rates",
            _l("Taux bruts de natalité et de mortalité (pour 1 000 habitants)",
               "Crude birth and death rates (per 1,000 population)"),
            (("area_code", _l("Zone", "Area"), None), YEAR,
             ("population", _l("Population", "Population"), None),
             ("births", _l("Naissances vivantes", "Live births"), None),
             ("deaths", _l("Décès", "Deaths"), None),
             ("crude_birth_rate", _l("Taux brut de natalité (‰)", "Crude birth rate (‰)"), None),
             ("crude_death_rate", _l("Taux brut de mortalité (‰)", "Crude death rate (‰)"),
              None)),
            f"""
SELECT area_code, year, population, births, deaths,
       {rate('births', 'population', '1000.0')} AS crude_birth_rate,
       {rate('deaths', 'population', '1000.0')} AS crude_death_rate
FROM (SELECT p.area_code, p.year, p.population,
             coalesce(sum(c.acts) FILTER (WHERE c.event_type = 'birth'), 0)::bigint AS births,
             coalesce(sum(c.acts) FILTER (WHERE c.event_type = 'death'), 0)::bigint AS deaths
      FROM stats.population p
      LEFT JOIN stats.events_by_area c
        ON c.event_type IN ('birth', 'death') AND c.year = p.year
       AND left(c.area_code, length(p.area_code)) = p.area_code
      GROUP BY p.area_code, p.year, p.population) t"""),
        Measure(
            "sex-ratio", "sex_ratio_at_birth",
            _l("Rapport de masculinité à la naissance (garçons pour 100 filles)",
               "Sex ratio at birth (males per 100 females)"),
            (YEAR, AREA, ("male", _l("Garçons", "Male"), None),
             ("female", _l("Filles", "Female"), None),
             ("sex_ratio", _l("Rapport de masculinité", "Sex ratio"), None)),
            f"""
SELECT year, area_code, male, female, {rate('male', 'female')} AS sex_ratio
FROM (SELECT year, area_code, count(*) FILTER (WHERE sex = 'M')::bigint AS male,
             count(*) FILTER (WHERE sex = 'F')::bigint AS female
      FROM (SELECT e.occurred_year AS year, COALESCE(e.residence_area_code, 'not_stated')
                   AS area_code, e.child_sex AS sex FROM stats.birth e) b
      GROUP BY GROUPING SETS ((year, area_code), (year))) t"""),
        Measure(
            "low-birth-weight", "low_birth_weight",
            _l("Naissances de faible poids (moins de 2 500 g)",
               "Low birth weight (under 2,500 g)"),
            (YEAR, AREA, ("births", _l("Naissances vivantes", "Live births"), None),
             ("weighed", _l("Poids déclaré", "Weight stated"), None),
             ("low_weight", _l("Moins de 2 500 g", "Under 2,500 g"), None),
             ("low_weight_pct", _l("% de faible poids", "% low weight"), None)),
            f"""
SELECT year, area_code, births, weighed, low_weight,
       {rate('low_weight', 'weighed')} AS low_weight_pct
FROM (SELECT year, area_code, count(*)::bigint AS births, count(weight)::bigint AS weighed,
             count(*) FILTER (WHERE weight < 2500)::bigint AS low_weight
      FROM (SELECT e.occurred_year AS year, COALESCE(e.residence_area_code, 'not_stated')
                   AS area_code, e.child_weight_g AS weight FROM stats.birth e) b
      GROUP BY GROUPING SETS ((year, area_code), (year))) t"""),
        Measure(
            "infant-mortality", "infant_mortality",
            _l("Mortalité infantile (décès de moins d'un an pour 1 000 naissances vivantes)",
               "Infant mortality (deaths under one year per 1,000 live births)"),
            (YEAR, AREA, ("births", _l("Naissances vivantes", "Live births"), None),
             ("infant_deaths", _l("Décès de moins d'un an", "Infant deaths"), None),
             ("infant_mortality_rate", _l("Taux de mortalité infantile (‰)",
                                          "Infant mortality rate (‰)"), None)),
            f"""
SELECT year, area_code, births, infant_deaths,
       {rate('infant_deaths', 'births', '1000.0')} AS infant_mortality_rate
FROM (SELECT year, area_code, sum(b)::bigint AS births, sum(d)::bigint AS infant_deaths
      FROM (SELECT e.occurred_year AS year, COALESCE(e.residence_area_code, 'not_stated')
                   AS area_code, 1 AS b, 0 AS d FROM stats.birth e
            UNION ALL
            SELECT e.occurred_year, COALESCE(e.residence_area_code, 'not_stated'), 0, 1
            FROM stats.death e WHERE e.infant_death) x
      GROUP BY GROUPING SETS ((year, area_code), (year))) t"""),
        Measure(
            "ill-defined-causes", "ill_defined_causes",
            _l("Décès de cause mal définie (CIM-10 chapitre XVIII, R00–R99)",
               "Deaths from ill-defined causes (ICD-10 chapter XVIII, R00–R99)"),
            (YEAR, AREA, ("deaths", _l("Décès", "Deaths"), None),
             ("ill_defined", _l("Cause mal définie", "Ill-defined cause"), None),
             ("ill_defined_pct", _l("% de causes mal définies", "% ill-defined"), None)),
            f"""
SELECT year, area_code, deaths, ill_defined, {rate('ill_defined', 'deaths')} AS ill_defined_pct
FROM (SELECT year, area_code, count(*)::bigint AS deaths,
             count(*) FILTER (WHERE chapter = {literal(ILL_DEFINED_CHAPTER)})::bigint
                 AS ill_defined
      FROM (SELECT e.occurred_year AS year, COALESCE(e.residence_area_code, 'not_stated')
                   AS area_code, e.cause_underlying_icd10_chapter AS chapter
            FROM stats.death e) d
      GROUP BY GROUPING SETS ((year, area_code), (year))) t"""),
        Measure(
            "monthly-registrations", "monthly_registrations",
            _l("Inscriptions par mois et par événement", "Registrations per month by event"),
            (EVENT, ("year", _l("Année d'inscription", "Year of registration"), None),
             ("month", _l("Mois d'inscription", "Month of registration"), None),
             ("registrations", _l("Inscriptions", "Registrations"), None)),
            """
SELECT a.event_type, a.registered_year AS year, a.registered_month AS month,
       count(*)::bigint AS registrations
FROM stats.all_acts a GROUP BY 1, 2, 3"""),
        Measure(
            "monthly-occurrences", "monthly_occurrences",
            _l("Événements par mois de survenue", "Events per month of occurrence"),
            (EVENT, YEAR, ("month", _l("Mois de l'événement", "Month of occurrence"), None),
             ("events", _l("Événements", "Events"), None)),
            """
SELECT a.event_type, a.occurred_year AS year, a.occurred_month AS month,
       count(*)::bigint AS events
FROM stats.all_acts a GROUP BY 1, 2, 3"""),
    )
