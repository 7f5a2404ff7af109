"""``ecr stats``: vital statistics of the centre, for people and for scripts.

::

    ecr stats list                                  the published tables
    ecr stats LB-1 [--year Y] [--format table|csv|json] (--as N | --stats-dsn DSN)
    ecr stats chart monthly-registrations --output FILE.png [--year Y] (--as N | …)
    ecr stats expected list|set AREA YEAR EVENT COUNT|clear AREA YEAR EVENT  --as OFFICER
    ecr stats population list|set AREA YEAR POPULATION|clear AREA YEAR        --as OFFICER
    ecr stats urban-rural list|set AREA urban|rural|clear AREA                --as OFFICER

Reading needs either a logged-in officer or secretary (``--as NUMBER``, the
password from ``ECR_PASSWORD`` or standard input; agents are refused), through
the centre's API like the GUI; or the statisticians' read-only role
(``--stats-dsn`` or ``ECR_STATS_DSN``, a DSN whose user is ``ecr_stats``), which
reads the views directly and never sees a name.  Entering expected counts,
populations and urban/rural areas needs the officer (``--as``), and is audited.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import add_actor_option, emit, read_password

if TYPE_CHECKING:  # imported where used: ``ecr --help`` imports no psycopg nor matplotlib
    from common.stats.reader import ApiEntry, Reader, StatTable

tr = translator("stats")

STATS_DSN_ENV = "ECR_STATS_DSN"


def register(subparsers: Any) -> None:
    # the tables come from the statistics catalogue and the data dictionary:
    # read only when ``ecr stats …`` is the command asked (see CommandParser)
    subparsers.add_parser("stats", help=tr("vital statistics: tabulations, measures, charts"),
                          description=tr("Vital statistics of the centre (UN tabulations "
                                         "by date of occurrence)"), populate=_populate)


def _populate(p: argparse.ArgumentParser, *, national: bool = False) -> None:
    """The ``stats`` command tree.  ``national``: the SCEC's (``xmserver stats``), the
    same tables and outputs over the national register, read by the caller's
    ``stats_connect`` (no officer's inputs, no centre login)."""
    from common.stats.catalogue import catalogue

    sub = p.add_subparsers(dest="stats_command", metavar="TABLE", required=True)
    lp = sub.add_parser("list", help=tr("list the published tables"))
    lp.set_defaults(handler=list_tables)
    for pub in catalogue():
        if pub.kind == "input":
            continue
        names = [pub.key.lower()] + ([pub.key] if pub.key != pub.key.lower() else [])
        tp = sub.add_parser(names[0], aliases=names[1:], help=pub.title())
        _year(tp)
        tp.add_argument("--format", choices=("table", "csv", "json"), default="table",
                        help=tr("output format (default: table)"))
        if not national:
            _access(tp)
        elif pub.kind == "tabulation" and "centre_code" in pub.column_names:
            tp.add_argument("--by-region", action="store_true",
                            help=tr("add up the centres' counts per region (the SCEC's "
                                    "centre directory)"))
        tp.set_defaults(handler=show_table, table_key=pub.key)
    cp = sub.add_parser("chart", help=tr("draw a chart as a PNG file"))
    cp.add_argument("chart", choices=CHARTS, help=tr("which chart"))
    cp.add_argument("--output", required=True, metavar="FILE.png", help=tr("PNG file to write"))
    _year(cp)
    cp.set_defaults(handler=draw_chart)
    if national:
        return
    _access(cp)
    _inputs(sub)


def _year(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, default=None,
                   help=tr("only this year (of occurrence; of registration for registrations)"))


def _access(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", type=int, default=None, metavar="NUMBER",
                   help=tr("officer or secretary reading (password from ECR_PASSWORD or stdin)"))
    p.add_argument("--stats-dsn", default=None, metavar="DSN",
                   help=tr("read as the ecr_stats role with this DSN (default: $ECR_STATS_DSN)"))


# the names of ``common.stats.charts.CHARTS``, which imports matplotlib (a test holds them equal)
CHARTS = ("monthly-registrations", "timeliness", "sex-ratio")


def _inputs(sub: Any) -> None:
    from common.acts.dictionary import EVENTS

    ex = sub.add_parser("expected", help=tr("expected events per area and year (officer)"))
    exs = ex.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = exs.add_parser("list", help=tr("show the expected events entered"))
    _access(p)
    p.set_defaults(handler=show_input, table_key="expected")
    p = exs.add_parser("set", help=tr("enter the expected number of events"))
    _positionals(p, ("area", str), ("year", int), ("event", list(EVENTS)), ("count", int))
    add_actor_option(p)
    p.set_defaults(handler=set_expected)
    p = exs.add_parser("clear", help=tr("remove an expected number of events"))
    _positionals(p, ("area", str), ("year", int), ("event", list(EVENTS)))
    add_actor_option(p)
    p.set_defaults(handler=set_expected, count=None)

    po = sub.add_parser("population", help=tr("population per area and year (officer)"))
    pos = po.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = pos.add_parser("list", help=tr("show the populations entered"))
    _access(p)
    p.set_defaults(handler=show_input, table_key="population")
    p = pos.add_parser("set", help=tr("enter the population of an area in a year"))
    _positionals(p, ("area", str), ("year", int), ("population", int))
    add_actor_option(p)
    p.set_defaults(handler=set_population)
    p = pos.add_parser("clear", help=tr("remove a population"))
    _positionals(p, ("area", str), ("year", int))
    add_actor_option(p)
    p.set_defaults(handler=set_population, population=None)

    ur = sub.add_parser("urban-rural", help=tr("urban and rural areas (officer)"))
    urs = ur.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = urs.add_parser("list", help=tr("show the urban and rural areas entered"))
    _access(p)
    p.set_defaults(handler=show_input, table_key="urban-rural")
    p = urs.add_parser("set", help=tr("say whether an area (or a code prefix) is urban or rural"))
    _positionals(p, ("area", str), ("value", ["urban", "rural"]))
    add_actor_option(p)
    p.set_defaults(handler=set_urban_rural)
    p = urs.add_parser("clear", help=tr("remove an area from the urban/rural table"))
    _positionals(p, ("area", str))
    add_actor_option(p)
    p.set_defaults(handler=set_urban_rural, value=None)


def _positionals(p: argparse.ArgumentParser, *specs: tuple[str, Any]) -> None:
    """Positional arguments: a type, or a list of the accepted values."""
    for name, kind in specs:
        if isinstance(kind, list):
            p.add_argument(name, choices=kind)
        else:
            p.add_argument(name, type=kind)


# ------------------------------------------------------------------ access
@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Any]:
    from ecr_tk.services import Centre

    with Centre.open(args.home, workstation=args.workstation) as centre:
        session = centre.login(args.actor, read_password())
        try:
            yield session
        finally:
            session.logout()


