"""Blocks shared by several events: the person block (VITAL_EVENTS.md §2), places,
court decisions, causes of death.  Each is declared ONCE here; events pick from them.

Person block tags 1–31 are reserved for the person's own fields; the extra fields
an event adds to a person (``weight_g``, ``children_born_alive``, ``relation``…)
take tags from 32 up, so that appending a person field later never renumbers them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from common.acts.model import Field, Group, Kind, Label

EXTRA_TAG = 32  # first tag for the fields an event adds to a person block
NAME_MAX = 100
TEXT_MAX = 200
AREA_PATTERN = r"[0-9]{1,12}"
ISCO_PATTERN = r"[0-9]{1,4}"
AGE_MAX = 130


def _f(tag: int, name: str, kind: Kind, fr: str, en: str, **kw: object) -> Field:
    return Field(tag, name, kind, Label(fr, en), **kw)  # type: ignore[arg-type]


def field(tag: int, name: str, kind: Kind, fr: str, en: str, **kw: object) -> Field:
    """Shorthand used by the event declarations: ``field(10, "x", Kind.INT, "fr", "en")``."""
    return _f(tag, name, kind, fr, en, **kw)


def locality_fields(*, locality_required: bool) -> tuple[Field, ...]:
    return (
        _f(1, "locality", Kind.TEXT, "Localité", "Locality",
           required=locality_required, max_length=TEXT_MAX),
        _f(2, "area_code", Kind.AREA, "Code de la zone administrative", "Administrative area code",
           pattern=AREA_PATTERN,
           help=Label("Code de la nomenclature nationale des zones administratives",
                      "Code of the national administrative area nomenclature")),
    )  # fmt: skip


def residence(
    tag: int,
    name: str = "residence",
    fr: str = "Résidence habituelle",
    en: str = "Usual residence",
    *,
    required: bool = False,
) -> Group:
    """Usual residence; urban/rural is derived from ``area_code`` (``dictionary.urban_rural``)."""
    return Group(
        tag, name, Label(fr, en),
        (*locality_fields(locality_required=True),
         _f(3, "country", Kind.COUNTRY, "Pays", "Country")),
        required=required,
    )  # fmt: skip


PERSON_FIELDS: tuple[Field | Group, ...] = (
    _f(1, "surname", Kind.NAME, "Nom", "Surname", max_length=NAME_MAX),
    _f(2, "given_names", Kind.NAME, "Prénoms", "Given names", max_length=NAME_MAX),
    _f(3, "sex", Kind.CODE, "Sexe", "Sex", code_list="sex"),
    _f(4, "birth_date", Kind.DATE, "Date de naissance", "Date of birth"),
    _f(5, "age", Kind.INT, "Âge (années révolues)", "Age (completed years)",
       minimum=0, maximum=AGE_MAX, unit="years",
       help=Label("À la date de l'événement, si la date de naissance est inconnue",
                  "At the date of the event, when the date of birth is unknown")),
    Group(6, "birth_place", Label("Lieu de naissance", "Place of birth"),
          (*locality_fields(locality_required=True),
           _f(3, "country", Kind.COUNTRY, "Pays", "Country"))),
    _f(7, "nationality", Kind.COUNTRY, "Nationalité", "Nationality"),
    _f(8, "marital_status", Kind.CODE, "Situation matrimoniale", "Marital status",
       code_list="marital_status"),
    _f(9, "education", Kind.CODE, "Niveau d'instruction", "Education", code_list="education"),
    _f(10, "occupation", Kind.TEXT, "Profession", "Occupation", max_length=TEXT_MAX),
    _f(11, "occupation_isco", Kind.TEXT, "Code CITP de la profession", "Occupation ISCO code",
       pattern=ISCO_PATTERN),
    residence(12),
    _f(13, "residence_years", Kind.INT, "Durée de résidence (années)",
       "Years at usual residence", minimum=0, maximum=AGE_MAX, unit="years"),
    Group(14, "id_document", Label("Pièce d'identité", "Identity document"),
          (_f(1, "type", Kind.CODE, "Type de pièce", "Document type",
              code_list="id_document_type", required=True),
           _f(2, "number", Kind.TEXT, "Numéro", "Number", required=True, max_length=40))),
)  # fmt: skip

PERSON_FIELD_NAMES = tuple(f.name for f in PERSON_FIELDS)
DEFAULT_PERSON_REQUIRED = ("surname", "given_names", "sex")


def person(
    tag: int,
    name: str,
    fr: str,
    en: str,
    *,
    required: bool = True,
    fields: Iterable[str] | None = None,
    mandatory: Iterable[str] = DEFAULT_PERSON_REQUIRED,
    age_needed: bool = True,
    extra: tuple[Field | Group, ...] = (),
    repeat: tuple[int, int] | None = None,
) -> Group:
    """A person block: the shared person fields (all, or ``fields``), ``mandatory``
    ones required, plus the event's ``extra`` fields (tags ≥ ``EXTRA_TAG``).

    With ``age_needed`` the block requires a date of birth or, failing it, an age.
    """
    chosen = PERSON_FIELD_NAMES if fields is None else tuple(fields)
    unknown = set(chosen) - set(PERSON_FIELD_NAMES)
    if unknown:
        raise ValueError(f"person {name}: unknown person fields {sorted(unknown)}")
    must = set(mandatory)
    children: list[Field | Group] = []
    for f in PERSON_FIELDS:
        if f.name in chosen:
            children.append(dataclasses.replace(f, required=f.name in must))
    for x in extra:
        if x.tag < EXTRA_TAG:
            raise ValueError(f"person {name}: extra field {x.name} must take a tag >= {EXTRA_TAG}")
        children.append(x)
    one_of = (("birth_date", "age"),) if age_needed else ()
    return Group(
        tag, name, Label(fr, en), tuple(children), required=required,
        repeat_min=repeat[0] if repeat else None, repeat_max=repeat[1] if repeat else None,
        one_of=one_of,
    )  # fmt: skip


# --- blocks every event has -------------------------------------------------------


def place(tag: int, *, type_required: bool) -> Group:
    return Group(
        tag, "place", Label("Lieu de l'événement", "Place of occurrence"),
        (*locality_fields(locality_required=True),
         _f(3, "type", Kind.CODE, "Type de lieu", "Type of place",
            code_list="place_type", required=type_required)),
        required=True,
    )  # fmt: skip


DECLARANT_FIELDS = (
    "surname", "given_names", "sex", "birth_date", "age", "occupation", "residence", "id_document",
)  # fmt: skip


def declarant(tag: int) -> Group:
    return person(
        tag, "declarant", "Déclarant", "Declarant",
        fields=DECLARANT_FIELDS, mandatory=("surname", "given_names"), age_needed=False,
        extra=(_f(EXTRA_TAG, "relation", Kind.CODE, "Qualité du déclarant",
                  "Relation to the person concerned", code_list="declarant_relation",
                  required=True),),
    )  # fmt: skip


def court_decision(
    tag: int, name: str, fr: str, en: str, *, required: bool, name_required: bool = True
) -> Group:
    """A court decision: the court's name, the decision date and its reference."""
    return Group(
        tag, name, Label(fr, en),
        (_f(1, "name", Kind.TEXT, "Juridiction", "Court", required=name_required,
            max_length=TEXT_MAX),
         _f(2, "decision_date", Kind.DATE, "Date de la décision", "Date of the decision",
            required=True),
         _f(3, "reference", Kind.TEXT, "Référence de la décision", "Reference of the decision",
            required=True, max_length=60)),
        required=required,
    )  # fmt: skip


