"""Statistical classifications the tabulations group by: ICD-10 chapters, age,
birth-weight, duration and count groups.

They are emitted as SQL functions in schema ``stats`` (``sqlgen``) so that the
centre, the SCEC and any statistician's own query group the same way.  Group
codes are their own labels ("15-19", "2500-2999", "85+") and sort in the right
order as text; a missing value is ``not_stated``, like a code list.
"""

# ruff: noqa: S608 -- this module writes DDL from the dictionary and constants, never user input
from __future__ import annotations

from dataclasses import dataclass

from common.acts.codes import NOT_STATED
from common.acts.model import Label
from common.stats.sqltext import literal

ILL_DEFINED_CHAPTER = "XVIII"  # R00–R99: symptoms, signs, ill-defined conditions


@dataclass(frozen=True)
class Chapter:
    """An ICD-10 chapter: the range of three-character categories it covers.

    Ranges are closed and contiguous between chapters (``C00``–``D49`` rather
    than WHO's ``D48``), so a valid-looking code outside WHO's list still gets
    the chapter of its neighbours instead of vanishing from the tables.
    """

    code: str
    first: str
    last: str
    label: Label


ICD10_CHAPTERS: tuple[Chapter, ...] = (
    Chapter("I", "A00", "B99", Label("Certaines maladies infectieuses et parasitaires",
                                     "Certain infectious and parasitic diseases")),
    Chapter("II", "C00", "D49", Label("Tumeurs", "Neoplasms")),
    Chapter("III", "D50", "D89", Label(
        "Maladies du sang et des organes hématopoïétiques et troubles immunitaires",
        "Diseases of the blood and blood-forming organs and immune disorders")),
    Chapter("IV", "E00", "E99", Label("Maladies endocriniennes, nutritionnelles et métaboliques",
                                      "Endocrine, nutritional and metabolic diseases")),
    Chapter("V", "F00", "F99", Label("Troubles mentaux et du comportement",
                                     "Mental and behavioural disorders")),
    Chapter("VI", "G00", "G99", Label("Maladies du système nerveux",
                                      "Diseases of the nervous system")),
    Chapter("VII", "H00", "H59", Label("Maladies de l'œil et de ses annexes",
                                       "Diseases of the eye and adnexa")),
    Chapter("VIII", "H60", "H99", Label("Maladies de l'oreille et de l'apophyse mastoïde",
                                        "Diseases of the ear and mastoid process")),
    Chapter("IX", "I00", "I99", Label("Maladies de l'appareil circulatoire",
                                      "Diseases of the circulatory system")),
    Chapter("X", "J00", "J99", Label("Maladies de l'appareil respiratoire",
                                     "Diseases of the respiratory system")),
    Chapter("XI", "K00", "K99", Label("Maladies de l'appareil digestif",
                                      "Diseases of the digestive system")),
    Chapter("XII", "L00", "L99", Label("Maladies de la peau et du tissu cellulaire sous-cutané",
                                       "Diseases of the skin and subcutaneous tissue")),
    Chapter("XIII", "M00", "M99", Label(
        "Maladies du système ostéo-articulaire, des muscles et du tissu conjonctif",
        "Diseases of the musculoskeletal system and connective tissue")),
    Chapter("XIV", "N00", "N99", Label("Maladies de l'appareil génito-urinaire",
                                       "Diseases of the genitourinary system")),
    Chapter("XV", "O00", "O99", Label("Grossesse, accouchement et puerpéralité",
                                      "Pregnancy, childbirth and the puerperium")),
    Chapter("XVI", "P00", "P99", Label(
        "Certaines affections dont l'origine se situe dans la période périnatale",
        "Certain conditions originating in the perinatal period")),
    Chapter("XVII", "Q00", "Q99", Label(
        "Malformations congénitales et anomalies chromosomiques",
        "Congenital malformations, deformations and chromosomal abnormalities")),
    Chapter(ILL_DEFINED_CHAPTER, "R00", "R99", Label(
        "Symptômes, signes et résultats anormaux d'examens, non classés ailleurs",
        "Symptoms, signs and abnormal findings, not elsewhere classified")),
    Chapter("XIX", "S00", "T99", Label(
        "Lésions traumatiques, empoisonnements et autres conséquences de causes externes",
        "Injury, poisoning and certain other consequences of external causes")),
    Chapter("XX", "V00", "Y99", Label("Causes externes de morbidité et de mortalité",
                                      "External causes of morbidity and mortality")),
    Chapter("XXI", "Z00", "Z99", Label(
        "Facteurs influant sur l'état de santé et motifs de recours aux services de santé",
        "Factors influencing health status and contact with health services")),
    Chapter("XXII", "U00", "U99", Label("Codes d'utilisation particulière",
                                        "Codes for special purposes")),
)


