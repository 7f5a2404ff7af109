"""Embedded word lists for the corpus generator: names, places, causes of death.

Names are built combinatorially from these lists (surname × one or two given
names), so a few hundred words give tens of thousands of distinct full names,
with the features real registers have: accents (Ndèye, Hélène), apostrophes
(N'Diaye, D'Almeida), hyphens (Jean-Baptiste), and names in Arabic, Cyrillic
and Chinese script.  Each culture is (weight, surnames, male given names,
female given names, share of double given names).
"""

from __future__ import annotations

from typing import NamedTuple


class Culture(NamedTuple):
    key: str
    weight: float
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    double_given: float  # share of people with two given names
    nationality: tuple[str, ...]
    gendered_surnames: bool = False  # Slavic: Иванов / Иванова


def _w(text: str) -> tuple[str, ...]:
    """Split a list on "|" (names may hold spaces)."""
    return tuple(x.strip() for x in text.split("|") if x.strip())


WEST_CENTRAL_AFRICAN = Culture(
    "west_central_african", 0.70,
    _w("""Diop|Ndiaye|N'Diaye|Fall|Sow|Ba|Diallo|Traoré|Koné|Coulibaly|Ouattara|Kouassi|
    Konaté|Keïta|Camara|Sylla|Cissé|Touré|Bamba|Yao|Kouamé|N'Guessan|Mbaye|M'Baye|Faye|
    Gueye|Guèye|Sarr|Seck|Thiam|Niang|Diouf|Ndour|Sène|Dione|Kane|Wade|Sy|Mbengue|Badji|
    Sagna|Manga|Diatta|Bassène|Tendeng|Goudiaby|Kaboré|Ouédraogo|Sawadogo|Zongo|Compaoré|
    Tapsoba|Zoungrana|Dembélé|Diarra|Sanogo|Sangaré|Doumbia|Fofana|Bakayoko|Kourouma|
    Soumahoro|Gbagbo|Kablan|Aka|Adou|Koffi|Brou|N'Dri|Yapi|Djédjé|Gnahoré|Zadi|Mbarga|
    Essomba|Ngono|Atangana|Owona|Mvondo|Eto'o|Fotso|Kamga|Tchoumi|Nana|Ngassa|Njoya|
    Moukoko|Ebongué|Mabiala|Loemba|Moussavou|Nzé|Obiang|Ndong|Ngoma|Mukendi|Kalonji|
    Ilunga|Mbuyi|Nzuzi|Kabongo|Tshimanga|Lukusa|Habyarimana|Uwimana|Niyonzima|Hakizimana|
    Nkurunziza|Rakotomalala|Randriamampionona|Razafindrabe|Hounkpatin|Agossou|Dossou|
    Houngbédji|Ahouansou|Akakpo|Amegah|Kpodar|Agbodjan|Adjovi|Lawson|Olympio|D'Almeida|
    De Souza|Da Silva|Santos|Ag Ahmed|Ould Cheikh|Issoufou|Moussa|Mahamadou|Abdou|
    Garba|Oumarou|Hamani|Djibo|Tandja|Déby|Ngarlejy|Mahamat|Allamine"""),
    _w("""Mamadou|Moussa|Ousmane|Abdoulaye|Ibrahima|Cheikh|Modou|Amadou|Aliou|Souleymane|
    Babacar|Lamine|Idrissa|Seydou|Bakary|Adama|Boubacar|Alassane|Daouda|Malick|Pape|
    Serigne|Omar|Oumar|Mouhamed|Moustapha|Kofi|Kouadio|Koffi|Yao|Kouakou|Konan|N'Golo|
    Jean|Jean-Baptiste|Jean-Pierre|Jean-Marie|Pierre|Paul|François|Emmanuel|Joseph|
    Hervé|Thierry|Serge|Didier|Éric|Cédric|Stéphane|Noël|Aimé|Désiré|Honoré|Théophile|
    Landry|Ghislain|Arsène|Blaise|Armel|Fabrice|Prosper|Innocent|Célestin|Fulgence|
    Dieudonné|Achille|Samuel|Daniel|Patrice|Roch|Sékou|Mamoudou|Tidiane|El Hadji"""),
    _w("""Awa|Aminata|Fatou|Fatoumata|Mariama|Aïssatou|Khady|Ndèye|Coumba|Adja|Binta|
    Kadiatou|Rokhaya|Seynabou|Mame Diarra|Astou|Aïcha|Maïmouna|Salimata|Akissi|Adjoua|
    Amenan|Affoué|Ahou|Marie|Marie-Claire|Marie-Hélène|Anne-Marie|Françoise|Hélène|
    Thérèse|Bernadette|Joséphine|Élise|Chloé|Inès|Béatrice|Grâce|Espérance|Félicité|
    Clémentine|Ange|Bénédicte|Sandrine|Nadège|Prisca|Odile|Rosalie|Pélagie|Véronique|
    Yolande|Germaine|Henriette|Rokia|Hawa|Oumou|Djénéba|Nafissatou|Safiatou|Ramatoulaye|
    Sokhna|Dieynaba|Fanta|Mariétou|Ndeye Fatou|Penda|Yacine|Bineta|Nogaye"""),
    0.35, ("SN", "SN", "SN", "CI", "ML", "BF", "GN", "CM", "BJ", "TG", "NE", "CD", "GA"),
)  # fmt: skip

