"""Independent reference counts: what each tabulation and measure must hold.

Computed in plain Python from the generated acts, WITHOUT the SQL generator or
any of common.stats: ages from dates, residence rules, groups and ICD-10
chapters are re-implemented here from VITAL_EVENTS.md and P&R Rev.3, so that a
mistake in the views cannot be copied into the expectation.  Urban/rural uses
the data dictionary's own ``urban_rural`` (not our SQL function).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from common.acts.dictionary import urban_rural

NS = "not_stated"
Cells = Counter[tuple[Any, ...]]


@dataclass(frozen=True)
class Act:
    act_id: int
    event_type: str
    data: dict[str, Any]
    occurred_on: date
    registered_on: date
    timeliness: str
    centre_code: str


def get(d: Any, *path: Any) -> Any:
    for p in path:
        if isinstance(p, int):
            if not isinstance(d, list) or p >= len(d):
                return None
            d = d[p]
        else:
            if not isinstance(d, dict):
                return None
            d = d.get(p)
    return d


def ns(v: Any) -> Any:
    return NS if v is None else v


def completed_years(born: date, on: date) -> int:
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def age(person: Any, on: date) -> int | None:
    bd = get(person, "birth_date")
    if bd is not None:
        return completed_years(date.fromisoformat(bd), on)
    a = get(person, "age")
    return int(a) if a is not None else None


def residence(act: Act) -> str | None:
    d = act.data
    if act.event_type in ("birth", "foetal_death"):
        return get(d, "mother", "residence", "area_code")
    if act.event_type == "death":
        a = age(d.get("deceased"), act.occurred_on)
        mother = get(d, "infant", "mother_residence", "area_code")
        if a is not None and a < 1 and mother is not None:
            return mother
        return get(d, "deceased", "residence", "area_code")
    return None


def is_infant_death(act: Act) -> bool:
    a = age(act.data.get("deceased"), act.occurred_on)
    return a is not None and a < 1


def five_year(a: int | None, low: int, high: int) -> str:
    if a is None:
        return NS
    if a < low:
        return f"00-{low - 1:02d}"
    if a >= high:
        return f"{high}+"
    start = low + (a - low) // 5 * 5
    return f"{start:02d}-{start + 4:02d}"


def death_age_group(a: int | None) -> str:
    if a is None:
        return NS
    if a == 0:
        return "00"
    if a <= 4:
        return "01-04"
    if a >= 85:
        return "85+"
    start = a - a % 5
    return f"{start:02d}-{start + 4:02d}"


def weight_group(g: int | None) -> str:
    if g is None:
        return NS
    if g < 1000:
        return "0000-0999"
    if g >= 4500:
        return "4500+"
    start = g - g % 500
    return f"{start:04d}-{start + 499:04d}"


def duration_group(y: int | None) -> str:
    if y is None or y < 0:
        return NS
    if y < 5:
        return f"{y:02d}"
    if y >= 30:
        return "30+"
    start = y - y % 5
    return f"{start:02d}-{start + 4:02d}"


def children_group(n: int | None) -> str:
    if n is None or n < 0:
        return NS
    return "5+" if n >= 5 else str(n)


# ICD-10 chapters by first letter and number (WHO), written out independently.
def icd10_chapter(code: str | None) -> str | None:
    if not code or len(code) < 3 or not code[0].isalpha() or not code[1:3].isdigit():
        return None
    letter, num = code[0].upper(), int(code[1:3])
    simple = {"A": "I", "B": "I", "E": "IV", "F": "V", "G": "VI", "I": "IX", "J": "X",
              "K": "XI", "L": "XII", "M": "XIII", "N": "XIV", "O": "XV", "P": "XVI",
              "Q": "XVII", "R": "XVIII", "S": "XIX", "T": "XIX", "V": "XX", "W": "XX",
              "X": "XX", "Y": "XX", "Z": "XXI", "U": "XXII", "C": "II"}
    if letter == "D":
        return "II" if num <= 49 else "III"
    if letter == "H":
        return "VII" if num <= 59 else "VIII"
    return simple.get(letter)


def spouses(act: Act) -> tuple[Any, Any]:
    """(groom, bride): told apart by sex; the first spouse when they cannot be."""
    s = act.data.get("spouses") or [None, None]
    first, second = s[0], s[1]
    if get(second, "sex") == "M" and get(first, "sex") != "M":
        return second, first
    return first, second


# --------------------------------------------------------------- tabulations
Cell = Callable[[Act], tuple[Any, ...] | list[tuple[Any, ...]]]


def _count(acts: Iterable[Act], event: str, cell: Cell,
           where: Callable[[Act], bool] = lambda a: True) -> Cells:
    out: Cells = Counter()
    for a in acts:
        if a.event_type == event and where(a):
            got = cell(a)
            for c in got if isinstance(got, list) else [got]:
                out[(a.occurred_on.year, *c)] += 1
    return out


def tabulations(acts: list[Act], ur: Mapping[str, str]) -> dict[str, Cells]:
    """Cells of every tabulation: (year, dims… [with urban/rural where the view has it])."""

    def area(v: str | None) -> tuple[str, str]:
        v = ns(v)
        return v, urban_rural(v, ur)

    def place(a: Act) -> str | None:
        return get(a.data, "place", "area_code")

    def mother_age(a: Act) -> str:
        return five_year(age(a.data.get("mother"), a.occurred_on), 15, 50)

    def deceased_age(a: Act) -> str:
        return death_age_group(age(a.data.get("deceased"), a.occurred_on))

    def sp_age(p: Any, a: Act) -> str:
        return five_year(age(p, a.occurred_on), 15, 60)

    def site(a: Act) -> str:
        return ns(get(a.data, "place", "type"))

    def deceased_sex(a: Act) -> str:
        return ns(get(a.data, "deceased", "sex"))

    def duration(a: Act) -> int | None:
        md = a.data.get("marriage_date")
        return completed_years(date.fromisoformat(md), a.occurred_on) if md else None

    def ma3(a: Act) -> list[tuple[Any, ...]]:
        g, b = spouses(a)
        return [("groom", ns(get(g, "previous_marital_status")), sp_age(g, a)),
                ("bride", ns(get(b, "previous_marital_status")), sp_age(b, a))]

    t = {
        "LB-1": _count(acts, "birth", lambda a: (*area(place(a)), ns(get(a.data, "child", "sex")))),
        "LB-2": _count(acts, "birth", lambda a: (*area(place(a)), *area(residence(a)))),
        "LB-3": _count(acts, "birth", lambda a: (a.centre_code, a.occurred_on.month,
                                                 a.registered_on.year, a.registered_on.month)),
        "LB-5": _count(acts, "birth", lambda a: (mother_age(a), ns(get(a.data, "mother",
                                                                       "marital_status")))),
        "LB-6": _count(acts, "birth", lambda a: (five_year(age(a.data.get("father"),
                                                               a.occurred_on), 15, 60),)),
        "LB-7": _count(acts, "birth", lambda a: (*area(residence(a)), mother_age(a),
                                                 ns(get(a.data, "mother", "education")))),
        "LB-13": _count(acts, "birth", lambda a: (*area(place(a)), ns(get(a.data, "place", "type")),
                                                  ns(a.data.get("attendant")))),
        "LB-14": _count(acts, "birth", lambda a: (ns(get(a.data, "place", "type")),
                                                  ns(a.data.get("attendant")),
                                                  weight_group(get(a.data, "child", "weight_g")))),
        "DE-1": _count(acts, "death", lambda a: (*area(residence(a)),
                                                 ns(get(a.data, "deceased", "sex")))),
        "DE-2": _count(acts, "death", lambda a: (*area(place(a)), *area(residence(a)))),
        "DE-4": _count(acts, "death", lambda a: (*area(place(a)), site(a))),
        "DE-5": _count(acts, "death", lambda a: (deceased_age(a), deceased_sex(a))),
        "DE-9": _count(acts, "death", lambda a: (
            ns(get(a.data, "deceased", "sex")),
            ns(icd10_chapter(get(a.data, "cause", "underlying_icd10"))),
            *area(residence(a)), deceased_age(a))),
        "DE-11": _count(acts, "death", lambda a: (*area(place(a)), deceased_sex(a),
                                                  ns(a.data.get("certification_type")))),
        "MA-1": _count(acts, "marriage", lambda a: (*area(place(a)), a.occurred_on.month)),
        "MA-2": _count(acts, "marriage", lambda a: (sp_age(spouses(a)[0], a),
                                                    sp_age(spouses(a)[1], a))),
        "MA-3": _count(acts, "marriage", ma3),
        "DI-1": _count(acts, "divorce", lambda a: (*area(place(a)), a.occurred_on.month)),
        "DI-2": _count(acts, "divorce", lambda a: (sp_age(spouses(a)[0], a),
                                                   sp_age(spouses(a)[1], a))),
        "DI-3": _count(acts, "divorce", lambda a: (duration_group(duration(a)),
                                                   children_group(a.data.get("dependent_children")))),
    }
    st1: Cells = Counter()
    for series, event, where in (("births", "birth", None), ("foetal_deaths", "foetal_death", None),
                                 ("deaths", "death", None), ("infant_deaths", "death",
                                                             is_infant_death)):
        st1 += _count(acts, event, lambda a, s=series: (s, *area(residence(a))),
                      where or (lambda a: True))
    t["ST-1"] = st1
    return t


# ------------------------------------------------------------------ measures
def pct(num: int, den: int, scale: int = 100) -> Decimal | None:
    if den <= 0:
        return None
    return (Decimal(scale) * num / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def timeliness(acts: list[Act]) -> dict[tuple[str, int], dict[str, Any]]:
    out: dict[tuple[str, int], Counter[str]] = {}
    for a in acts:
        out.setdefault((a.event_type, a.occurred_on.year), Counter())[a.timeliness] += 1
    rows = {}
    for k, c in out.items():
        total = sum(c.values())
        rows[k] = {"registered": total, "current": c["current"], "late": c["late"],
                   "delayed": c["delayed"], "not_stated": total - c["current"] - c["late"]
                   - c["delayed"], "current_pct": pct(c["current"], total),
                   "late_pct": pct(c["late"], total), "delayed_pct": pct(c["delayed"], total)}
    return rows


def statistical_area(a: Act) -> str:
    if a.event_type in ("birth", "foetal_death", "death"):
        return ns(residence(a))
    if a.event_type in ("adoption", "legitimation", "recognition"):
        return ns(get(a.data, "child", "residence", "area_code"))
    return ns(get(a.data, "place", "area_code"))


def count_in_area(acts: list[Act], event: str, year: int, prefix: str) -> int:
    return sum(1 for a in acts if a.event_type == event and a.occurred_on.year == year
               and statistical_area(a).startswith(prefix))


def by_area(acts: list[Act], event: str, value: Callable[[Act], tuple[int, ...]],
            where: Callable[[Act], bool] = lambda a: True
            ) -> dict[tuple[int, str | None], list[int]]:
    """Sums of ``value`` per (year, residence) and per (year, None) for all areas."""
    out: dict[tuple[int, str | None], list[int]] = {}
    for a in acts:
        if a.event_type != event or not where(a):
            continue
        v = value(a)
        for key in ((a.occurred_on.year, ns(residence(a))), (a.occurred_on.year, None)):
            s = out.setdefault(key, [0] * len(v))
            for i, x in enumerate(v):
                s[i] += x
    return out


def sex_ratio(acts: list[Act]) -> dict[tuple[int, str | None], dict[str, Any]]:
    sums = by_area(acts, "birth", lambda a: (int(get(a.data, "child", "sex") == "M"),
                                              int(get(a.data, "child", "sex") == "F")))
    return {k: {"male": m, "female": f, "sex_ratio": pct(m, f)} for k, (m, f) in sums.items()}


def low_birth_weight(acts: list[Act]) -> dict[tuple[int, str | None], dict[str, Any]]:
    def v(a: Act) -> tuple[int, int, int]:
        w = get(a.data, "child", "weight_g")
        return 1, int(w is not None), int(w is not None and w < 2500)
    return {k: {"births": b, "weighed": w, "low_weight": lo, "low_weight_pct": pct(lo, w)}
            for k, (b, w, lo) in by_area(acts, "birth", v).items()}


def infant_mortality(acts: list[Act]) -> dict[tuple[int, str | None], dict[str, Any]]:
    births = by_area(acts, "birth", lambda a: (1,))
    infants = by_area(acts, "death", lambda a: (1,), is_infant_death)
    out = {}
    for k in set(births) | set(infants):
        b, d = births.get(k, [0])[0], infants.get(k, [0])[0]
        out[k] = {"births": b, "infant_deaths": d, "infant_mortality_rate": pct(d, b, 1000)}
    return out


def ill_defined(acts: list[Act]) -> dict[tuple[int, str | None], dict[str, Any]]:
    def v(a: Act) -> tuple[int, int]:
        return 1, int(icd10_chapter(get(a.data, "cause", "underlying_icd10")) == "XVIII")
    return {k: {"deaths": d, "ill_defined": r, "ill_defined_pct": pct(r, d)}
            for k, (d, r) in by_area(acts, "death", v).items()}


def monthly(acts: list[Act], registered: bool) -> Counter[tuple[str, int, int]]:
    c: Counter[tuple[str, int, int]] = Counter()
    for a in acts:
        d = a.registered_on if registered else a.occurred_on
        c[(a.event_type, d.year, d.month)] += 1
    return c
