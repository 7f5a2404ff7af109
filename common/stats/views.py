"""The typed, analysis-ready view of each event, generated from the data dictionary.

One view per event type (``stats.birth``, ``stats.death`` …), one row per act,
over the single source relation ``stats_source.acts``.  Its columns are derived
by walking the event's fields, never listed by hand:

* a field that identifies a person is left out (``is_identifying``): names,
  NIU links, free text (localities, addresses, id document numbers, the text of
  causes, court references…).  A text field with a ``pattern`` is a code
  (ISCO occupation) and is kept;
* a person's date of birth and age become one ``<person>_age`` column (age in
  completed years at the date of occurrence, from the date of birth, else from
  the declared age);
* any other date becomes ``<field>_elapsed_years`` (completed years from that
  date to the occurrence: duration of marriage, interval since the last birth);
  exact dates are never exposed, only the year and month of the event and of its
  registration;
* a time becomes ``<field>_hour``;
* a code keeps its code and gains ``_label_fr`` and ``_label_en`` (joined from
  ``stats.code_label``; PostgreSQL removes the join when the label is not read);
* an area code gains ``_urban_rural`` (national table ``stats.urban_rural_areas``);
* an ICD-10 code gains ``_chapter``;
* repeated groups are spread over numbered columns (``spouses_1_age``,
  ``cause_part1_a_icd10``).

Statistical residence (P&R Rev.3): for births and foetal deaths the mother's,
for infant deaths the mother's when given, otherwise the principal person's.

This module must never name a concrete field of an event, except the paths of
the residence rules below (statistical methodology, not a list of fields).
"""

# ruff: noqa: S608 -- this module writes DDL from the dictionary, never user input
from __future__ import annotations

from dataclasses import dataclass, field

from common.acts.dictionary import EVENTS
from common.acts.model import EventType, Field, Group, Kind, Label
from common.stats.sqltext import ident, json_path, label_comment, literal

SOURCE = "stats_source.acts"

#: Where the mother's residence of a dead infant is recorded, when an event has it.
INFANT_MOTHER_RESIDENCE = ("infant", "mother_residence")

#: Columns every event view starts with: from the source relation, never from ``data``.
ENVELOPE_NAMES = ("occurred_on", "registered_on")


@dataclass(frozen=True)
class StatColumn:
    """One column of a typed view.

    A *stored* column is computed once per act from the act data (``sql`` is
    an expression over the source row ``a``) and kept in ``stats.<event>_facts``;
    a *presented* column (a code's label, urban/rural) is computed when read
    (``sql`` is an expression over the facts row ``f``), because it depends on
    tables the officer may change.
    """

    name: str
    sql: str
    sql_type: str
    comment: str
    code_list: str | None = None
    path: str | None = None  # dotted dictionary path (concrete indexes), None if derived
    stored: bool = True


@dataclass(frozen=True)
class EventView:
    """The typed view of one event type, in three SQL objects:

    * ``stats_source.<event>``: the stored columns extracted from the act data
      (private: it reads the source relation);
    * ``stats.<event>_facts``: a table of those columns, one row per registered
      act, kept up to date by ``stats.refresh_act`` (called by a trigger on the
      act table) and rebuilt by ``stats.rebuild_facts``: reading a few hundred
      bytes per act instead of its whole JSON makes a tabulation of a million
      acts take a fraction of a second;
    * ``stats.<event>``: the view statisticians read: facts plus labels and
      urban/rural.
    """

    event: str
    columns: tuple[StatColumn, ...]
    joins: tuple[str, ...] = field(default=())
    hot: frozenset[str] = frozenset()  # columns the tabulations read: stored first

    @property
    def name(self) -> str:
        return self.event

    @property
    def facts(self) -> str:
        return f"{self.event}_facts"

    def stored(self) -> tuple[StatColumn, ...]:
        """The stored columns in facts-table order: the ``hot`` ones (read by the
        tabulations) first, then fixed-width before text, shallow before deep.
        Reading a column costs a walk over the variable-width ones before it."""
        def rank(c: StatColumn) -> tuple[int, int, int]:
            fixed = c.sql_type in ("integer", "bigint", "boolean")
            return (0 if c.name in self.hot else 1, 0 if fixed else 1,
                    0 if c.path is None else c.path.count(".") + 1)
        return tuple(sorted((c for c in self.columns if c.stored), key=rank))

    def column(self, name: str) -> StatColumn:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"stats.{self.name} has no column {name}")

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def source_view_sql(self, source: str = SOURCE) -> str:
        """``stats_source.<event>``: the stored columns, extracted from the act data."""
        lines = ",\n".join(f"    {_typed(c)} AS {ident(c.name)}" for c in self.stored())
        return (f"CREATE VIEW stats_source.{ident(self.name)} AS\nSELECT\n{lines}\n"
                f"FROM {source} a\nWHERE a.event_type = {literal(self.event)};")

    def facts_sql(self) -> str:
        """``stats.<event>_facts``: the stored columns as a table keyed by act."""
        return (f"CREATE TABLE stats.{ident(self.facts)} AS\n"
                f"    SELECT * FROM stats_source.{self.name} WITH NO DATA;\n"
                f"ALTER TABLE stats.{self.facts} ADD PRIMARY KEY (act_id);\n"
                f"COMMENT ON TABLE stats.{self.facts} IS "
                f"{literal('Typed facts of stats.' + self.name + ' (maintained by trigger)')};")

    def view_sql(self) -> str:
        """``stats.<event>`` over the facts, with its comments."""
        lines = ",\n".join(
            f"    {'f.' + c.name if c.stored else c.sql} AS {ident(c.name)}" for c in self.columns)
        joins = "".join(f"\n    {j}" for j in self.joins)
        ev = EVENTS[self.event]
        out = [
            f"CREATE VIEW stats.{ident(self.name)} AS\nSELECT\n{lines}\n"
            f"FROM stats.{self.facts} f{joins};",
            f"COMMENT ON VIEW stats.{self.name} IS "
            f"{literal(label_comment(ev.label) + ' — one row per registered act, no names')};",
        ]
        for c in self.columns:
            out.append(f"COMMENT ON COLUMN stats.{self.name}.{c.name} IS {literal(c.comment)};")
        return "\n".join(out)


