"""The code lists of VITAL_EVENTS.md §2, each ending with ``not_stated``.

A code's position in its list is what a compact encoding writes, so codes are
only ever APPENDED at the end (with ``since`` set to the new dictionary version),
never reordered, renamed or removed.  ``not_stated`` comes last in version 1; a
code appended later goes after it, and that is fine: order is positional, not
semantic.  Each list has a stable ``tag``; new lists take the next tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from common.acts.model import Code, CodeList, Label

NOT_STATED = "not_stated"


def _list(key: str, tag: int, fr: str, en: str, *codes: tuple[str, str, str]) -> CodeList:
    entries = tuple(Code(k, Label(cfr, cen)) for k, cfr, cen in codes)
    return CodeList(
        key, tag, Label(fr, en), (*entries, Code(NOT_STATED, Label("Non déclaré", "Not stated")))
    )


SEX = _list(
    "sex", 1, "Sexe", "Sex",
    ("M", "Masculin", "Male"),
    ("F", "Féminin", "Female"),
)  # fmt: skip

PLACE_TYPE = _list(
    "place_type", 2, "Type de lieu", "Type of place",
    ("hospital", "Hôpital", "Hospital"),
    ("other_health_facility", "Autre établissement de santé", "Other health facility"),
    ("home", "Domicile", "Home"),
    ("other", "Autre lieu", "Other place"),
)  # fmt: skip

ATTENDANT = _list(
    "attendant", 3, "Assistance à l'accouchement", "Attendant at birth",
    ("physician", "Médecin", "Physician"),
    ("nurse", "Infirmier/infirmière", "Nurse"),
    ("midwife", "Sage-femme", "Midwife"),
    ("nurse_midwife", "Infirmière sage-femme", "Nurse-midwife"),
    ("other_paramedical", "Autre personnel paramédical", "Other paramedical personnel"),
    ("traditional_birth_attendant", "Accoucheuse traditionnelle", "Traditional birth attendant"),
    ("layperson", "Personne non qualifiée", "Layperson"),
    ("none", "Aucune assistance", "None"),
)  # fmt: skip

MARITAL_STATUS = _list(
    "marital_status", 4, "Situation matrimoniale", "Marital status",
    ("never_married", "Célibataire", "Never married"),
    ("married", "Marié(e)", "Married"),
    ("widowed", "Veuf/veuve", "Widowed"),
    ("divorced", "Divorcé(e)", "Divorced"),
    ("separated", "Séparé(e)", "Separated"),
)  # fmt: skip

EDUCATION = _list(
    "education", 5, "Niveau d'instruction (CITE 2011)", "Education (ISCED 2011)",
    ("isced_0", "0 — Petite enfance / aucun", "0 — Early childhood / none"),
    ("isced_1", "1 — Primaire", "1 — Primary"),
    ("isced_2", "2 — Secondaire premier cycle", "2 — Lower secondary"),
    ("isced_3", "3 — Secondaire deuxième cycle", "3 — Upper secondary"),
    ("isced_4", "4 — Post-secondaire non supérieur", "4 — Post-secondary non-tertiary"),
    ("isced_5", "5 — Supérieur de cycle court", "5 — Short-cycle tertiary"),
    ("isced_6", "6 — Licence ou équivalent", "6 — Bachelor's or equivalent"),
    ("isced_7", "7 — Master ou équivalent", "7 — Master's or equivalent"),
    ("isced_8", "8 — Doctorat ou équivalent", "8 — Doctoral or equivalent"),
)  # fmt: skip

BIRTH_TYPE = _list(
    "birth_type", 6, "Type de naissance", "Type of birth",
    ("single", "Simple", "Single"),
    ("twin", "Gémellaire", "Twin"),
    ("triplet", "Triple", "Triplet"),
    ("quadruplet", "Quadruple", "Quadruplet"),
    ("higher", "Multiple (cinq ou plus)", "Higher multiple"),
)  # fmt: skip

DEATH_MANNER = _list(
    "death_manner", 7, "Circonstances du décès", "Manner of death",
    ("natural", "Mort naturelle", "Natural"),
    ("accident", "Accident", "Accident"),
    ("suicide", "Suicide", "Suicide"),
    ("homicide", "Homicide", "Homicide"),
    ("pending", "En cours d'enquête", "Pending investigation"),
    ("undetermined", "Indéterminée", "Could not be determined"),
)  # fmt: skip

CERTIFICATION_TYPE = _list(
    "certification_type", 8, "Type de certification", "Type of certification",
    ("medical", "Certification médicale", "Medical certification"),
    ("verbal_autopsy", "Autopsie verbale", "Verbal autopsy"),
    ("lay", "Déclaration non médicale", "Lay reporting"),
    ("none", "Aucune certification", "None"),
)  # fmt: skip

CERTIFIER_QUALIFICATION = _list(
    "certifier_qualification", 9, "Qualité du certificateur", "Certifier's qualification",
    ("physician", "Médecin", "Physician"),
    ("nurse", "Infirmier/infirmière", "Nurse"),
    ("midwife", "Sage-femme", "Midwife"),
    ("other_health_worker", "Autre agent de santé", "Other health worker"),
    ("other", "Autre", "Other"),
)  # fmt: skip

MARRIAGE_TYPE = _list(
    "marriage_type", 10, "Forme du mariage", "Type of marriage",
    ("civil", "Civil", "Civil"),
    ("religious", "Religieux", "Religious"),
    ("customary", "Coutumier", "Customary"),
)  # fmt: skip

MATRIMONIAL_REGIME = _list(
    "matrimonial_regime", 11, "Régime matrimonial", "Matrimonial property regime",
    ("community_of_property", "Communauté de biens", "Community of property"),
    ("separation_of_property", "Séparation de biens", "Separation of property"),
    ("community_of_acquests", "Communauté réduite aux acquêts", "Community of acquests"),
)  # fmt: skip

POLYGAMY_OPTION = _list(
    "polygamy_option", 12, "Option de mariage", "Polygamy option",
    ("monogamy", "Monogamie", "Monogamy"),
    ("polygamy", "Polygamie", "Polygamy"),
)  # fmt: skip

DECLARANT_RELATION = _list(
    "declarant_relation", 13, "Qualité du déclarant", "Declarant's relation",
    ("party", "Intéressé(e) lui-même / elle-même", "The person concerned"),
    ("father", "Père", "Father"),
    ("mother", "Mère", "Mother"),
    ("spouse", "Conjoint(e)", "Spouse"),
    ("child", "Enfant", "Child"),
    ("other_relative", "Autre parent", "Other relative"),
    ("health_worker", "Personnel de santé", "Health worker"),
    ("public_authority", "Autorité publique", "Public authority"),
    ("lawyer", "Avocat ou mandataire", "Lawyer or proxy"),
    ("other", "Autre", "Other"),
)  # fmt: skip

PARENT_ROLE = _list(
    "parent_role", 14, "Qualité du parent", "Parent's role",
    ("mother", "Mère", "Mother"),
    ("father", "Père", "Father"),
)  # fmt: skip

ID_DOCUMENT_TYPE = _list(
    "id_document_type", 15, "Type de pièce d'identité", "Identity document type",
    ("national_id", "Carte nationale d'identité", "National identity card"),
    ("passport", "Passeport", "Passport"),
    ("birth_certificate", "Acte de naissance", "Birth certificate"),
    ("consular_card", "Carte consulaire", "Consular card"),
    ("voter_card", "Carte d'électeur", "Voter card"),
    ("other", "Autre", "Other"),
)  # fmt: skip

ADOPTION_TYPE = _list(
    "adoption_type", 16, "Forme de l'adoption", "Type of adoption",
    ("full", "Adoption plénière", "Full adoption"),
    ("simple", "Adoption simple", "Simple adoption"),
)  # fmt: skip

URBAN_RURAL = _list(
    "urban_rural", 17, "Milieu de résidence", "Urban/rural residence",
    ("urban", "Urbain", "Urban"),
    ("rural", "Rural", "Rural"),
)  # fmt: skip

TIMELINESS = _list(
    "timeliness", 18, "Délai de déclaration", "Timeliness of registration",
    ("current", "Dans le délai légal", "Current"),
    ("late", "Tardive", "Late"),
    ("delayed", "Très tardive (jugement)", "Delayed"),
)  # fmt: skip

CODE_LISTS: Mapping[str, CodeList] = MappingProxyType(
    {
        cl.key: cl
        for cl in (
            SEX, PLACE_TYPE, ATTENDANT, MARITAL_STATUS, EDUCATION, BIRTH_TYPE, DEATH_MANNER,
            CERTIFICATION_TYPE, CERTIFIER_QUALIFICATION, MARRIAGE_TYPE, MATRIMONIAL_REGIME,
            POLYGAMY_OPTION, DECLARANT_RELATION, PARENT_ROLE, ID_DOCUMENT_TYPE, ADOPTION_TYPE,
            URBAN_RURAL, TIMELINESS,
        )
    }
)  # fmt: skip

#: ISO 3166-1 alpha-2 officially assigned codes (249), for ``Kind.COUNTRY``.
COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()
)