def registration_court_decision(tag: int) -> Group:
    """The court judgment that authorises a *delayed* registration (jugement supplétif).

    Distinct from ``court`` (the judgment that IS the event, for divorces and
    adoptions): one event may carry both.  Required by the validator exactly when
    the registration is delayed (``timeliness.categorize``).
    """
    return court_decision(
        tag,
        "registration_court_decision",
        "Jugement autorisant l'inscription tardive",
        "Court decision for delayed registration",
        required=False,
        name_required=False,
    )


COMMON_TAGS = range(1, 10)  # tags 1–9 of every event's root: the blocks below


def common_fields(*, place_type_required: bool) -> tuple[Field | Group, ...]:
    """What every event has (VITAL_EVENTS.md §1); event-specific fields take tags ≥ 10."""
    return (
        _f(1, "occurred_on", Kind.DATE, "Date de l'événement", "Date of occurrence",
           required=True),
        _f(2, "occurred_on_estimated", Kind.BOOL, "Date estimée", "Date estimated"),
        _f(3, "occurred_time", Kind.TIME, "Heure", "Time"),
        place(4, type_required=place_type_required),
        declarant(5),
        registration_court_decision(6),
    )  # fmt: skip


# --- causes of death ---------------------------------------------------------------

PART1_LETTERS = ("a", "b", "c", "d")


