"""The minimum tabulations of P&R Rev.3 (VITAL_EVENTS.md §4), as declarations.

Each tabulation is a count of acts by the year of OCCURRENCE and some
dimensions, read from the typed event views (``views``); it becomes a view
``stats.lb_1`` … in long format (one row per non-empty cell), which is what
statistical tools want; the CLI and the GUI pivot it for display.  A missing
value is the cell ``not_stated``, never NULL, so that totals add up.

Residence, for births, foetal deaths and infant deaths, is the mother's (the
``residence_area_code`` column of the typed views).  Bride and groom (wife and
husband) are told apart by sex; when both spouses have the same sex, the first
spouse of the act counts as the groom (husband).

A tabulation may have several *panels* (MA-3: the groom's and the bride's
panel; ST-1: one panel per series), stacked with UNION ALL.
"""

# ruff: noqa: S608 -- this module writes DDL from the dictionary and constants, never user input
from __future__ import annotations

import re
from dataclasses import dataclass

from common.acts.codes import NOT_STATED
from common.acts.model import Label
from common.stats.sqltext import ident, literal
from common.stats.views import EventView


@dataclass(frozen=True)
class Dimension:
    """An output column a tabulation groups by.

    ``code_list`` names the list of ``stats.code_label`` that labels its codes;
    ``urban_rural`` adds ``<base>_urban_rural`` computed from this area code after
    aggregation (cheap: once per area, not once per act).
    """

    name: str
    label: Label
    code_list: str | None = None
    urban_rural: bool = False

    @property
    def urban_rural_name(self) -> str:
        return self.name.removesuffix("_area_code") + "_urban_rural"


@dataclass(frozen=True)
class Panel:
    """One aggregation: which event view, which rows, one expression per dimension."""

    event: str
    exprs: tuple[str, ...]
    where: str | None = None


@dataclass(frozen=True)
class Tabulation:
    key: str
    title: Label
    dimensions: tuple[Dimension, ...]
    panels: tuple[Panel, ...]
    value: str
    value_label: Label

    @property
    def view(self) -> str:
        return self.key.lower().replace("-", "_")

    def columns(self) -> list[tuple[str, Label, str | None]]:
        """Output columns in order: (name, label, code list)."""
        out: list[tuple[str, Label, str | None]] = [("year", YEAR.label, None)]
        for d in self.dimensions:
            out.append((d.name, d.label, d.code_list))
            if d.urban_rural:
                out.append((d.urban_rural_name, URBAN_RURAL_LABEL, "urban_rural"))
        out.append((self.value, self.value_label, None))
        return out

    def create_sql(self, views: dict[str, EventView]) -> str:
        inner = []
        for p in self.panels:
            if len(p.exprs) != len(self.dimensions):
                raise ValueError(f"{self.key}: a panel must give one expression per dimension")
            _check_columns(self.key, views[p.event], [*p.exprs, p.where or ""])
            sel = ", ".join(
                ["e.occurred_year AS year"]
                + [f"{x} AS {ident(d.name)}" for x, d in zip(p.exprs, self.dimensions, strict=True)]
                + [f"count(*)::bigint AS {ident(self.value)}"]
            )
            where = f" WHERE {p.where}" if p.where else ""
            groups = ", ".join(str(i) for i in range(1, len(self.dimensions) + 2))
            inner.append(f"    SELECT {sel}\n    FROM stats.{ident(p.event)} e{where}\n"
                         f"    GROUP BY {groups}")
        body = "\n    UNION ALL\n".join(inner)
        areas = [d for d in self.dimensions if d.urban_rural]
        outer: list[str] = ["t.year"]
        joins: list[str] = []
        for d in self.dimensions:
            outer.append(f"t.{d.name}")
            if d.urban_rural:
                alias = f"u{len(joins) + 1}"
                outer.append(f"{alias}.urban_rural AS {d.urban_rural_name}")
                joins.append(f"\nLEFT JOIN u {alias} ON {alias}.code = t.{d.name}")
        outer.append(f"t.{self.value}")
        # urban/rural once per distinct area of the result, not once per cell
        codes = " UNION ALL ".join(f"SELECT {d.name} FROM t" for d in areas)
        with_u = (f",\nu AS (SELECT c.code, stats.urban_rural(c.code) AS urban_rural "
                  f"FROM (SELECT DISTINCT x.code FROM ({codes}) x(code)) c)") if areas else ""
        return (f"CREATE VIEW stats.{self.view} AS\nWITH t AS (\n{body}\n){with_u}\n"
                f"SELECT {', '.join(outer)}\nFROM t{''.join(joins)};\n"
                f"COMMENT ON VIEW stats.{self.view} IS "
                f"{literal(self.key + ' — ' + self.title.fr + ' / ' + self.title.en)};")