@contextmanager
def _reader(args: argparse.Namespace) -> Iterator[Reader]:
    import psycopg

    from common.stats.reader import DirectReader, StatisticsError

    connect = getattr(args, "stats_connect", None)  # xmserver stats: the national register
    if connect is not None:
        with connect(args) as conn:
            yield DirectReader(conn)
        return
    dsn = getattr(args, "stats_dsn", None) or os.environ.get(STATS_DSN_ENV)
    if args.actor is not None:
        with _session(args) as session:
            yield session.stats_reader()
    elif dsn:
        try:
            conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StatisticsError(
                tr("Cannot connect with the statistics DSN: {reason}",
                   reason=str(exc).strip().splitlines()[0] if str(exc).strip() else exc),
                field="stats_dsn", rule="database_unavailable") from exc
        with conn:
            yield DirectReader(conn)
    else:
        raise StatisticsError(
            tr("Reading statistics needs --as NUMBER (an officer or a secretary) or "
               "--stats-dsn DSN (the ecr_stats role)"), field="as", rule="required")


def _read(args: argparse.Namespace, key: str, year: int | None) -> StatTable:
    import psycopg

    from common.stats.reader import StatisticsError, read_table

    with _reader(args) as reader:
        try:
            return read_table(reader, key, year)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StatisticsError(tr("This database role may not read the statistics views"),
                                  field="stats_dsn", rule="database_privilege") from exc