def cause(tag: int) -> Group:
    """Cause of death, WHO international form: part I lines (a)–(d), part II, underlying."""
    return Group(
        tag, "cause", Label("Cause du décès", "Cause of death"),
        (Group(1, "part1", Label("Partie I, ligne", "Part I, line"),
               (_f(1, "text", Kind.TEXT, "Maladie ou affection", "Disease or condition",
                   required=True, max_length=TEXT_MAX),
                _f(2, "icd10", Kind.ICD10, "Code CIM-10", "ICD-10 code"),
                _f(3, "interval", Kind.TEXT, "Intervalle entre le début et le décès",
                   "Interval between onset and death", max_length=40)),
               required=True, repeat_min=1, repeat_max=4, item_names=PART1_LETTERS,
               help=Label("Ligne (a) : cause directe ; (b) à (d) : causes antécédentes",
                          "Line (a): direct cause; (b) to (d): antecedent causes")),
         _f(2, "part2", Kind.TEXT, "Partie II : autres états morbides importants",
            "Part II: other significant conditions", max_length=TEXT_MAX),
         _f(3, "underlying_icd10", Kind.ICD10, "Cause initiale (CIM-10)",
            "Underlying cause (ICD-10)"),
         _f(4, "manner", Kind.CODE, "Circonstances", "Manner of death",
            code_list="death_manner"),
         _f(5, "autopsy_used", Kind.BOOL, "Autopsie utilisée", "Autopsy findings used")),
    )  # fmt: skip


def certifier(tag: int) -> Group:
    return Group(
        tag, "certifier", Label("Certificateur", "Certifier"),
        (_f(1, "surname", Kind.NAME, "Nom", "Surname", required=True, max_length=NAME_MAX),
         _f(2, "given_names", Kind.NAME, "Prénoms", "Given names", max_length=NAME_MAX),
         _f(3, "qualification", Kind.CODE, "Qualité", "Qualification",
            code_list="certifier_qualification", required=True)),
    )  # fmt: skip


# --- what the system records ----------------------------------------------------------

#: Set by the system when an act is registered; stored in the act envelope
#: (``registered_on``, ``niu``…), never typed by the user, never inside ``data``.
REGISTRATION_FIELDS: tuple[Field, ...] = (
    field(1, "registered_on", Kind.DATE, "Date d'inscription", "Date of registration",
          required=True),
    field(2, "centre_code", Kind.TEXT, "Centre d'état civil", "Registration centre",
          required=True, pattern=r"[0-9]{6}"),
    field(3, "register_number", Kind.TEXT, "Numéro dans le registre", "Register number",
          max_length=20),
    field(4, "niu", Kind.NIU, "NIU", "NIU"),
    field(5, "timeliness", Kind.CODE, "Délai de déclaration", "Timeliness of registration",
          code_list="timeliness"),
)  # fmt: skip