FRENCH = Culture(
    "french", 0.12,
    _w("""Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Lefèvre|
    Lefebvre|Girard|Bonnet|Dupont|Lambert|Fontaine|Rousseau|Vincent|Muller|Müller|Mercier|
    Chevalier|Blanc|Guérin|Boyer|Garnier|Faure|André|Roux|Morel|Fournier|Gauthier|Perrin|
    Clément|Laurent|Lemaire|Dumont|Lacroix|Brunet|Roussel|Masson|Marchand|Duval|Denis|
    Lemoine|Caron|Picard|Gaillard|Barbier|Arnaud|Schmitt|Meyer|Leclerc|Bertrand|Renaud|
    Lebrun|De La Fontaine|D'Arcy|L'Hermite|Saint-Just|Le Goff|Le Gall|Cœur|Ægerter"""),
    _w("""Jean|Pierre|Michel|Philippe|Alain|Nicolas|Christophe|Patrick|Laurent|Frédéric|
    Olivier|Julien|Sébastien|Guillaume|Mathieu|Antoine|Hugo|Lucas|Théo|Louis|Gabriel|
    Raphaël|Arthur|Jules|Léo|Maël|Noé|Étienne|Jérôme|Benoît|François-Xavier|Jean-Luc|
    Jean-Claude|Marc-Antoine|Loïc|Gaël|Hervé|Joël"""),
    _w("""Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Valérie|Christine|Sophie|
    Céline|Julie|Camille|Léa|Manon|Chloé|Emma|Inès|Jade|Louise|Alice|Zoé|Agathe|Hélène|
    Anaïs|Mélanie|Aurélie|Émilie|Gaëlle|Maëlle|Noémie|Anne-Sophie|Marie-Christine|
    Marie-Laure|Marie-Ève|Clémence|Éloïse|Bérénice|Lætitia"""),
    0.25, ("FR", "FR", "BE", "CH", "CA"),
)  # fmt: skip

ARABIC_LATIN = Culture(
    "arabic_latin", 0.10,
    _w("""Benali|Ben Salah|Ben Ammar|El Amrani|El Idrissi|Haddad|Mansour|Khalil|Aït Ahmed|
    Bouazizi|Ould Abdallah|Ould Mohamed|Abdelkader|Cherif|Chérif|Hamidou|Belkacem|Benkirane|
    Boutaleb|Bensaïd|Zerrouki|Mokhtar|Slimani|Lahlou|Tazi|Fassi|Alaoui|Hassani|Berrada|
    Chraïbi|Ghazali|Kaddouri|Larbi|Mebarki|Nasri|Saâdi|Tounsi|Yacoubi|Zidane|El Fassi"""),
    _w("""Mohamed|Mohammed|Mouhamed|Ahmed|Ali|Hassan|Hussein|Youssef|Omar|Khalid|Abdallah|
    Abdelaziz|Abderrahmane|Said|Saïd|Karim|Mustapha|Hamza|Bilal|Ismaël|Ibrahim|Rachid|
    Mehdi|Nabil|Tarik|Yassine|Anouar|Driss|Hicham|Walid"""),
    _w("""Fatima|Fatma|Khadija|Aïcha|Meriem|Zeynab|Zineb|Samira|Nadia|Leïla|Yasmina|Hafsa|
    Salma|Amina|Houda|Rachida|Naïma|Souad|Malika|Karima|Latifa|Nour|Imane|Sanaa|Hajar|
    Siham|Loubna|Ghizlane|Asmaa|Wafa"""),
    0.15, ("MA", "DZ", "TN", "MR", "EG", "LB"),
)  # fmt: skip

ARABIC_SCRIPT = Culture(
    "arabic_script", 0.04,
    _w("العلوي|بن علي|المنصوري|الحسيني|حداد|الشريف|التازي|الفاسي|بنكيران|الإدريسي|"
       "السعدي|الزياني|القاسمي|الكتاني|البركاني"),
    _w("محمد|أحمد|علي|حسن|يوسف|عمر|خالد|عبد الله|إبراهيم|كريم|مصطفى|حمزة|سعيد|رشيد"),
    _w("فاطمة|عائشة|خديجة|مريم|زينب|سلمى|ليلى|نور|أمينة|هدى|سميرة|نادية|ياسمينة|حفصة"),
    0.2, ("MA", "DZ", "TN", "MR", "EG"),
)  # fmt: skip

CYRILLIC = Culture(
    "cyrillic", 0.02,
    _w("Иванов|Петров|Смирнов|Попов|Соколов|Кузнецов|Волков|Морозов|Новиков|Фёдоров|"
       "Лебедев|Козлов|Шевченко|Ковальчук|Бондаренко"),
    _w("Иван|Дмитрий|Сергей|Алексей|Андрей|Михаил|Николай|Юрий|Олег|Артём|Максим|Ярослав"),
    _w("Анна|Мария|Ольга|Елена|Наталья|Татьяна|Ирина|Светлана|Юлия|Ксения|Алёна|Дарья"),
    0.0, ("RU", "UA", "BY"), True,
)  # fmt: skip

CHINESE = Culture(
    "chinese", 0.02,
    _w("王|李|张|刘|陈|杨|黄|赵|吴|周|徐|孙|马|朱|胡|欧阳|司马"),
    _w("伟|强|磊|军|洋|勇|杰|涛|明|超|浩然|子轩|宇航|俊杰|志强"),
    _w("芳|娜|秀英|敏|静|丽|艳|娟|霞|秀兰|欣怡|梓涵|诗涵|雨桐|婉婷"),
    0.0, ("CN", "CN", "TW", "SG"),
)  # fmt: skip

CULTURES: tuple[Culture, ...] = (
    WEST_CENTRAL_AFRICAN, FRENCH, ARABIC_LATIN, ARABIC_SCRIPT, CYRILLIC, CHINESE,
)  # fmt: skip


def feminine_surname(culture: Culture, surname: str) -> str:
    """Slavic surnames agree with the person's sex (Иванов → Иванова)."""
    if culture.gendered_surnames and surname.endswith(("ов", "ев", "ин")):
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