def is_identifying(f: Field) -> bool:
    """Whether a field identifies a person and must stay out of statistics.

    The dictionary's own flag wins when it has one (``Field.identifying``);
    otherwise names, NIU links and free text are identifying, while codes,
    numbers, dates (turned into ages and durations) and patterned text are not.
    """
    flag = getattr(f, "identifying", None)
    if flag is not None:
        return bool(flag)
    if f.kind in (Kind.NAME, Kind.NIU):
        return True
    if f.kind is Kind.TEXT:
        return f.pattern is None
    return False


class _Builder:
    def __init__(self, event: EventType) -> None:
        self.event = event
        self.columns: list[StatColumn] = []
        self.joins: list[str] = []
        self.age_sql: dict[str, str] = {}  # person path -> age expression

    def add(self, col: StatColumn) -> None:
        if any(c.name == col.name for c in self.columns):
            raise ValueError(f"stats.{self.event.key}: two columns named {col.name}")
        ident(col.name)
        self.columns.append(col)

    def add_code(self, name: str, sql: str, code_list: str, comment: str,
                 path: str | None = None) -> None:
        self.add(StatColumn(name, sql, "text", comment, code_list, path))
        alias = f"l{len(self.joins) + 1}"
        self.joins.append(
            f"LEFT JOIN stats.code_label {alias} ON {alias}.list = {literal(code_list)}"
            f" AND {alias}.code = f.{name}"
        )
        self.add(StatColumn(f"{name}_label_fr", f"{alias}.label_fr", "text",
                            f"{comment} (libellé)", stored=False))
        self.add(StatColumn(f"{name}_label_en", f"{alias}.label_en", "text",
                            f"{comment} (label)", stored=False))

    def add_urban_rural(self, area_column: str, comment: str) -> None:
        name = area_column.removesuffix("_area_code") + "_urban_rural"
        self.add(StatColumn(name, f"stats.urban_rural(f.{area_column})", "text",
                            f"{comment} : urbain/rural / urban/rural", "urban_rural",
                            stored=False))


def _text(parts: list[str]) -> str:
    return f"(a.data #>> {json_path(parts)})"


def _is_person(group: Group) -> bool:
    bd, age = group.child("birth_date"), group.child("age")
    return (isinstance(bd, Field) and bd.kind is Kind.DATE) or (
        isinstance(age, Field) and age.kind is Kind.INT
    )


def _age_sql(group: Group, parts: list[str]) -> str:
    terms = []
    bd = group.child("birth_date")
    if isinstance(bd, Field) and bd.kind is Kind.DATE:
        terms.append(
            f"extract(year FROM age(a.occurred_on, {_text([*parts, 'birth_date'])}::date))::integer"
        )
    age = group.child("age")
    if isinstance(age, Field) and age.kind is Kind.INT:
        terms.append(f"{_text([*parts, 'age'])}::integer")
    return terms[0] if len(terms) == 1 else f"COALESCE({', '.join(terms)})"