_COL = re.compile(r"\be\.([a-z_][a-z0-9_]*)")


def _check_columns(key: str, view: EventView, texts: list[str]) -> None:
    """Fail generation (not the migration) when the dictionary lost a column we use."""
    for text in texts:
        for name in _COL.findall(text):
            if not view.has(name):
                raise KeyError(f"{key}: stats.{view.name} has no column {name}")


def ns(expr: str) -> str:
    """The expression, or ``not_stated`` when it is NULL."""
    return f"COALESCE({expr}, {literal(NOT_STATED)})"


def _spouse(role: str, column: str) -> str:
    """``spouses_1_<column>`` or ``spouses_2_<column>``: the groom's or the bride's."""
    second_is_groom = "e.spouses_2_sex = 'M' AND e.spouses_1_sex IS DISTINCT FROM 'M'"
    first, second = (("2", "1") if role == "groom" else ("1", "2"))
    return (f"(CASE WHEN {second_is_groom} THEN e.spouses_{first}_{column} "
            f"ELSE e.spouses_{second}_{column} END)")


# ----------------------------------------------------------------- dimensions
YEAR = Dimension("year", Label("Année de l'événement", "Year of occurrence"))
URBAN_RURAL_LABEL = Label("Urbain/rural", "Urban/rural")
PLACE = Dimension("place_area_code", Label("Lieu de l'événement (zone)",
                                           "Place of occurrence (area)"), urban_rural=True)
RESIDENCE = Dimension("residence_area_code", Label("Résidence habituelle (zone)",
                                                   "Usual residence (area)"), urban_rural=True)
MOTHER_RESIDENCE = Dimension("residence_area_code", Label(
    "Résidence habituelle de la mère (zone)", "Mother's usual residence (area)"),
    urban_rural=True)
SEX = Dimension("sex", Label("Sexe", "Sex"), "sex")
SITE = Dimension("place_type", Label("Lieu de l'accouchement", "Site of delivery"),
                 "place_type")
ATTENDANT = Dimension("attendant", Label("Assistance à l'accouchement", "Attendant at birth"),
                      "attendant")
MONTH = Dimension("month", Label("Mois de l'événement", "Month of occurrence"))


def _age(name: str, fr: str, en: str) -> Dimension:
    return Dimension(name, Label(fr, en))


BIRTHS = ("births", Label("Naissances vivantes", "Live births"))
DEATHS = ("deaths", Label("Décès", "Deaths"))
MARRIAGES = ("marriages", Label("Mariages", "Marriages"))
DIVORCES = ("divorces", Label("Divorces", "Divorces"))


def _tab(key: str, fr: str, en: str, event: str, value: tuple[str, Label],
         dims: tuple[tuple[Dimension, str], ...], where: str | None = None) -> Tabulation:
    return Tabulation(key, Label(fr, en), tuple(d for d, _ in dims),
                      (Panel(event, tuple(x for _, x in dims), where),), value[0], value[1])


MOTHER_AGE = "stats.age_group(e.mother_age, 15, 50)"
DEATH_AGE = "stats.age_group_death(e.deceased_age)"

