"""One complete, valid example of each event's data, for the documentation and tests.

``docs/act-format.md`` prints these (``tools/gen_act_format_doc.py``); the tests
validate them, so the documented examples can never be invalid.  Each example
comes with the registration date the system would record for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

Data = dict[str, Any]

#: The date an example is valid on (none of its dates is later than this).
EXAMPLES_TODAY = date(2026, 1, 15)


def _residence(locality: str, area: str) -> Data:
    return {"locality": locality, "area_code": area, "country": "SN"}


def _declarant(relation: str) -> Data:
    return {
        "surname": "Ndiaye", "given_names": "Ousmane", "sex": "M", "birth_date": "1985-03-12",
        "occupation": "Commerçant", "residence": _residence("Thiès", "0702"),
        "id_document": {"type": "national_id", "number": "1 751 1985 01234"},
        "relation": relation,
    }  # fmt: skip


BIRTH: Data = {
    "occurred_on": "2025-12-28", "occurred_on_estimated": False, "occurred_time": "06:45",
    "place": {"locality": "Hôpital régional de Thiès", "area_code": "0702", "type": "hospital"},
    "birth_type": "twin", "rank_in_delivery": 2, "attendant": "midwife",
    "child": {"surname": "Ndiaye", "given_names": "Awa Ndèye", "sex": "F", "weight_g": 2650},
    "gestational_weeks": 37, "prenatal_visits": 4, "prenatal_care_began_month": 3,
    "mother": {
        "surname": "Sow", "given_names": "Mariama", "birth_date": "1994-07-02",
        "birth_place": {"locality": "Saint-Louis", "area_code": "0801", "country": "SN"},
        "nationality": "SN", "marital_status": "married", "education": "isced_2",
        "occupation": "Couturière", "occupation_isco": "7531",
        "residence": _residence("Thiès", "0702"), "residence_years": 6,
        "id_document": {"type": "national_id", "number": "2 940 1994 00456"},
        "children_born_alive": 3, "children_still_living": 3, "foetal_deaths": 0,
        "last_live_birth_on": "2025-12-28", "marriage_date": "2016-04-09",
    },
    "father": {
        "surname": "Ndiaye", "given_names": "Ousmane", "birth_date": "1985-03-12",
        "birth_place": {"locality": "Tivaouane", "area_code": "0703", "country": "SN"},
        "nationality": "SN", "marital_status": "married", "education": "isced_3",
        "occupation": "Commerçant", "occupation_isco": "5221",
        "residence": _residence("Thiès", "0702"), "residence_years": 10,
    },
    "declarant": _declarant("father"),
}  # fmt: skip

DEATH: Data = {
    "occurred_on": "2026-01-03", "occurred_on_estimated": False, "occurred_time": "23:10",
    "place": {"locality": "Centre de santé de Mbour", "area_code": "0704",
              "type": "other_health_facility"},
    "deceased": {
        "surname": "N'Diaye", "given_names": "Aminata", "sex": "F", "birth_date": "1991-05-20",
        "age": 34,
        "birth_place": {"locality": "Mbour", "area_code": "0704", "country": "SN"},
        "nationality": "SN", "marital_status": "married", "education": "isced_1",
        "occupation": "Ménagère", "residence": _residence("Mbour", "0704"),
        "residence_years": 12,
    },
    "cause": {
        "part1": [
            {"text": "Choc hémorragique", "icd10": "R57.1", "interval": "2 heures"},
            {"text": "Hémorragie du post-partum", "icd10": "O72.1", "interval": "6 heures"},
            {"text": "Rétention placentaire", "icd10": "O73.0", "interval": "8 heures"},
        ],
        "part2": "Anémie",
        "underlying_icd10": "O72.1", "manner": "natural", "autopsy_used": False,
    },
    "certifier": {"surname": "Diallo", "given_names": "Mamadou", "qualification": "physician"},
    "certification_type": "medical",
    "pregnancy_related": True,
    "declarant": _declarant("spouse"),
}  # fmt: skip

FOETAL_DEATH: Data = {
    "occurred_on": "2025-11-30", "occurred_on_estimated": False, "occurred_time": "14:20",
    "place": {"locality": "Maternité de Kaolack", "area_code": "0601", "type": "hospital"},
    "birth_type": "single", "rank_in_delivery": 1, "attendant": "physician",
    "foetus": {"sex": "M", "weight_g": 1800, "gestational_weeks": 32},
    "prenatal_visits": 2, "prenatal_care_began_month": 5,
    "mother": {
        "surname": "Ba", "given_names": "Khadija", "birth_date": "1990-02-14",
        "nationality": "SN", "marital_status": "married", "education": "isced_0",
        "occupation": "Cultivatrice", "residence": _residence("Kaolack", "0601"),
        "children_born_alive": 2, "children_still_living": 2, "foetal_deaths": 1,
        "last_live_birth_on": "2022-08-01", "marriage_date": "2012-01-21",
    },
    "father": {"surname": "Ba", "given_names": "Cheikh Tidiane", "age": 41},
    "cause": {
        "part1": [{"text": "Hypoxie intra-utérine", "icd10": "P20.9"},
                  {"text": "Décollement placentaire", "icd10": "P02.1"}],
        "underlying_icd10": "P02.1", "manner": "natural",
    },
    "certifier": {"surname": "Faye", "given_names": "Rokhaya", "qualification": "midwife"},
    "certification_type": "medical",
    "declarant": _declarant("other_relative"),
}  # fmt: skip


def _spouse(surname: str, given: str, sex: str, born: str, previous: str) -> Data:
    return {
        "surname": surname, "given_names": given, "sex": sex, "birth_date": born,
        "birth_place": {"locality": "Dakar", "area_code": "0101", "country": "SN"},
        "nationality": "SN", "education": "isced_6", "occupation": "Enseignant(e)",
        "residence": _residence("Dakar", "0101"),
        "id_document": {"type": "national_id", "number": f"{born[:4]}-{surname[:3]}"},
    } | ({"previous_marital_status": previous} if previous else {})  # fmt: skip


MARRIAGE: Data = {
    "occurred_on": "2025-12-20", "occurred_time": "11:00",
    "place": {"locality": "Mairie de Dakar-Plateau", "area_code": "0101", "type": "other"},
    "marriage_type": "civil",
    "spouses": [
        _spouse("D'Almeida", "Jean-Baptiste", "M", "1992-09-15", "never_married")
        | {"previous_marriages": 0, "birth_act_niu": "0001011992000004575"},
        _spouse("Fall", "Fatou Binetou", "F", "1995-01-30", "divorced")
        | {"previous_marriages": 1},
    ],
    "witnesses": [
        {"surname": "Gueye", "given_names": "Modou", "sex": "M", "age": 40,
         "occupation": "Mécanicien", "residence": _residence("Pikine", "0102")},
        {"surname": "Sarr", "given_names": "Coumba", "sex": "F", "birth_date": "1988-06-06"},
    ],
    "matrimonial_regime": "separation_of_property",
    "declarant": _declarant("party"),
}  # fmt: skip


def _dissolution(married: str, decided: str, court: str) -> Data:
    return {
        "occurred_on": decided,
        "place": {"locality": "Tribunal de grande instance de Dakar", "area_code": "0101"},
        "marriage_act_niu": "0001012010000001247",
        "spouses": [
            {"surname": "Diouf", "given_names": "Abdoulaye", "sex": "M",
             "birth_date": "1980-10-10", "marital_status": "married",
             "residence": _residence("Dakar", "0101")},
            {"surname": "Kane", "given_names": "Mariètou", "sex": "F", "age": 41,
             "marital_status": "married", "residence": _residence("Rufisque", "0103")},
        ],
        "marriage_date": married,
        "dependent_children": 2, "children_of_marriage": 2,
        "court": {"name": court, "decision_date": decided, "reference": "RG 2025/1187"},
        "declarant": _declarant("lawyer"),
    }  # fmt: skip


DIVORCE = _dissolution("2010-06-12", "2025-12-15", "Tribunal de grande instance de Dakar")
ANNULMENT = _dissolution("2010-06-12", "2025-11-05", "Tribunal de grande instance de Dakar")
JUDICIAL_SEPARATION = _dissolution("2010-06-12", "2025-10-22", "Tribunal d'instance de Dakar")


def _filiation(**extra: Any) -> Data:
    data: Data = {
        "occurred_on": "2025-12-10",
        "place": {"locality": "Centre d'état civil de Ziguinchor", "area_code": "1001"},
        "child": {"surname": "Sagna", "given_names": "Marie-Hélène", "sex": "F",
                  "birth_date": "2019-04-03", "birth_act_niu": "0010012019000002767",
                  "residence": _residence("Ziguinchor", "1001")},
        "parents": [
            {"surname": "Badji", "given_names": "Émile", "sex": "M", "birth_date": "1983-12-01",
             "nationality": "SN", "occupation": "Infirmier", "role": "father"},
        ],
        "declarant": _declarant("father"),
    }  # fmt: skip
    return data | extra


ADOPTION = _filiation(
    parents=[
        {"surname": "Badji", "given_names": "Émile", "sex": "M", "birth_date": "1983-12-01",
         "role": "father"},
        {"surname": "Manga", "given_names": "Thérèse", "sex": "F", "birth_date": "1985-02-11",
         "role": "mother"},
    ],
    court={"name": "Tribunal de grande instance de Ziguinchor", "decision_date": "2025-11-28",
           "reference": "Jugement n° 412/2025"},
    new_names={"surname": "Badji"},
    adoption_type="full",
)  # fmt: skip
LEGITIMATION = _filiation(
    declaration={"date": "2025-12-10", "reference": "Mariage n° 88/2025"},
    new_names={"surname": "Badji"},
)
RECOGNITION = _filiation(declaration={"date": "2025-12-10", "reference": "Déclaration 31/2025"})

#: The registration date the system records for each example.
REGISTERED_ON: Mapping[str, date] = MappingProxyType(
    {
        "birth": date(2026, 1, 5), "death": date(2026, 1, 5), "foetal_death": date(2025, 12, 2),
        "marriage": date(2025, 12, 20), "divorce": date(2026, 1, 12),
        "annulment": date(2025, 11, 20), "judicial_separation": date(2025, 11, 3),
        "adoption": date(2025, 12, 12), "legitimation": date(2025, 12, 10),
        "recognition": date(2025, 12, 10),
    }
)  # fmt: skip

EXAMPLES: Mapping[str, Data] = MappingProxyType(
    {
        "birth": BIRTH, "death": DEATH, "foetal_death": FOETAL_DEATH, "marriage": MARRIAGE,
        "divorce": DIVORCE, "annulment": ANNULMENT, "judicial_separation": JUDICIAL_SEPARATION,
        "adoption": ADOPTION, "legitimation": LEGITIMATION, "recognition": RECOGNITION,
    }
)  # fmt: skip
