"""Embedded word lists for the corpus generator: names, places, causes of death.

Names come from ``generator_namelists`` (real names, ranked most common first)
drawn with Zipf frequencies (``generator_names``): a few very common surnames
(Diop, Ndiaye, Diallo, Traoré…) and thousands of rare ones, with the features
real registers have: accents (Ndèye, Hélène), apostrophes (N'Diaye, D'Almeida),
hyphens (Jean-Baptiste, double surnames), and a few per cent of names in
Arabic, Cyrillic and Chinese script.  Each culture is (weight, surname table,
male and female given-name tables, share of double given names, nationalities);
a table repeats each name in proportion to its frequency, so one uniform draw
from it is a realistic draw.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from common.acts import generator_namelists as nl
from common.acts.generator_names import (
    chinese_given,
    double_surnames,
    malagasy_given,
    malagasy_surnames,
    ranked,
    split,
    tail,
    zipf_table,
)


class Culture(NamedTuple):
    key: str
    weight: float
    surnames: tuple[str, ...]  # Zipf tables: a name appears as often as it is drawn
    male: tuple[str, ...]
    female: tuple[str, ...]
    double_given: float  # share of people with two given names
    nationality: tuple[str, ...]
    gendered_surnames: bool = False  # Slavic: Иванов / Иванова


def _w(text: str) -> tuple[str, ...]:
    """Split a list on "|" (names may hold spaces)."""
    return split(text)


_RNG = random.Random(20261128)  # the tails' order: fixed, so corpora are reproducible

WEST_CENTRAL_AFRICAN = Culture(
    "west_central_african", 0.66,
    zipf_table(ranked(nl.WA_SURNAMES, tail(_RNG, double_surnames(_RNG, nl.WA_SURNAMES, 400)))),
    zipf_table(ranked(nl.WA_MALE)),
    zipf_table(ranked(nl.WA_FEMALE)),
    0.35, ("SN", "SN", "SN", "CI", "ML", "BF", "GN", "CM", "BJ", "TG", "NE", "CD", "GA"),
)  # fmt: skip

FRENCH = Culture(
    "french", 0.10,
    zipf_table(ranked(nl.FR_SURNAMES, tail(_RNG, double_surnames(_RNG, nl.FR_SURNAMES, 200)))),
    zipf_table(ranked(nl.FR_MALE)),
    zipf_table(ranked(nl.FR_FEMALE)),
    0.25, ("FR", "FR", "BE", "CH", "CA"),
)  # fmt: skip

ARABIC_LATIN = Culture(
    "arabic_latin", 0.10,
    zipf_table(ranked(nl.MAGHREB_SURNAMES)),
    zipf_table(ranked(nl.MAGHREB_MALE)),
    zipf_table(ranked(nl.MAGHREB_FEMALE)),
    0.15, ("MA", "DZ", "TN", "MR", "EG", "LB"),
)  # fmt: skip

MALAGASY = Culture(
    "malagasy", 0.05,
    zipf_table(malagasy_surnames(2000)),
    zipf_table(ranked(malagasy_given(150), nl.FR_MALE[:40])),
    zipf_table(ranked(malagasy_given(150, seed=264), nl.FR_FEMALE[:40])),
    0.3, ("MG", "MG", "MG", "KM", "FR"),
)  # fmt: skip

OTHER = Culture(
    "other", 0.05,
    zipf_table(ranked(nl.OTHER_SURNAMES)),
    zipf_table(ranked(nl.OTHER_MALE)),
    zipf_table(ranked(nl.OTHER_FEMALE)),
    0.2, ("GW", "CV", "GH", "NG", "PT", "GB", "VN", "IN", "IT", "ES"),
)  # fmt: skip

ARABIC_SCRIPT = Culture(
    "arabic_script", 0.02,
    zipf_table(nl.ARABIC_SURNAMES),
    zipf_table(nl.ARABIC_MALE),
    zipf_table(nl.ARABIC_FEMALE),
    0.2, ("MA", "DZ", "TN", "MR", "EG"),
)  # fmt: skip

CYRILLIC = Culture(
    "cyrillic", 0.01,
    zipf_table(nl.CYRILLIC_SURNAMES),
    zipf_table(nl.CYRILLIC_MALE),
    zipf_table(nl.CYRILLIC_FEMALE),
    0.0, ("RU", "UA", "BY"), True,
)  # fmt: skip

CHINESE = Culture(
    "chinese", 0.01,
    zipf_table(nl.CHINESE_SURNAMES),
    zipf_table(chinese_given(400)),
    zipf_table(chinese_given(400, seed=265)),
    0.0, ("CN", "CN", "TW", "SG"),
)  # fmt: skip

CULTURES: tuple[Culture, ...] = (
    WEST_CENTRAL_AFRICAN, FRENCH, ARABIC_LATIN, MALAGASY, OTHER, ARABIC_SCRIPT, CYRILLIC,
    CHINESE,
)  # fmt: skip


def feminine_surname(culture: Culture, surname: str) -> str:
    """Slavic surnames agree with the person's sex (Иванов → Иванова); Ukrainian
    ones in -енко and -ук do not."""
    if culture.gendered_surnames and surname.endswith(("ов", "ев", "ёв", "ин")):
        return surname + "а"
    return surname


#: (locality, area code, urban?) — area codes: region (2 digits) + department (2).
LOCALITIES: tuple[tuple[str, str], ...] = tuple(
    (name.strip(), code.strip())
    for name, code in (
        pair.split("=")
        for pair in """Dakar=0101|Pikine=0102|Rufisque=0103|Guédiawaye=0104|Thiès=0702|
        Tivaouane=0703|Mbour=0704|Saint-Louis=0801|Podor=0802|Dagana=0803|Kaolack=0601|
        Nioro du Rip=0602|Guinguinéo=0603|Ziguinchor=1001|Bignona=1002|Oussouye=1003|
        Tambacounda=0901|Bakel=0902|Kédougou=1101|Kolda=1201|Vélingara=1202|Louga=0401|
        Linguère=0402|Kébémer=0403|Diourbel=0301|Touba=0302|Bambey=0303|Fatick=0501|
        Foundiougne=0502|Gossas=0503|Matam=1301|Kanel=1302|Sédhiou=1401|Kaffrine=1501|
        Ndioum=0804|Keur Massar=0105|Joal-Fadiouth=0705|Mékhé=0706|N'Dioum=0805|
        Dalal Jamm=0106|Sangalkam=0107|Ndiassane=0707""".split("|")
    )
)

#: The area codes the default generator treats as urban (a settings table's shape).
URBAN_AREAS: dict[str, str] = {
    code: ("urban" if code in {"0101", "0102", "0103", "0104", "0105", "0702", "0801", "0601",
                               "1001", "0301", "0302"} else "rural")
    for _, code in LOCALITIES
}  # fmt: skip

HEALTH_FACILITIES = _w("""Hôpital régional|Centre hospitalier universitaire|Centre de santé|
Poste de santé|Maternité|Clinique Pasteur|Hôpital principal|Clinique de la Madeleine""")

OCCUPATIONS: tuple[tuple[str, str], ...] = (
    ("Cultivateur", "6111"), ("Cultivatrice", "6111"), ("Commerçant", "5221"),
    ("Commerçante", "5221"), ("Enseignant", "2341"), ("Enseignante", "2341"),
    ("Infirmier", "3221"), ("Sage-femme", "3222"), ("Chauffeur", "8322"),
    ("Mécanicien", "7231"), ("Couturière", "7531"), ("Menuisier", "7115"),
    ("Pêcheur", "6222"), ("Éleveur", "6121"), ("Ménagère", "9111"), ("Élève", ""),
    ("Étudiant", ""), ("Fonctionnaire", "2422"), ("Maçon", "7112"), ("Tailleur", "7531"),
    ("Coiffeuse", "5141"), ("Médecin", "2211"), ("Comptable", "2411"), ("Sans profession", ""),
)  # fmt: skip

#: Chains of causes for part I of the death certificate: (a) first, then (b), (c).
DEATH_CAUSES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Paludisme grave", "B50.9"),),
    (("Insuffisance respiratoire aiguë", "J96.0"), ("Pneumonie", "J18.9")),
    (("Choc septique", "R57.2"), ("Septicémie", "A41.9"), ("Infection urinaire", "N39.0")),
    (("Infarctus du myocarde", "I21.9"), ("Cardiopathie ischémique", "I25.9")),
    (("Accident vasculaire cérébral", "I64"), ("Hypertension artérielle", "I10")),
    (("Déshydratation sévère", "E86"), ("Diarrhée infectieuse", "A09.0")),
    (("Tuberculose pulmonaire", "A16.2"),),
    (("Insuffisance rénale chronique", "N18.9"), ("Diabète sucré", "E11.9")),
    (("Cirrhose du foie", "K74.6"), ("Hépatite B chronique", "B18.1")),
    (("Syndrome d'immunodéficience acquise", "B24"),),
    (("Traumatisme crânien", "S06.9"), ("Accident de la circulation", "V89.2")),
    (("Noyade", "W74"),),
    (("Malnutrition sévère", "E43"),),
    (("Cancer du col de l'utérus", "C53.9"),),
    (("Sénilité", "R54"),),
    (("Cause inconnue", "R99"),),
)  # fmt: skip

PERINATAL_CAUSES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Hypoxie intra-utérine", "P20.9"), ("Décollement placentaire", "P02.1")),
    (("Mort fœtale de cause non précisée", "P95"),),
    (("Infection congénitale", "P39.9"), ("Rupture prématurée des membranes", "P01.1")),
    (("Hypoxie intra-utérine", "P20.9"), ("Hypertension maternelle", "P00.0")),
    (("Malformation congénitale", "Q89.9"),),
)  # fmt: skip

COURTS = _w("""Tribunal de grande instance de Dakar|Tribunal d'instance de Thiès|
Tribunal de grande instance de Saint-Louis|Tribunal d'instance de Kaolack|
Tribunal de grande instance de Ziguinchor|Tribunal d'instance de Mbour""")
