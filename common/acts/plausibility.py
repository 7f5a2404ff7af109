"""The plausibility guard rails of VITAL_EVENTS.md §3, on structurally valid values.

Each rule reads the typed values the structural walk produced (``Walk.values``,
by concrete path) and never re-parses the data; a value that was malformed is
simply absent here, its error already reported.  Rules that apply to every
person block (dates of birth after the event, age inconsistent with the date of
birth) find person blocks through the dictionary, not by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from common.acts.model import EventType, Group
from common.acts.report import Problem
from common.acts.rules import RegistrationRules
from common.acts.structure import MIN_DATE
from common.acts.timeliness import Timeliness, categorize

RANK_LIMIT = {"single": 1, "twin": 2, "triplet": 3, "quadruplet": 4}
DISSOLUTIONS = frozenset({"divorce", "annulment", "judicial_separation"})
FILIATIONS = frozenset({"adoption", "legitimation", "recognition"})


def completed_years(born: date, on: date) -> int:
    """Age in completed years on ``on`` of someone born on ``born``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class Check:
    """The context every rule reads, and where it writes its findings."""

    ev: EventType
    values: Mapping[str, object]
    objects: list[tuple[str, Group]]
    today: date
    rules: RegistrationRules
    registered_on: date | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: The registration's category, once ``_registration`` could compute it.
    timeliness: Timeliness | None = None

    def error(self, path: str, rule: str, **params: object) -> None:
        self.errors.append(Problem(path, rule, params, self.ev.key))

    def warn(self, path: str, rule: str, **params: object) -> None:
        self.warnings.append(Problem(path, rule, params, self.ev.key))

    def date_at(self, path: str) -> date | None:
        v = self.values.get(path)
        return v if isinstance(v, date) else None

    def int_at(self, path: str) -> int | None:
        v = self.values.get(path)
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def str_at(self, path: str) -> str | None:
        v = self.values.get(path)
        return v if isinstance(v, str) else None

    @property
    def occurred(self) -> date | None:
        return self.date_at("occurred_on")

    def born_after_event(self, person: str) -> bool:
        """Whether the person's date of birth is after the event (``_people`` refuses it)."""
        born, occurred = self.date_at(f"{person}.birth_date"), self.occurred
        return born is not None and occurred is not None and born > occurred

    def age(self, person: str) -> tuple[int, str] | None:
        """The person's age at the event and the path it comes from (date or age).

        None when unknown, and when the date of birth is after the event: that
        date is already refused by ``_people``, and an age rule on the negative
        age it gives would only repeat the refusal ("the mother would be -1
        years old", issue 13, bug 5).
        """
        born, occurred = self.date_at(f"{person}.birth_date"), self.occurred
        if born is not None and occurred is not None:
            if born > occurred:
                return None
            return completed_years(born, occurred), f"{person}.birth_date"
        age = self.int_at(f"{person}.age")
        return (age, f"{person}.age") if age is not None else None


def check(c: Check, data: Mapping[str, object]) -> None:
    """Run every rule that applies to ``c.ev``."""
    _dates(c)
    _people(c)
    _registration(c, data)
    if c.ev.mother_path:
        _mother(c, c.ev.mother_path)
        _delivery(c)
    if c.ev.key == "death":
        _death(c)
    if c.ev.key == "marriage":
        _marriage(c)
    if c.ev.key in DISSOLUTIONS:
        _dissolution(c)
    if c.ev.key in FILIATIONS:
        _filiation(c)


def _dates(c: Check) -> None:
    for path, v in c.values.items():
        if isinstance(v, date):
            if v > c.today:
                c.error(path, "date_in_future", date=v.isoformat())
            elif v < MIN_DATE:
                c.error(path, "date_too_old", minimum=MIN_DATE.isoformat())


def _people(c: Check) -> None:
    """Every person block: born before the event, age consistent with the date of birth."""
    occurred = c.occurred
    if occurred is None:
        return
    for path, _group in c.objects:
        born = c.date_at(f"{path}.birth_date")
        if born is None:
            continue
        if born > occurred:
            if c.ev.key == "death" and path == c.ev.principal_person:
                c.error(f"{path}.birth_date", "death_before_birth",
                        occurred=occurred.isoformat(), born=born.isoformat())  # fmt: skip
            else:
                c.error(f"{path}.birth_date", "born_after_event", occurred=occurred.isoformat())
            continue
        age = c.int_at(f"{path}.age")
        expected = completed_years(born, occurred)
        if age is not None and age != expected:
            c.error(f"{path}.age", "age_inconsistent", expected=expected)


def _registration(c: Check, data: Mapping[str, object]) -> None:
    occurred = c.occurred
    if occurred is None:
        return
    if c.registered_on is not None and c.registered_on < occurred:
        c.error("occurred_on", "registered_before_occurrence",
                registered=c.registered_on.isoformat())  # fmt: skip
        return
    registered = c.registered_on or c.today
    if registered < occurred:
        return  # the date in the future is already refused
    category = c.timeliness = categorize(c.ev.key, occurred, registered, c.rules)
    decision = "registration_court_decision"
    given = data.get(decision) is not None
    if category == "delayed" and not given:
        c.error(decision, "court_decision_required", days=(registered - occurred).days)
    elif category != "delayed" and given:
        c.warn(decision, "court_decision_not_needed")
    decided = c.date_at(f"{decision}.decision_date")
    if decided is not None:
        if decided < occurred:
            c.error(f"{decision}.decision_date", "decision_before_occurrence",
                    occurred=occurred.isoformat())  # fmt: skip
        elif decided > registered:
            c.error(f"{decision}.decision_date", "decision_after_registration",
                    registered=registered.isoformat())  # fmt: skip


