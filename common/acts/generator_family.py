"""The corpus generator's second-priority events: marriages, their dissolutions,
adoptions, legitimations and recognitions (see ``generator.py``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from common.acts.generator_data import COURTS, Culture, feminine_surname
from common.acts.niu import make_niu
from common.acts.plausibility import completed_years

if TYPE_CHECKING:
    from common.acts.generator import Generator


Data = dict[str, Any]
_DISSOLUTIONS = ("divorce", "annulment", "judicial_separation")


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


class FamilyEvents:
    def __init__(self, g: Generator) -> None:
        self.g = g

    def build(self, key: str, occurred: int, decision: Data | None) -> Data:
        if key == "marriage":
            return self.marriage(occurred, decision)
        if key in _DISSOLUTIONS:
            return self.dissolution(occurred, decision)
        return self.filiation(key, occurred, decision)

    def _niu(self, year: int) -> str:
        g = self.g
        centre = g.pick(("000101", "000702", "001001", "000601"))
        return make_niu(centre, max(1900, year), g.between(1, 99999)).value

    def _couple(
        self, culture: Culture, occurred: int, *, minimum: int, age_only: float = 0.05
    ) -> list[Data]:
        g = self.g
        husband = g.person(culture, "M", g.born(occurred, minimum + 2, 65), occurred,
                           age_only=age_only)  # fmt: skip
        wife = g.person(culture, "F", g.born(occurred, minimum, 55), occurred, age_only=age_only)
        return [husband, wife] if g.r() < 0.5 else [wife, husband]

    def marriage(self, occurred: int, decision: Data | None) -> Data:
        g = self.g
        culture = g.culture()
        d = g.common(occurred, decision, typed_place=False)
        if g.maybe(0.3):
            d["place"]["type"] = "other"
        d["marriage_type"] = g.pick(("civil",) * 7 + ("customary",) * 2 + ("religious",))
        rules = g.rules
        spouses = self._couple(culture, occurred, minimum=max(18, rules.marriage_min_age))
        for spouse in spouses:
            spouse.pop("marital_status", None)
            previous = g.pick(("never_married",) * 6 + ("divorced", "widowed"))
            if rules.polygamy_allowed and spouse["sex"] == "M" and g.r() < 0.15:
                previous = "married"
            if g.maybe(0.8):
                spouse["previous_marital_status"] = previous
                spouse["previous_marriages"] = 0 if previous == "never_married" else 1
            if g.maybe(0.3):
                born = spouse.get("birth_date")
                spouse["birth_act_niu"] = self._niu(int(born[:4]) if born else 1990)
        d["spouses"] = spouses
        d["witnesses"] = [
            g.person(g.culture(), g.pick(("M", "F")), g.born(occurred, 18, 75), occurred,
                     full=False)
            for _ in range(g.between(2, 4) if not g.complete else 4)
        ]  # fmt: skip
        if rules.matrimonial_regime_applies and g.maybe(0.5):
            d["matrimonial_regime"] = g.pick(("community_of_property", "separation_of_property",
                                              "community_of_acquests"))  # fmt: skip
        if rules.polygamy_allowed and g.maybe(0.6):
            d["polygamy_option"] = g.pick(("monogamy", "polygamy"))
        d["declarant"] = g.declarant(culture, occurred, "party", spouses[0], spouses[0]["sex"])
        return d

    def dissolution(self, occurred: int, decision: Data | None) -> Data:
        g = self.g
        culture = g.culture()
        d = g.common(occurred, decision, typed_place=False)
        married = occurred - g.between(200, 30 * 365)
        if g.maybe(0.7):
            d["marriage_act_niu"] = self._niu(date.fromordinal(married).year)
        spouses = self._couple(culture, married, minimum=18, age_only=0.0)
        for spouse in spouses:  # drawn as they were at the wedding; ages are at the decision
            if "age" in spouse:
                born = date.fromisoformat(spouse["birth_date"]).toordinal()
                spouse["age"] = completed_years(date.fromordinal(born), date.fromordinal(occurred))
            spouse["marital_status"] = "married"
        d["spouses"] = spouses
        d["marriage_date"] = _iso(married)
        children = g.between(0, 6)
        if g.maybe(0.8):
            d["children_of_marriage"] = children
            d["dependent_children"] = g.between(0, children)
        d["court"] = {"name": g.pick(COURTS), "decision_date": _iso(occurred),
                      "reference": f"RG {date.fromordinal(occurred).year}/"
                                   f"{g.between(1, 9999)}"}  # fmt: skip
        d["declarant"] = g.declarant(culture, occurred, g.pick(("party", "lawyer")))
        return d

    def filiation(self, key: str, occurred: int, decision: Data | None) -> Data:
        g = self.g
        culture = g.culture()
        d = g.common(occurred, decision, typed_place=False)
        child_born = g.born(occurred, 0, 17) if key != "recognition" else g.born(occurred, 0, 5)
        child_sex = g.pick(("M", "F"))
        child = g.person(culture, child_sex, child_born, occurred, age_only=0.0)
        if g.maybe(0.5):
            child["birth_act_niu"] = self._niu(date.fromordinal(child_born).year)
        roles = ["father", "mother"] if key != "recognition" else [g.pick(("father", "mother"))]
        if key == "adoption" and not g.complete and g.r() < 0.3:
            roles = [g.pick(("father", "mother"))]
        parents = []
        for role in roles:
            sex = "M" if role == "father" else "F"
            parent = g.person(culture, sex, g.born(child_born, 18, 45), occurred, age_only=0.0)
            parent["role"] = role
            parents.append(parent)
        d["child"] = child
        d["parents"] = parents
        reference = f"{g.between(1, 999)}/{date.fromordinal(occurred).year}"
        if key == "adoption" or (key == "legitimation" and g.r() < 0.3):
            d["court"] = {"name": g.pick(COURTS), "decision_date": _iso(occurred),
                          "reference": f"Jugement n° {reference}"}  # fmt: skip
        else:
            d["declaration"] = {"date": _iso(occurred), "reference": f"Déclaration {reference}"}
        if key == "adoption" and g.maybe(0.9):
            d["adoption_type"] = g.pick(("full", "simple"))
        if key != "recognition" or g.maybe(0.5):
            father = next((p for p in parents if p["role"] == "father"), None)
            if father is not None and father["surname"] != child["surname"]:
                surname = father["surname"]
                d["new_names"] = {"surname": feminine_surname(culture, surname)
                                  if child_sex == "F" else surname}  # fmt: skip
        first = parents[0]
        d["declarant"] = g.declarant(culture, occurred, first["role"], first, first["sex"])
        return d