# ---------------------------------------------------------------- handlers
def list_tables(args: argparse.Namespace) -> int:
    from common.stats.catalogue import catalogue

    published = [p for p in catalogue() if p.kind != "input"]
    payload = [{"key": p.key, "kind": p.kind, "view": f"stats.{p.view}",
                "title": p.title()} for p in published]
    width = max(len(p.key) for p in published)
    kinds = {"tabulation": tr("tabulation"), "measure": tr("measure"), "series": tr("series")}
    text = "\n".join(f"{p.key.ljust(width)}  {kinds[p.kind]:<11}  {p.title()}" for p in published)
    emit(args, payload, text)
    return 0


def _print(args: argparse.Namespace, table: StatTable, fmt: str) -> None:
    from common.stats.formatting import to_csv, to_json, to_text

    if args.json or fmt == "json":
        sys.stdout.write(to_json(table) + "\n")
    elif fmt == "csv":
        sys.stdout.write(to_csv(table))
    else:
        sys.stdout.write(to_text(table) + "\n")


def show_table(args: argparse.Namespace) -> int:
    table = _read(args, args.table_key, args.year)
    if getattr(args, "by_region", False):  # xmserver stats: its centre directory's regions
        from common.stats.regroup import by_region

        table = by_region(table, args.stats_regions(args))
    _print(args, table, args.format)
    return 0


def show_input(args: argparse.Namespace) -> int:
    _print(args, _read(args, args.table_key, None), "table")
    return 0


def draw_chart(args: argparse.Namespace) -> int:
    from common.stats import charts

    table = _read(args, charts.SOURCE_TABLE[args.chart], args.year)
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise UserError(tr("The chart file must end in .png"), field="output", rule="png_only")
    charts.save_png(charts.figure(args.chart, table), out)
    emit(args, {"chart": args.chart, "output": str(out), "rows": len(table.rows)},
         tr("Chart written to {path}", path=out))
    return 0


def _entry(args: argparse.Namespace, session: Any) -> ApiEntry:
    return session.stats_entry()


def set_expected(args: argparse.Namespace) -> int:
    with _session(args) as session:
        _entry(args, session).set_expected(args.area, args.year, args.event, args.count)
    payload = {"area_code": args.area, "year": args.year, "event_type": args.event,
               "expected": args.count}
    text = (tr("Expected {event} in {area} for {year}: {count}", event=args.event,
               area=args.area, year=args.year, count=args.count) if args.count is not None else
            tr("Expected {event} in {area} for {year} removed", event=args.event,
               area=args.area, year=args.year))
    emit(args, payload, text)
    return 0


def set_population(args: argparse.Namespace) -> int:
    with _session(args) as session:
        _entry(args, session).set_population(args.area, args.year, args.population)
    payload = {"area_code": args.area, "year": args.year, "population": args.population}
    text = (tr("Population of {area} in {year}: {population}", area=args.area, year=args.year,
               population=args.population) if args.population is not None else
            tr("Population of {area} in {year} removed", area=args.area, year=args.year))
    emit(args, payload, text)
    return 0


def set_urban_rural(args: argparse.Namespace) -> int:
    from common.stats.formatting import code_label

    with _session(args) as session:
        _entry(args, session).set_urban_rural(args.area, args.value)
    payload = {"area_code": args.area, "urban_rural": args.value}
    text = (tr("Area {area} is {value}", area=args.area,
               value=code_label("urban_rural", args.value))
            if args.value is not None else
            tr("Area {area} removed from the urban/rural table", area=args.area))
    emit(args, payload, text)
    return 0