def _mother(c: Check, mother: str) -> None:
    r = c.rules
    found = c.age(mother)
    if found is not None:
        age, path = found
        if age < r.mother_age_refused_below or age > r.mother_age_refused_above:
            c.error(path, "mother_age_implausible", age=age,
                    low=r.mother_age_refused_below, high=r.mother_age_refused_above)  # fmt: skip
        elif age < r.mother_age_warned_below or age > r.mother_age_warned_above:
            c.warn(path, "mother_age_unusual", age=age)
    born = c.int_at(f"{mother}.children_born_alive")
    living = c.int_at(f"{mother}.children_still_living")
    if born is not None and living is not None and living > born:
        c.error(f"{mother}.children_still_living", "more_living_than_born", born=born)
    if c.ev.key == "birth" and born == 0:
        c.error(f"{mother}.children_born_alive", "children_born_alive_excludes_this_child")
    last = c.date_at(f"{mother}.last_live_birth_on")
    if last is not None and c.occurred is not None and last > c.occurred:
        c.error(f"{mother}.last_live_birth_on", "after_occurrence",
                occurred=c.occurred.isoformat())  # fmt: skip


def _delivery(c: Check) -> None:
    birth_type, rank = c.str_at("birth_type"), c.int_at("rank_in_delivery")
    if birth_type is None or birth_type == "not_stated":
        return
    if rank is None:
        if birth_type != "single":
            c.error("rank_in_delivery", "rank_required")
        return
    limit = RANK_LIMIT.get(birth_type)  # "higher" (five or more): up to the field's maximum
    if limit is not None and rank > limit:
        c.error("rank_in_delivery", "rank_exceeds_birth_type", rank=rank, birth_type=birth_type)


def _death(c: Check) -> None:
    deceased = c.ev.principal_person
    found = c.age(deceased)
    sex = c.str_at(f"{deceased}.sex")
    r = c.rules
    # A date of birth after the death is refused as such; the age it would give says nothing.
    if c.values.get("pregnancy_related") is not None and not c.born_after_event(deceased):
        low, high = r.pregnancy_related_min_age, r.pregnancy_related_max_age
        fits = sex == "F" and found is not None and low <= found[0] <= high
        if not fits:
            c.error("pregnancy_related", "pregnancy_related_not_applicable",
                    low=r.pregnancy_related_min_age, high=r.pregnancy_related_max_age)  # fmt: skip
    infant = any(path == "infant" for path, _ in c.objects)
    if infant and found is not None and found[0] >= 1:
        c.error("infant", "infant_not_applicable")


def _marriage(c: Check) -> None:
    r = c.rules
    for path, _group in c.objects:
        if not path.startswith("spouses["):
            continue
        found = c.age(path)
        if found is not None and found[0] < r.marriage_min_age:
            c.error(found[1], "below_marriage_age", age=found[0], minimum=r.marriage_min_age)
        previous = f"{path}.previous_marital_status"
        if c.str_at(previous) == "married" and not r.polygamy_allowed:
            c.error(previous, "polygamy_not_allowed")
    if c.values.get("matrimonial_regime") is not None and not r.matrimonial_regime_applies:
        c.error("matrimonial_regime", "not_applicable_by_law")
    if c.values.get("polygamy_option") is not None and not r.polygamy_allowed:
        c.error("polygamy_option", "not_applicable_by_law")


def _dissolution(c: Check) -> None:
    married, occurred = c.date_at("marriage_date"), c.occurred
    if married is None:
        return
    if occurred is not None and married > occurred:
        c.error("marriage_date", "marriage_after_dissolution", occurred=occurred.isoformat())
    decided = c.date_at("court.decision_date")
    if decided is not None and decided < married:
        c.error("court.decision_date", "decision_before_marriage", married=married.isoformat())


def _filiation(c: Check) -> None:
    child_born = c.date_at("child.birth_date")
    roles: dict[str, str] = {}
    for path, _group in c.objects:
        if not path.startswith("parents["):
            continue
        role, sex = c.str_at(f"{path}.role"), c.str_at(f"{path}.sex")
        if (role, sex) in (("mother", "M"), ("father", "F")):
            c.error(f"{path}.role", "role_sex_mismatch")
        if role in ("mother", "father"):
            if role in roles and c.ev.key != "adoption":
                c.error(f"{path}.role", "duplicate_parent_role")
            roles[role] = path
        born = c.date_at(f"{path}.birth_date")
        if born is not None and child_born is not None and born >= child_born:
            c.error(f"{path}.birth_date", "parent_born_after_child", born=child_born.isoformat())