TABULATIONS: tuple[Tabulation, ...] = (
    _tab("LB-1", "Naissances vivantes selon le lieu de l'événement et le sexe",
         "Live births by place of occurrence and sex", "birth", BIRTHS,
         ((PLACE, ns("e.place_area_code")), (SEX, ns("e.child_sex")))),
    _tab("LB-2", "Naissances vivantes selon le lieu de l'événement et la résidence de la mère",
         "Live births by place of occurrence and mother's usual residence", "birth", BIRTHS,
         ((PLACE, ns("e.place_area_code")), (MOTHER_RESIDENCE, ns("e.residence_area_code")))),
    _tab("LB-3", "Naissances vivantes selon le lieu d'inscription, le mois de l'événement "
         "et le mois d'inscription",
         "Live births by place of registration, month of occurrence and month of registration",
         "birth", BIRTHS,
         ((Dimension("centre_code", Label("Centre d'inscription", "Place of registration")),
           "e.centre_code"),
          (MONTH, "e.occurred_month"),
          (Dimension("registered_year", Label("Année d'inscription", "Year of registration")),
           "e.registered_year"),
          (Dimension("registered_month", Label("Mois d'inscription", "Month of registration")),
           "e.registered_month"))),
    _tab("LB-5", "Naissances vivantes selon l'âge et la situation matrimoniale de la mère",
         "Live births by age and marital status of mother", "birth", BIRTHS,
         ((_age("mother_age_group", "Âge de la mère", "Age of mother"), MOTHER_AGE),
          (Dimension("mother_marital_status", Label("Situation matrimoniale de la mère",
                                                    "Marital status of mother"),
                     "marital_status"), ns("e.mother_marital_status")))),
    _tab("LB-6", "Naissances vivantes selon l'âge du père", "Live births by age of father",
         "birth", BIRTHS,
         ((_age("father_age_group", "Âge du père", "Age of father"),
           "stats.age_group(e.father_age, 15, 60)"),)),
    _tab("LB-7", "Naissances vivantes selon la résidence, l'âge et le niveau d'instruction "
         "de la mère", "Live births by residence, age and educational attainment of mother",
         "birth", BIRTHS,
         ((MOTHER_RESIDENCE, ns("e.residence_area_code")),
          (_age("mother_age_group", "Âge de la mère", "Age of mother"), MOTHER_AGE),
          (Dimension("mother_education", Label("Niveau d'instruction de la mère",
                                               "Educational attainment of mother"),
                     "education"), ns("e.mother_education")))),
    _tab("LB-13", "Naissances vivantes selon le lieu de l'événement, le lieu de "
         "l'accouchement et l'assistance", "Live births by place of occurrence, site of "
         "delivery and attendant at birth", "birth", BIRTHS,
         ((PLACE, ns("e.place_area_code")), (SITE, ns("e.place_type")),
          (ATTENDANT, ns("e.attendant")))),
    _tab("LB-14", "Naissances vivantes selon le lieu de l'accouchement, l'assistance et le "
         "poids à la naissance", "Live births by site of delivery, attendant at birth and "
         "birth weight", "birth", BIRTHS,
         ((SITE, ns("e.place_type")), (ATTENDANT, ns("e.attendant")),
          (Dimension("weight_group", Label("Poids à la naissance (g)", "Birth weight (g)")),
           "stats.weight_group(e.child_weight_g)"))),
    _tab("DE-1", "Décès selon la résidence habituelle et le sexe",
         "Deaths by place of usual residence and sex", "death", DEATHS,
         ((RESIDENCE, ns("e.residence_area_code")), (SEX, ns("e.deceased_sex")))),
    _tab("DE-2", "Décès selon le lieu de l'événement et la résidence habituelle",
         "Deaths by place of occurrence and place of usual residence", "death", DEATHS,
         ((PLACE, ns("e.place_area_code")), (RESIDENCE, ns("e.residence_area_code")))),
    _tab("DE-4", "Décès selon le lieu et le type de lieu de l'événement",
         "Deaths by place and site of occurrence", "death", DEATHS,
         ((PLACE, ns("e.place_area_code")),
          (Dimension("place_type", Label("Type de lieu", "Site of occurrence"), "place_type"),
           ns("e.place_type")))),
    _tab("DE-5", "Décès selon l'âge et le sexe", "Deaths by age and sex", "death", DEATHS,
         ((_age("age_group", "Âge au décès", "Age at death"), DEATH_AGE),
          (SEX, ns("e.deceased_sex")))),
    _tab("DE-9", "Décès selon le sexe, la cause, la résidence et l'âge",
         "Deaths by sex, cause of death, place of usual residence and age", "death", DEATHS,
         ((SEX, ns("e.deceased_sex")),
          (Dimension("cause_chapter", Label("Cause initiale (chapitre CIM-10)",
                                            "Underlying cause (ICD-10 chapter)"),
                     "icd10_chapter"), ns("e.cause_underlying_icd10_chapter")),
          (RESIDENCE, ns("e.residence_area_code")),
          (_age("age_group", "Âge au décès", "Age at death"), DEATH_AGE))),
    _tab("DE-11", "Décès selon le lieu de l'événement, le sexe et le type de certification",
         "Deaths by place of occurrence, sex and type of certification", "death", DEATHS,
         ((PLACE, ns("e.place_area_code")), (SEX, ns("e.deceased_sex")),
          (Dimension("certification_type", Label("Type de certification",
                                                 "Type of certification"),
                     "certification_type"), ns("e.certification_type")))),
    _tab("MA-1", "Mariages selon le lieu de l'événement et le mois",
         "Marriages by place of occurrence and month", "marriage", MARRIAGES,
         ((PLACE, ns("e.place_area_code")), (MONTH, "e.occurred_month"))),
    _tab("MA-2", "Mariages selon l'âge de l'époux et l'âge de l'épouse",
         "Marriages by age of groom and age of bride", "marriage", MARRIAGES,
         ((_age("groom_age_group", "Âge de l'époux", "Age of groom"),
           f"stats.age_group({_spouse('groom', 'age')}, 15, 60)"),
          (_age("bride_age_group", "Âge de l'épouse", "Age of bride"),
           f"stats.age_group({_spouse('bride', 'age')}, 15, 60)"))),
    Tabulation(
        "MA-3", Label("Mariages selon la situation matrimoniale antérieure et l'âge de l'époux "
                      "et de l'épouse", "Marriages by previous marital status and age of "
                      "groom and of bride"),
        (Dimension("spouse", Label("Époux ou épouse", "Groom or bride"), "spouse_role"),
         Dimension("previous_marital_status", Label("Situation matrimoniale antérieure",
                                                    "Previous marital status"),
                   "marital_status"),
         _age("age_group", "Âge", "Age")),
        tuple(Panel("marriage", (literal(role) + "::text",
                                 ns(_spouse(role, "previous_marital_status")),
                                 f"stats.age_group({_spouse(role, 'age')}, 15, 60)"))
              for role in ("groom", "bride")),
        *MARRIAGES),
    _tab("DI-1", "Divorces selon le lieu de l'événement et le mois",
         "Divorces by place of occurrence and month", "divorce", DIVORCES,
         ((PLACE, ns("e.place_area_code")), (MONTH, "e.occurred_month"))),
    _tab("DI-2", "Divorces selon l'âge de l'époux et l'âge de l'épouse",
         "Divorces by age of husband and age of wife", "divorce", DIVORCES,
         ((_age("husband_age_group", "Âge de l'époux", "Age of husband"),
           f"stats.age_group({_spouse('groom', 'age')}, 15, 60)"),
          (_age("wife_age_group", "Âge de l'épouse", "Age of wife"),
           f"stats.age_group({_spouse('bride', 'age')}, 15, 60)"))),
    _tab("DI-3", "Divorces selon la durée du mariage et le nombre d'enfants à charge",
         "Divorces by duration of marriage and number of dependent children", "divorce",
         DIVORCES,
         ((Dimension("duration_group", Label("Durée du mariage (années révolues)",
                                             "Duration of marriage (completed years)")),
           "stats.duration_group(e.marriage_date_elapsed_years)"),
          (Dimension("dependent_children_group", Label("Enfants à charge",
                                                       "Dependent children")),
           "stats.count_group(e.dependent_children)"))),
    Tabulation(
        "ST-1", Label("Résumé : naissances, morts fœtales, décès et décès infantiles selon la "
                      "résidence", "Summary: live births, foetal deaths, deaths and infant "
                      "deaths by place of usual residence"),
        (Dimension("series", Label("Série", "Series"), "st1_series"), RESIDENCE),
        (Panel("birth", ("'births'::text", ns("e.residence_area_code"))),
         Panel("foetal_death", ("'foetal_deaths'::text", ns("e.residence_area_code"))),
         Panel("death", ("'deaths'::text", ns("e.residence_area_code"))),
         Panel("death", ("'infant_deaths'::text", ns("e.residence_area_code")), "e.infant_death")),
        "events", Label("Événements", "Events")),
)

#: The values of the ``series`` of ST-1 and of ``spouse`` in MA-3, for ``stats.code_label``.
EXTRA_CODE_LISTS: dict[str, tuple[tuple[str, Label], ...]] = {
    "st1_series": (
        ("births", Label("Naissances vivantes", "Live births")),
        ("foetal_deaths", Label("Morts fœtales", "Foetal deaths")),
        ("deaths", Label("Décès", "Deaths")),
        ("infant_deaths", Label("Décès de moins d'un an", "Infant deaths")),
    ),
    "spouse_role": (
        ("groom", Label("Époux", "Groom")),
        ("bride", Label("Épouse", "Bride")),
    ),
}


def tabulation(key: str) -> Tabulation:
    for t in TABULATIONS:
        if t.key == key:
            return t
    raise KeyError(key)