def icd10_chapter_sql() -> str:
    """``stats.icd10_chapter(code)``: the chapter of an ICD-10 code, NULL if malformed."""
    c = "upper(left(p_code, 3)) COLLATE \"C\""
    whens = "\n".join(
        f"        WHEN {c} BETWEEN {literal(ch.first)} AND {literal(ch.last)} "
        f"THEN {literal(ch.code)}"
        for ch in ICD10_CHAPTERS
    )
    return (
        "CREATE OR REPLACE FUNCTION stats.icd10_chapter(p_code text) RETURNS text\n"
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
        "    SELECT CASE\n"
        "        WHEN p_code IS NULL OR p_code !~ '^[A-Za-z][0-9][0-9]' THEN NULL\n"
        f"{whens}\n"
        "    END\n$$;"
    )


NS = literal(NOT_STATED)

#: Grouping functions, IMMUTABLE so PostgreSQL may inline them.
GROUP_FUNCTIONS_SQL = f"""\
-- Five-year age groups from p_low to p_high (both multiples of 5): '00-14',
-- '15-19' … '45-49', '50+'.  Mothers: (15, 50); fathers, spouses: (15, 60).
CREATE OR REPLACE FUNCTION stats.age_group(p_age integer, p_low integer, p_high integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_age IS NULL THEN {NS}
        WHEN p_age < p_low THEN '00-' || lpad((p_low - 1)::text, 2, '0')
        WHEN p_age >= p_high THEN p_high::text || '+'
        ELSE lpad((p_low + (p_age - p_low) / 5 * 5)::text, 2, '0') || '-'
             || lpad((p_low + (p_age - p_low) / 5 * 5 + 4)::text, 2, '0')
    END
$$;

-- Age at death: '00' (under one year), '01-04', then five-year groups, '85+'.
CREATE OR REPLACE FUNCTION stats.age_group_death(p_age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_age IS NULL THEN {NS}
        WHEN p_age < 1 THEN '00'
        WHEN p_age < 5 THEN '01-04'
        WHEN p_age >= 85 THEN '85+'
        ELSE lpad((p_age / 5 * 5)::text, 2, '0') || '-'
             || lpad((p_age / 5 * 5 + 4)::text, 2, '0')
    END
$$;

-- Birth weight: '0000-0999', then 500 g groups '1000-1499' … '4000-4499', '4500+'.
CREATE OR REPLACE FUNCTION stats.weight_group(p_grams integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_grams IS NULL THEN {NS}
        WHEN p_grams < 1000 THEN '0000-0999'
        WHEN p_grams >= 4500 THEN '4500+'
        ELSE lpad((p_grams / 500 * 500)::text, 4, '0') || '-'
             || lpad((p_grams / 500 * 500 + 499)::text, 4, '0')
    END
$$;

-- Duration of marriage in completed years: '00' … '04', then '05-09' … '25-29', '30+'.
CREATE OR REPLACE FUNCTION stats.duration_group(p_years integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_years IS NULL OR p_years < 0 THEN {NS}
        WHEN p_years < 5 THEN lpad(p_years::text, 2, '0')
        WHEN p_years >= 30 THEN '30+'
        ELSE lpad((p_years / 5 * 5)::text, 2, '0') || '-'
             || lpad((p_years / 5 * 5 + 4)::text, 2, '0')
    END
$$;

-- A count of persons: '0' … '4', '5+'.
CREATE OR REPLACE FUNCTION stats.count_group(p_n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p_n IS NULL OR p_n < 0 THEN {NS}
        WHEN p_n >= 5 THEN '5+'
        ELSE p_n::text
    END
$$;

-- Urban or rural, from the national table of area codes and prefixes (the
-- longest matching prefix wins, as common.acts.dictionary.urban_rural).
CREATE OR REPLACE FUNCTION stats.urban_rural(p_area text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT u.urban_rural FROM stats.urban_rural_areas u
                     WHERE left(p_area, length(u.area_code)) = u.area_code
                     ORDER BY length(u.area_code) DESC LIMIT 1), {NS})
$$;
"""
