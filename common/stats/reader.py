"""Read a published statistics table, and enter the officer's reference figures.

Two ways in, one result (``StatTable``):

* ``DirectReader``: a PostgreSQL connection that may read schema ``stats``
  (the statisticians' role ``ecr_stats``, or the database owner);
* ``ApiReader``: the centre's SQL API as a logged-in officer or secretary
  (``stats.read_table``), for workstations whose role reads no table at all.

``ApiEntry`` calls the officer's entry functions (expected events, population,
urban/rural areas) after checking the values here, so that a mistake is named
with its field and rule before the database is asked.  This module opens no
connection: callers pass one in, or a function that runs an API call.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from psycopg import sql
from psycopg.rows import dict_row

from common.acts.dictionary import EVENTS
from common.errors import UserError
from common.i18n import translator
from common.stats.catalogue import Published, find, keys

tr = translator("stats")

Row = dict[str, Any]
ApiCall = Callable[[str, Sequence[Any]], list[Row]]

AREA = re.compile(r"^[0-9]{1,12}$")
YEARS = (1900, 2200)


class StatisticsError(UserError):
    """A statistics request refused: unknown table, bad year, bad area code…"""


@dataclass(frozen=True)
class StatTable:
    """The rows of one published table, sorted by their dimensions, year-filtered."""

    published: Published
    year: int | None
    rows: tuple[Row, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.published.column_names


class Reader(Protocol):
    def fetch(self, published: Published, year: int | None) -> list[Row]: ...


class DirectReader:
    """Reads the views of schema ``stats`` over a connection that may."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def fetch(self, published: Published, year: int | None) -> list[Row]:
        query = sql.SQL("SELECT * FROM stats.{}").format(sql.Identifier(published.view))
        params: tuple[Any, ...] = ()
        if year is not None:
            query = sql.SQL("{} WHERE year = %s").format(query)
            params = (year,)
        with self._conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return list(cur.fetchall())


class ApiReader:
    """Reads through ``stats.read_table`` with a session token (officer or secretary)."""

    def __init__(self, call: ApiCall, token: uuid.UUID) -> None:
        self._call = call
        self._token = token

    def fetch(self, published: Published, year: int | None) -> list[Row]:
        got = self._call("SELECT stats.read_table(%s, %s, %s) AS r",
                         (self._token, published.key, year))
        return [dict(g["r"]) for g in got]


def lookup(key: str) -> Published:
    """The published table ``key`` or a ``StatisticsError`` listing the valid keys."""
    try:
        return find(key)
    except KeyError:
        raise StatisticsError(
            tr("Unknown statistics table {key}; run 'ecr stats list' (known: {known})",
               key=key, known=", ".join(keys())),
            field="table", rule="unknown_statistics_table") from None


def check_year(year: object, field: str = "year") -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise StatisticsError(tr("A year must be a whole number between {low} and {high}",
                                 low=YEARS[0], high=YEARS[1]), field=field, rule="bad_year")
    return year


def check_area(area: object, field: str = "area_code") -> str:
    if not isinstance(area, str) or not AREA.match(area):
        raise StatisticsError(tr("An area code is 1 to 12 digits of the national nomenclature"),
                              field=field, rule="bad_area_code")
    return area


def _normal(value: Any) -> Any:
    # numeric columns come back as Decimal directly and as float through JSON:
    # one type for both ways in.
    return float(value) if isinstance(value, Decimal) else value


def _sort_key(row: Row, dims: Sequence[str]) -> tuple[Any, ...]:
    # NULL (a national total) first, then values; each column holds one type.
    return tuple((row.get(d) is not None, row.get(d) if row.get(d) is not None else 0)
                 for d in dims)


def read_table(reader: Reader, key: str, year: int | None = None) -> StatTable:
    """The published table ``key`` (optionally one year of occurrence) as a ``StatTable``."""
    published = lookup(key)
    if year is not None:
        check_year(year)
        if not published.has_year:
            raise StatisticsError(tr("Table {key} has no year to filter on", key=published.key),
                                  field="year", rule="table_without_year")
    rows = [{c: _normal(r.get(c)) for c in published.column_names}
            for r in reader.fetch(published, year)]
    dims = [c for c in published.column_names if c not in published.values]
    rows.sort(key=lambda r: _sort_key(r, dims))
    return StatTable(published, year, tuple(rows))


class ApiEntry:
    """The officer's entries, through the centre's SQL API (audited there)."""

    def __init__(self, call: ApiCall, token: uuid.UUID) -> None:
        self._call = call
        self._token = token

    def set_expected(self, area: str, year: int, event_type: str, expected: int | None) -> None:
        check_area(area)
        check_year(year)
        if event_type not in EVENTS:
            raise StatisticsError(tr("Unknown event type {key}; expected one of: {keys}",
                                     key=event_type, keys=", ".join(EVENTS)),
                                  field="event_type", rule="bad_event_type")
        if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)
                                     or expected < 0):
            raise StatisticsError(tr("An expected count is a whole number, zero or more"),
                                  field="expected", rule="bad_count")
        self._call("SELECT stats.set_expected(%s, %s, %s, %s, %s)",
                   (self._token, area, year, event_type, expected))

    def set_population(self, area: str, year: int, population: int | None) -> None:
        check_area(area)
        check_year(year)
        if population is not None and (isinstance(population, bool)
                                       or not isinstance(population, int) or population <= 0):
            raise StatisticsError(tr("A population is a whole number greater than zero"),
                                  field="population", rule="bad_count")
        self._call("SELECT stats.set_population(%s, %s, %s, %s)",
                   (self._token, area, year, population))

    def set_urban_rural(self, area: str, value: str | None) -> None:
        check_area(area)
        if value is not None and value not in ("urban", "rural"):
            raise StatisticsError(tr("Urban/rural must be 'urban' or 'rural'"),
                                  field="urban_rural", rule="bad_urban_rural")
        self._call("SELECT stats.set_urban_rural(%s, %s, %s)", (self._token, area, value))
