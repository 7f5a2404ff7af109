"""Every published statistics table: key, view, title and columns.

The one list the CLI (``ecr stats list``), the GUI, the documentation and the
``stats.catalogue`` table are made from.  Tabulations come from
``tabulations``, measures and time series from ``measures``; officer-entered
inputs (expected counts, populations, urban/rural areas) are listed too so that
they can be read back the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from common.acts.model import Label
from common.i18n import translator
from common.stats.measures import measures
from common.stats.tabulations import TABULATIONS
from common.stats.views import event_views

tr = translator("stats")

Column = tuple[str, Label, str | None]


@dataclass(frozen=True)
class Published:
    """A table a user can ask for by ``key`` (``LB-1``, ``sex-ratio`` …).

    ``kind`` is ``tabulation``, ``measure``, ``series`` or ``input``; ``values``
    names its count or measure columns (the others are dimensions).
    """

    key: str
    view: str
    kind: str
    title: Label
    columns: tuple[Column, ...]
    values: tuple[str, ...]
    #: the officer's input (``population``, ``expected``) this table is computed from:
    #: empty while that input is, however many acts are registered
    needs: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.columns)

    @property
    def has_year(self) -> bool:
        return "year" in self.column_names

    def column_label(self, name: str, lang: str | None = None) -> str:
        for n, label, _ in self.columns:
            if n == name:
                return label(lang)
        return name

    def code_list(self, name: str) -> str | None:
        for n, _, cl in self.columns:
            if n == name:
                return cl
        return None


_INPUTS: tuple[Published, ...] = (
    Published("expected", "expected_events", "input",
              Label("Événements attendus (saisis par l'officier)",
                    "Expected events (entered by the officer)"),
              (("area_code", Label("Zone", "Area"), None),
               ("year", Label("Année", "Year"), None),
               ("event_type", Label("Événement", "Event"), "event_type"),
               ("expected", Label("Attendus", "Expected"), None)), ("expected",)),
    Published("population", "population", "input",
              Label("Population (saisie par l'officier)", "Population (entered by the officer)"),
              (("area_code", Label("Zone", "Area"), None),
               ("year", Label("Année", "Year"), None),
               ("population", Label("Population", "Population"), None)), ("population",)),
    Published("urban-rural", "urban_rural_areas", "input",
              Label("Zones urbaines et rurales (saisies par l'officier)",
                    "Urban and rural areas (entered by the officer)"),
              (("area_code", Label("Zone ou préfixe", "Area or prefix"), None),
               ("urban_rural", Label("Urbain/rural", "Urban/rural"), "urban_rural")), ()),
)

_SERIES = ("monthly-registrations", "monthly-occurrences", "events-by-area")


@cache
def catalogue() -> tuple[Published, ...]:
    """Tabulations, then measures and series, then inputs."""
    out: list[Published] = []
    for t in TABULATIONS:
        out.append(Published(t.key, t.view, "tabulation", t.title, tuple(t.columns()),
                             (t.value,)))
    for m in measures(event_views()):
        kind = "series" if m.key in _SERIES else "measure"
        dims = {"event_type", "year", "month", "area_code"}
        needs = next((i.key for i in _INPUTS
                      if re.search(rf"\bstats\.{i.view}\b", m.sql)), None)
        out.append(Published(m.key, m.view, kind, m.title, m.columns,
                             tuple(c[0] for c in m.columns if c[0] not in dims), needs))
    out.extend(_INPUTS)
    return tuple(out)


def find(key: str) -> Published:
    """The table named ``key``: its key in any case, or its view name.

    Raises ``KeyError`` with the list of valid keys.
    """
    wanted = key.strip().lower().replace("_", "-")
    for p in catalogue():
        if wanted in (p.key.lower(), p.view.replace("_", "-")):
            return p
    raise KeyError(key)


def keys() -> tuple[str, ...]:
    return tuple(p.key for p in catalogue())