def _walk(b: _Builder, group: Group, parts: list[str], prefix: str,
          labels: tuple[Label, ...], path: str) -> None:
    person = _is_person(group)
    age_done = False
    for child in group.ordered():
        if isinstance(child, Group):
            if child.repeated:
                assert child.repeat_max is not None
                for i in range(child.repeat_max):
                    item = child.item_names[i] if i < len(child.item_names) else str(i + 1)
                    _walk(b, child, [*parts, child.name, str(i)], f"{prefix}{child.name}_{item}_",
                          (*labels, Label(child.item_label(i, "fr"), child.item_label(i, "en"))),
                          f"{path}{child.name}[{i}].")
            else:
                _walk(b, child, [*parts, child.name], f"{prefix}{child.name}_",
                      (*labels, child.label), f"{path}{child.name}.")
            continue
        here = (*labels, child.label)
        comment = label_comment(Label(" › ".join(x.fr for x in here),
                                      " › ".join(x.en for x in here)))
        if person and child.name in ("birth_date", "age"):
            if not age_done:
                age_done = True
                sql = _age_sql(group, parts)
                b.age_sql[path.rstrip(".")] = sql
                who = label_comment(Label(" › ".join(x.fr for x in labels) or "Personne",
                                          " › ".join(x.en for x in labels) or "Person"))
                b.add(StatColumn(f"{prefix}age", sql, "integer",
                                 f"{who} › Âge en années révolues / age in completed years"))
            continue
        if not parts and child.name in ENVELOPE_NAMES:
            continue  # the source relation's column is the reference
        if is_identifying(child):
            continue
        name = prefix + child.name
        value = _text([*parts, child.name])
        leaf_path = path + child.name
        kind = child.kind
        if kind is Kind.CODE:
            assert child.code_list is not None
            b.add_code(name, value, child.code_list, comment, leaf_path)
        elif kind is Kind.INT:
            b.add(StatColumn(name, f"{value}::integer", "integer", comment, path=leaf_path))
        elif kind is Kind.BOOL:
            b.add(StatColumn(name, f"{value}::boolean", "boolean", comment, path=leaf_path))
        elif kind is Kind.DATE:
            b.add(StatColumn(
                f"{name}_elapsed_years",
                f"extract(year FROM age(a.occurred_on, {value}::date))::integer", "integer",
                f"{comment} : années révolues jusqu'à l'événement / "
                f"completed years to the event", path=leaf_path))
        elif kind is Kind.TIME:
            b.add(StatColumn(f"{name}_hour", f"split_part({value}, ':', 1)::integer",
                             "integer", f"{comment} (heure / hour)", path=leaf_path))
        else:  # AREA, COUNTRY, ICD10, patterned TEXT: a code kept as text
            b.add(StatColumn(name, value, "text", comment, path=leaf_path))
            if kind is Kind.AREA:
                b.add_urban_rural(name, comment)
            elif kind is Kind.ICD10:
                b.add(StatColumn(f"{name}_chapter", f"stats.icd10_chapter({value})", "text",
                                 f"{comment} : chapitre / chapter", "icd10_chapter"))


def _envelope(b: _Builder) -> None:
    b.add(StatColumn("act_id", "a.act_id", "bigint",
                     "Identifiant technique de l'acte (pas le NIU) / "
                     "technical act id (not the NIU)"))
    b.add(StatColumn("centre_code", "a.centre_code", "text",
                     "Centre d'inscription / place of registration"))
    b.add(StatColumn("occurred_year", "extract(year FROM a.occurred_on)::integer", "integer",
                     "Année de l'événement / year of occurrence"))
    b.add(StatColumn("occurred_month", "extract(month FROM a.occurred_on)::integer", "integer",
                     "Mois de l'événement / month of occurrence"))
    b.add(StatColumn("registered_year", "extract(year FROM a.registered_on)::integer", "integer",
                     "Année d'inscription / year of registration"))
    b.add(StatColumn("registered_month", "extract(month FROM a.registered_on)::integer",
                     "integer", "Mois d'inscription / month of registration"))
    b.add(StatColumn("registration_delay_days", "(a.registered_on - a.occurred_on)", "integer",
                     "Délai d'inscription en jours / registration delay in days"))
    b.add_code("timeliness", "a.timeliness", "timeliness",
               "Délai de déclaration / timeliness of registration")


