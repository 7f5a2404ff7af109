"""A realistic, seeded, deterministic corpus of acts: tests, ``ecr demo``, benchmarks.

``generate_acts(n, seed=...)`` yields ``n`` acts whose data is VALID for
``validation.validate`` (a test checks thousands): births dominate, then deaths
and marriages; birth weights follow N(3200, 500) g, mothers are 16–44; about
one registration in five is late or delayed, and delayed ones carry the court
decision; twins come as two consecutive acts with the same mother.  Names are
drawn from ``generator_data`` with Zipf frequencies over thousands of real
surnames and given names (a few very common, most rare; accents, apostrophes,
hyphens, a few per cent in Arabic, Cyrillic and Chinese script).

Deterministic: the same ``seed``, arguments and ``today`` give the same acts,
on any machine (only ``random.Random`` is used).  Pass ``today`` for
reproducibility; by default it is the real date, so that no act is in the future.
Fast (tens of thousands of acts per second): hot paths avoid ``random.choice``
and build plain dicts.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from common.acts.dictionary import EVENTS, event
from common.acts.generator_data import (
    CULTURES,
    DEATH_CAUSES,
    HEALTH_FACILITIES,
    LOCALITIES,
    OCCUPATIONS,
    PERINATAL_CAUSES,
    Culture,
    feminine_surname,
)
from common.acts.generator_family import FamilyEvents
from common.acts.niu import check_digits, make_niu
from common.acts.plausibility import completed_years
from common.acts.rules import DEFAULT_RULES, RegistrationRules

Data = dict[str, Any]

#: Share of each event type in a register (births first, then deaths, marriages…).
DEFAULT_MIX: Mapping[str, float] = {
    "birth": 0.55, "death": 0.20, "foetal_death": 0.02, "marriage": 0.12, "divorce": 0.03,
    "annulment": 0.003, "judicial_separation": 0.007, "adoption": 0.01, "legitimation": 0.02,
    "recognition": 0.04,
}  # fmt: skip

HOME_COUNTRY = "SN"
_YEAR = 365.2425
_EDUCATION = ("isced_0", "isced_1", "isced_1", "isced_2", "isced_2", "isced_3", "isced_3",
              "isced_4", "isced_5", "isced_6", "isced_7", "isced_8", "not_stated")  # fmt: skip
_ATTENDANTS = ("midwife", "midwife", "midwife", "physician", "nurse", "nurse_midwife",
               "other_paramedical", "traditional_birth_attendant", "layperson", "none")  # fmt: skip
_PLACE_TYPES = ("hospital",) * 5 + ("other_health_facility",) * 3 + ("home",) * 2 + ("other",)
# Lookup tables: one uniform draw picks from them, faster than random.choices.
_CULTURE_TABLE = tuple(c for c in CULTURES for _ in range(round(c.weight * 100)))
_OTHER_STATUS = ("never_married", "widowed", "divorced")
_ID_TYPES = ("national_id", "national_id", "passport", "consular_card", "voter_card")
_N_LOCALITIES = len(LOCALITIES)
_TIMES = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_N_OCCUPATIONS = len(OCCUPATIONS)
_ADULT_DAYS = 15 * _YEAR
_SIXTEEN_YEARS = int(16 * _YEAR)
_EIGHTEEN_YEARS = int(18 * _YEAR)


@dataclass(frozen=True, slots=True)
class GeneratedAct:
    event_type: str
    data: Data
    registered_on: date
    niu: str  # as the secretary's verification would assign it (centre, year, serial)


def iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def completed_years_between(born: int, on: int) -> int:
    """``plausibility.completed_years`` on day ordinals (the generator's currency)."""
    return completed_years(date.fromordinal(born), date.fromordinal(on))


class Generator:
    """One random stream and the building blocks every event uses."""

    def __init__(
        self,
        rng: random.Random,
        *,
        today: date,
        rules: RegistrationRules,
        complete: bool = False,
        first_year: int = 2019,
    ) -> None:
        self.rng = rng
        self.r: Callable[[], float] = rng.random
        self.today = today.toordinal()
        self.first = date(first_year, 1, 1).toordinal()
        self.rules = rules
        self.complete = complete

    # --- primitives ------------------------------------------------------------------
    def pick(self, seq: tuple[Any, ...] | list[Any]) -> Any:
        return seq[int(self.r() * len(seq))]

    def maybe(self, p: float) -> bool:
        """True with probability ``p`` (always, for a complete act)."""
        return self.complete or self.r() < p

    def between(self, low: int, high: int) -> int:
        return low + int(self.r() * (high - low + 1))

    def culture(self) -> Culture:
        return _CULTURE_TABLE[int(self.r() * len(_CULTURE_TABLE))]

    def given(self, culture: Culture, sex: str) -> str:
        names = culture.male if sex == "M" else culture.female
        first = self.pick(names)
        if self.r() < culture.double_given:
            second = self.pick(names)
            if second != first:
                return f"{first} {second}"
        return str(first)

    def surname(self, culture: Culture, sex: str) -> str:
        name = self.pick(culture.surnames)
        return feminine_surname(culture, name) if sex == "F" else str(name)

    def residence(self) -> Data:
        locality, code = self.pick(LOCALITIES)
        return {"locality": locality, "area_code": code, "country": HOME_COUNTRY}

    def place(self, typed: bool) -> Data:
        locality, code = self.pick(LOCALITIES)
        if not typed:
            return {"locality": locality, "area_code": code}
        kind = self.pick(_PLACE_TYPES)
        if kind in ("hospital", "other_health_facility"):
            locality = f"{self.pick(HEALTH_FACILITIES)} de {locality}"
        return {"locality": locality, "area_code": code, "type": kind}

    def born(self, occurred: int, low: int, high: int) -> int:
        """A birth ordinal making the person exactly ``low``–``high`` completed years old
        at ``occurred``.

        Plain day arithmetic, no calendar: ``age + f`` mean years with ``f`` kept in
        [0.01, 0.99] stays more than 3.6 days away from any birthday, more than the
        leap days can shift it (|leap days − 0.2425 × age| < 1.3), so the age in
        completed years is exactly ``age``.
        """
        r = self.r
        age = low + int(r() * (high - low + 1))
        return occurred - int((age + 0.01 + 0.98 * r()) * _YEAR)

    # --- people ----------------------------------------------------------------------
    def person(
        self,
        culture: Culture,
        sex: str,
        born: int,
        occurred: int,
        *,
        surname: str | None = None,
        full: bool = True,
        with_sex: bool = True,
        age_only: float = 0.05,
    ) -> Data:
        """A person block; ``full`` adds the statistical topics (education, residence…).

        The hottest code of the generator: random draws are inlined on purpose.
        """
        r, complete = self.r, self.complete
        names = culture.male if sex == "M" else culture.female
        given = names[int(r() * len(names))]
        if r() < culture.double_given:
            second = names[int(r() * len(names))]
            if second != given:
                given = f"{given} {second}"
        if surname is None:
            surnames = culture.surnames
            surname = surnames[int(r() * len(surnames))]
            if sex == "F" and culture.gendered_surnames:
                surname = feminine_surname(culture, surname)
        p: Data = {"surname": surname, "given_names": given}
        if with_sex:
            p["sex"] = sex
        if not complete and r() < age_only:
            p["age"] = completed_years_between(born, occurred)
        else:
            p["birth_date"] = date.fromordinal(born).isoformat()
            if complete:
                p["age"] = completed_years_between(born, occurred)
        adult = occurred - born > _ADULT_DAYS
        nationalities = culture.nationality
        if full:
            if complete or r() < 0.5:
                locality, code = LOCALITIES[int(r() * _N_LOCALITIES)]
                country = nationalities[int(r() * len(nationalities))]
                p["birth_place"] = {"locality": locality, "area_code": code, "country": country}
            p["nationality"] = nationalities[int(r() * len(nationalities))]
            if adult:
                x = r()
                p["marital_status"] = "married" if x < 0.7 else _OTHER_STATUS[int(x * 10) - 7]
            p["education"] = _EDUCATION[int(r() * len(_EDUCATION))]
        if adult and (complete or r() < 0.8):
            occupation, isco = OCCUPATIONS[int(r() * _N_OCCUPATIONS)]
            p["occupation"] = occupation
            if full and isco and (complete or r() < 0.3):
                p["occupation_isco"] = isco
        if complete or r() < 0.9:
            locality, code = LOCALITIES[int(r() * _N_LOCALITIES)]
            p["residence"] = {"locality": locality, "area_code": code, "country": HOME_COUNTRY}
            if full and (complete or r() < 0.4):
                p["residence_years"] = min(int(r() * 31), (occurred - born) // 366)
        if adult and (complete or r() < 0.4):
            number = str(1_000_000_000 + int(r() * 1_999_999_999))
            p["id_document"] = {"type": _ID_TYPES[int(r() * 5)], "number": number}
        return p

    def declarant(
        self,
        culture: Culture,
        occurred: int,
        relation: str,
        known: Data | None = None,
        sex: str | None = None,
    ) -> Data:
        """The declarant: a known person of the act (father, spouse…) or a new one."""
        if known is not None:
            d: Data = {k: known[k] for k in ("surname", "given_names") if k in known}
            if sex:
                d["sex"] = sex
            for k in ("birth_date", "age", "occupation", "residence", "id_document"):
                if k in known:
                    d[k] = known[k]
        else:
            sex = sex or self.pick(("M", "F"))
            d = self.person(culture, sex, self.born(occurred, 18, 70), occurred, full=False)
        d["relation"] = relation
        return d

    # --- registration ----------------------------------------------------------------
    def registration(self, key: str) -> tuple[int, int, Data | None]:
        """(registered, occurred, court decision or None) with realistic delays."""
        registered = self.between(self.first, self.today)
        deadline = self.rules.deadline(key)
        x = self.r()
        if x < 0.80:
            delay = self.between(0, deadline.current_days)
        elif x < 0.94:
            delay = self.between(deadline.current_days + 1, deadline.late_days)
        else:
            delay = self.between(deadline.late_days + 1, deadline.late_days + 4000)
        occurred = registered - delay
        decision = None
        if delay > deadline.late_days:
            decided = max(occurred, registered - self.between(1, 90))
            decision = {"decision_date": iso(decided),
                        "reference": f"Jugement n° {self.between(1, 2999)}/"
                                     f"{date.fromordinal(decided).year}"}  # fmt: skip
            if self.maybe(0.8):
                decision["name"] = self.pick(("Tribunal d'instance", "Tribunal départemental",
                                              "Tribunal de grande instance"))  # fmt: skip
        return registered, occurred, decision

    def common(self, occurred: int, decision: Data | None, typed_place: bool) -> Data:
        r = self.r
        d: Data = {"occurred_on": iso(occurred)}
        if r() < 0.03:
            d["occurred_on_estimated"] = True
        elif self.complete:
            d["occurred_on_estimated"] = False
        if typed_place and (self.complete or r() < 0.7):
            d["occurred_time"] = _TIMES[int(r() * 1440)]
        d["place"] = self.place(typed_place)
        if decision is not None:
            d["registration_court_decision"] = decision
        return d

    # --- birth and foetal death --------------------------------------------------------
    def delivery(
        self, key: str, occurred: int, decision: Data | None, birth_type: str, rank: int
    ) -> tuple[Data, Culture, Data, Data | None]:
        """The fields births and foetal deaths share: place, delivery, mother, father."""
        r, complete = self.r, self.complete
        culture = self.culture()
        d = self.common(occurred, decision, typed_place=True)
        d["birth_type"] = birth_type
        if birth_type != "single" or complete or r() < 0.6:
            d["rank_in_delivery"] = rank
        if complete or r() < 0.85:
            d["attendant"] = _ATTENDANTS[int(r() * len(_ATTENDANTS))]
        mother_born = self.born(occurred, 16, 44)
        mother = self.person(culture, "F", mother_born, occurred, with_sex=False)
        born_alive = int(r() * 6) + (key == "birth")
        if born_alive:
            mother["children_born_alive"] = born_alive
            mother["children_still_living"] = born_alive - (r() < 0.15)
        if complete or r() < 0.5:
            mother["foetal_deaths"] = int(r() * 3)
        if born_alive > 1 and (complete or r() < 0.6):
            last = max(mother_born + _SIXTEEN_YEARS, occurred - 300 - int(r() * 2700))
            mother["last_live_birth_on"] = iso(min(last, occurred))
        father = None
        if complete or r() < 0.85:
            father_born = self.born(occurred, 20, 60)
            father = self.person(culture, "M", father_born, occurred, with_sex=False)
            if mother.get("marital_status") == "married" and (complete or r() < 0.6):
                wed = max(mother_born, father_born) + _EIGHTEEN_YEARS + int(r() * 3000)
                mother["marriage_date"] = iso(min(wed, occurred))
        if complete or r() < 0.6:
            d["prenatal_visits"] = int(r() * 10)
            d["prenatal_care_began_month"] = 1 + int(r() * 7)
        d["mother"] = mother
        if father is not None:
            d["father"] = father
        return d, culture, mother, father

    def birth(
        self, occurred: int, decision: Data | None, birth_type: str = "single", rank: int = 1
    ) -> Data:
        d, culture, mother, father = self.delivery("birth", occurred, decision, birth_type, rank)
        sex = "M" if self.r() < 0.512 else "F"
        surname = (father or mother)["surname"]
        if sex == "F":
            surname = feminine_surname(culture, surname)
        mean = 3200 if birth_type == "single" else 2500
        weight = int(min(6500, max(600, self.rng.gauss(mean, 500))))
        child: Data = {"surname": surname, "given_names": self.given(culture, sex), "sex": sex}
        if self.maybe(0.9):
            child["weight_g"] = weight
        d["child"] = child
        if self.maybe(0.7):
            d["gestational_weeks"] = min(44, max(24, int(self.rng.gauss(39, 2))))
        d["declarant"] = self._parent_declarant(culture, occurred, mother, father)
        return self._order(d, "birth")

    def foetal_death(self, occurred: int, decision: Data | None) -> Data:
        d, culture, mother, father = self.delivery("foetal_death", occurred, decision,
                                                   "single", 1)  # fmt: skip
        weeks = self.between(20, 42)
        foetus: Data = {"sex": self.pick(("M", "F", "not_stated")), "gestational_weeks": weeks}
        if self.maybe(0.8):
            foetus["weight_g"] = max(200, min(5000, int(weeks * 80 + self.rng.gauss(0, 300))))
        d["foetus"] = foetus
        d["cause"] = self.cause(PERINATAL_CAUSES)
        d["certifier"] = self.certifier()
        d["certification_type"] = "medical"
        d["declarant"] = self._parent_declarant(culture, occurred, mother, father)
        return self._order(d, "foetal_death")

    def _parent_declarant(
        self, culture: Culture, occurred: int, mother: Data, father: Data | None
    ) -> Data:
        x = self.r()
        if father is not None and x < 0.6:
            return self.declarant(culture, occurred, "father", father, "M")
        if x < 0.85:
            return self.declarant(culture, occurred, "mother", mother, "F")
        return self.declarant(culture, occurred, self.pick(("other_relative", "health_worker")))

    # --- death -------------------------------------------------------------------------
    def cause(self, table: tuple[tuple[tuple[str, str], ...], ...]) -> Data:
        chain = self.pick(table)
        lines = []
        for text, code in chain:
            line: Data = {"text": text}
            if self.maybe(0.7):
                line["icd10"] = code
            if self.maybe(0.3):
                line["interval"] = self.pick(("2 heures", "3 jours", "2 semaines", "6 mois",
                                              "5 ans"))  # fmt: skip
            lines.append(line)
        cause: Data = {"part1": lines}
        if self.maybe(0.2):
            cause["part2"] = self.pick(("Anémie", "Diabète", "Malnutrition", "Hypertension"))
        if self.maybe(0.6):
            cause["underlying_icd10"] = chain[-1][1]
        if self.maybe(0.8):
            cause["manner"] = "natural" if chain[-1][1][0] not in "SVW" else "accident"
        if self.complete:
            cause["autopsy_used"] = False
        return cause

    def certifier(self) -> Data:
        culture = self.culture()
        sex = self.pick(("M", "F"))
        qualification = self.pick(("physician", "physician", "nurse", "midwife"))
        return {"surname": self.surname(culture, sex), "given_names": self.given(culture, sex),
                "qualification": qualification}  # fmt: skip

    def death(self, occurred: int, decision: Data | None) -> Data:
        culture = self.culture()
        d = self.common(occurred, decision, typed_place=True)
        x = self.r()
        if x < 0.08:
            born = occurred - self.between(0, 360)
        elif x < 0.15:
            born = self.born(occurred, 1, 14)
        else:
            born = self.born(occurred, 15, 99)
        sex = self.pick(("M", "F"))
        deceased = self.person(culture, sex, born, occurred, age_only=0.1)
        d["deceased"] = deceased
        age = completed_years_between(born, occurred)
        certification = self.pick(("medical", "medical", "medical", "verbal_autopsy", "lay",
                                   "lay", "none"))  # fmt: skip
        if certification != "none" or self.complete:
            d["cause"] = self.cause(DEATH_CAUSES)
            d["certifier"] = self.certifier()
        if self.maybe(0.9):
            d["certification_type"] = certification
        r = self.rules
        if sex == "F" and r.pregnancy_related_min_age <= age <= r.pregnancy_related_max_age:
            if self.maybe(0.7):
                d["pregnancy_related"] = self.r() < 0.05
        if age == 0:
            d["infant"] = {"mother_residence": self.residence(), "birth_registered": self.r() < 0.7}
        if self.maybe(0.1):
            year = max(1900, date.fromordinal(born).year)
            d["birth_act_niu"] = make_niu(self.pick(("000101", "000702", "001001")), year,
                                          self.between(1, 99999)).value  # fmt: skip
        relation = (
            "spouse"
            if age >= 18 and self.r() < 0.4
            else self.pick(("child", "other_relative", "health_worker", "father", "mother"))
        )
        d["declarant"] = self.declarant(culture, occurred, relation)
        return self._order(d, "death")

    def _order(self, d: Data, key: str) -> Data:
        """Keys in dictionary order: readable exports, identical across runs."""
        order = _TOP_ORDER[key]
        return {k: d[k] for k in order if k in d}


_TOP_ORDER = {key: tuple(c.name for c in ev.root.ordered()) for key, ev in EVENTS.items()}


def _mix(mix: Mapping[str, float] | None) -> tuple[tuple[str, ...], tuple[float, ...]]:
    mix = DEFAULT_MIX if mix is None else mix
    for key, weight in mix.items():
        event(key)
        if weight < 0:
            raise ValueError(f"mix weight for {key} must be >= 0")
    if sum(mix.values()) <= 0:
        raise ValueError("the mix needs a positive weight")
    return tuple(mix), tuple(mix.values())


def _generator(
    rng: random.Random,
    today: date | None,
    rules: RegistrationRules,
    complete: bool,
    first_year: int,
) -> tuple[Generator, FamilyEvents]:
    g = Generator(rng, today=today or date.today(), rules=rules, complete=complete,
                  first_year=first_year)  # fmt: skip
    return g, FamilyEvents(g)


def _acts_of(key: str, g: Generator, f: FamilyEvents) -> Iterator[tuple[Data, int]]:
    """One act of type ``key`` — or two, for twins."""
    registered, occurred, decision = g.registration(key)
    if key == "birth":
        x = g.r()
        if x < 0.028 or (g.complete and x < 0.5):
            first = g.birth(occurred, decision, "twin", 1)
            yield first, registered
            second = g.birth(occurred, decision, "twin", 2)
            for k in ("mother", "father", "place", "occurred_time", "declarant"):
                if k in first:
                    second[k] = first[k]
            second["child"]["surname"] = first["child"]["surname"]
            yield second, registered
            return
        yield g.birth(occurred, decision), registered
    elif key == "death":
        yield g.death(occurred, decision), registered
    elif key == "foetal_death":
        yield g.foetal_death(occurred, decision), registered
    else:
        yield g._order(f.build(key, occurred, decision), key), registered


def generate_acts(
    n: int,
    *,
    seed: int,
    centre_code: str = "000001",
    year_range: tuple[int, int] = (2019, 2026),
    mix: Mapping[str, float] | None = None,
    today: date | None = None,
    rules: RegistrationRules = DEFAULT_RULES,
) -> Iterator[GeneratedAct]:
    """``n`` valid acts registered in ``year_range`` (never after ``today``)."""
    keys, weights = _mix(mix)
    make_niu(centre_code, 2000, 1)  # refuses a malformed centre code before any work
    end = min(date(year_range[1], 12, 31), today or date.today())
    g, f = _generator(random.Random(seed), end, rules, False, year_range[0])
    cumulative = tuple(itertools.accumulate(weights))
    total, r, last = cumulative[-1], g.r, len(keys) - 1
    serials: dict[int, int] = {}
    produced = 0
    while produced < n:
        key = keys[min(bisect.bisect(cumulative, r() * total), last)]
        for data, registered in _acts_of(key, g, f):
            if produced >= n:
                return
            on = date.fromordinal(registered)
            serial = serials[on.year] = serials.get(on.year, 0) + 1
            digits17 = f"{centre_code}{on.year:04d}{serial:07d}"
            yield GeneratedAct(key, data, on, digits17 + check_digits(digits17))
            produced += 1


def generate_act(
    event_type: str,
    rng: random.Random,
    *,
    today: date | None = None,
    rules: RegistrationRules = DEFAULT_RULES,
    complete: bool = False,
    centre_code: str = "000001",
) -> GeneratedAct:
    """One valid act of ``event_type``; ``complete`` fills every field that may apply
    (the GUI tests use it to fill every widget of a form)."""
    key = event(event_type).key
    end = today or date.today()
    g, f = _generator(rng, end, rules, complete, end.year - 3)
    data, registered = next(_acts_of(key, g, f))
    on = date.fromordinal(registered)
    return GeneratedAct(
        key, data, on, make_niu(centre_code, on.year, 1 + int(rng.random() * 9e6)).value
    )