def _residence(b: _Builder) -> None:
    """``residence_area_code``: the residence that statistics tabulate by (P&R Rev.3)."""
    ev = b.event
    base: str | None = None
    if ev.mother_path:
        base = ev.mother_path
    else:
        node = ev.root.child(ev.principal_person)
        if isinstance(node, Group) and not node.repeated:
            base = ev.principal_person
    if base is None:
        return
    area = _text([*base.split("."), "residence", "area_code"])
    sql = area
    comment = "Résidence habituelle (de la mère pour les naissances) / usual residence"
    infant = ev.root.child(INFANT_MOTHER_RESIDENCE[0])
    age = b.age_sql.get(base)
    if isinstance(infant, Group) and infant.child(INFANT_MOTHER_RESIDENCE[1]) and age:
        mother_area = _text([*INFANT_MOTHER_RESIDENCE, "area_code"])
        sql = (f"(CASE WHEN {age} < 1 AND {mother_area} IS NOT NULL "
               f"THEN {mother_area} ELSE {area} END)")
        comment = ("Résidence habituelle (de la mère pour un enfant de moins d'un an) / "
                   "usual residence (the mother's for an infant)")
        b.add(StatColumn("infant_death", f"({age} < 1)", "boolean",
                         "Décès avant un an / death under one year of age"))
    b.add(StatColumn("residence_area_code", sql, "text", comment))
    b.add_urban_rural("residence_area_code", comment)


def event_view(event: EventType, hot: frozenset[str] = frozenset()) -> EventView:
    """The typed view of ``event``, derived from its dictionary declaration."""
    b = _Builder(event)
    _envelope(b)
    _walk(b, event.root, [], "", (), "")
    _residence(b)
    return EventView(event.key, tuple(b.columns), tuple(b.joins), hot)


def event_views(hot: frozenset[str] = frozenset()) -> dict[str, EventView]:
    """Every event's typed view, in dictionary order (``hot``: see ``EventView``)."""
    return {key: event_view(ev, hot) for key, ev in EVENTS.items()}


#: Columns every event has, gathered in ``stats.all_acts`` (with ``event_type``
#: and ``area_code``, the residence where the event has one, else the place).
COMMON_COLUMNS = ("act_id", "centre_code", "occurred_year", "occurred_month", "registered_year",
                  "registered_month", "registration_delay_days", "timeliness")


def _typed(c: StatColumn) -> str:
    """A stored column's expression with its type; codes compare bytewise (``C``):
    they are ASCII keys, and grouping by them must not pay for a linguistic sort."""
    if c.sql_type == "text":
        return f"{c.sql}::text COLLATE \"C\""
    return c.sql if c.sql.endswith(f"::{c.sql_type}") else f"{c.sql}::{c.sql_type}"


def _area(v: EventView) -> str:
    return "residence_area_code" if v.has("residence_area_code") else "place_area_code"


ACT_FACTS = """\
CREATE TABLE stats.act_facts (
    act_id bigint PRIMARY KEY,
    occurred_year integer,
    occurred_month integer,
    registered_year integer,
    registered_month integer,
    registration_delay_days integer,
    event_type text COLLATE "C" NOT NULL,
    centre_code text COLLATE "C",
    timeliness text COLLATE "C",
    area_code text COLLATE "C"
);
COMMENT ON TABLE stats.act_facts IS 'Common facts of every registered act (maintained by trigger)';
"""


def act_facts_select(v: EventView, where: str = "") -> str:
    """The ``stats.act_facts`` rows of one event, from its source view."""
    return (f"INSERT INTO stats.act_facts (act_id, occurred_year, occurred_month, "
            f"registered_year, registered_month, registration_delay_days, event_type, "
            f"centre_code, timeliness, area_code)\n"
            f"        SELECT act_id, occurred_year, occurred_month, registered_year, "
            f"registered_month, registration_delay_days, {literal(v.event)}, centre_code, "
            f"timeliness, {_area(v)} FROM stats_source.{v.name}{where};")


def all_acts_sql(views: dict[str, EventView]) -> str:
    """``stats.act_facts`` (a narrow table: series over every act read little) and
    the view ``stats.all_acts`` over it."""
    cols = ", ".join(("event_type", *COMMON_COLUMNS, "area_code"))
    return (ACT_FACTS + f"CREATE VIEW stats.all_acts AS SELECT {cols} FROM stats.act_facts;\n"
            "COMMENT ON VIEW stats.all_acts IS " + literal(
                "Tous les actes inscrits, colonnes communes / every registered act, "
                "common columns (area_code: residence, else place of occurrence)") + ";")


def identifying_paths(event: EventType) -> list[str]:
    """The dictionary paths left out of ``stats.<event>`` (for tests and the docs)."""
    return [path for path, f in event.leaves() if is_identifying(f)]
