"""Declarations of the first-priority vital events: birth, death, foetal death.

Tags 1–9 of each root are the common blocks (``blocks.common_fields``); the
event's own fields take tags from 10, and are only ever appended.
"""

from __future__ import annotations

from common.acts.blocks import (
    EXTRA_TAG,
    REGISTRATION_FIELDS,
    cause,
    certifier,
    common_fields,
    field,
    person,
    residence,
)
from common.acts.model import EventType, Field, Group, Kind, Label, Section

WEIGHT = dict(minimum=200, maximum=7000, unit="g")
WEEKS = dict(minimum=16, maximum=46, unit="weeks")
COUNT = dict(minimum=0, maximum=30)


def _weight(tag: int) -> Field:
    return field(tag, "weight_g", Kind.INT, "Poids à la naissance (g)", "Birth weight (g)",
                 **WEIGHT)  # fmt: skip


def _delivery_fields() -> tuple[Field, ...]:
    return (
        field(10, "birth_type", Kind.CODE, "Type de naissance", "Type of birth",
              code_list="birth_type", required=True),
        field(11, "rank_in_delivery", Kind.INT, "Rang de naissance dans l'accouchement",
              "Rank in the delivery", minimum=1, maximum=9,
              help=Label("1 pour une naissance simple ; 1, 2… pour des jumeaux",
                         "1 for a single birth; 1, 2… for twins")),
        field(12, "attendant", Kind.CODE, "Assistance à l'accouchement", "Attendant at birth",
              code_list="attendant"),
    )  # fmt: skip


def _prenatal_fields(first_tag: int) -> tuple[Field, ...]:
    return (
        field(first_tag, "prenatal_visits", Kind.INT, "Nombre de visites prénatales",
              "Number of prenatal visits", minimum=0, maximum=60),
        field(first_tag + 1, "prenatal_care_began_month", Kind.INT,
              "Mois de grossesse au début des soins prénatals",
              "Month of pregnancy prenatal care began", minimum=1, maximum=9),
    )  # fmt: skip


def mother(tag: int) -> Group:
    """The mother: a person (her sex is implied) plus her fertility history."""
    return person(
        tag, "mother", "Mère", "Mother",
        fields=_PERSON_NO_SEX, mandatory=("surname", "given_names"),
        extra=(
            field(EXTRA_TAG, "children_born_alive", Kind.INT,
                  "Enfants nés vivants (y compris celui-ci)",
                  "Children born alive (including this one)", **COUNT),
            field(EXTRA_TAG + 1, "children_still_living", Kind.INT,
                  "Enfants encore en vie", "Children still living", **COUNT),
            field(EXTRA_TAG + 2, "foetal_deaths", Kind.INT, "Morts fœtales antérieures",
                  "Previous foetal deaths", **COUNT),
            field(EXTRA_TAG + 3, "last_live_birth_on", Kind.DATE,
                  "Date de la précédente naissance vivante",
                  "Date of the last previous live birth"),
            field(EXTRA_TAG + 4, "marriage_date", Kind.DATE, "Date du mariage",
                  "Date of marriage"),
        ),
    )  # fmt: skip


def father(tag: int) -> Group:
    """The father, optional as a whole: he may be unknown or not declared."""
    return person(
        tag,
        "father",
        "Père",
        "Father",
        required=False,
        fields=_PERSON_NO_SEX,
        mandatory=("surname", "given_names"),
    )


_PERSON_NO_SEX = (
    "surname", "given_names", "birth_date", "age", "birth_place", "nationality",
    "marital_status", "education", "occupation", "occupation_isco", "residence",
    "residence_years", "id_document",
)  # fmt: skip


def _parents_sections() -> tuple[Section, ...]:
    return (
        Section("mother", Label("Mère", "Mother"), ("mother",)),
        Section("father", Label("Père", "Father"), ("father",)),
        Section("declarant", Label("Déclarant", "Declarant"), ("declarant",)),
        Section("registration", Label("Inscription", "Registration"),
                ("registration_court_decision",)),
    )  # fmt: skip


BIRTH = EventType(
    key="birth", tag=1, label=Label("Naissance", "Birth"),
    root=Group(0, "birth", Label("Naissance", "Birth"), (
        *common_fields(place_type_required=True),
        *_delivery_fields(),
        person(13, "child", "Enfant", "Child", fields=("surname", "given_names", "sex"),
               age_needed=False, extra=(_weight(EXTRA_TAG),)),
        field(14, "gestational_weeks", Kind.INT, "Durée de gestation (semaines)",
              "Gestational age (weeks)", **WEEKS),
        *_prenatal_fields(15),
        mother(17),
        father(18),
    ), required=True),
    sections=(
        Section("event", Label("Naissance", "Birth"),
                ("occurred_on", "occurred_on_estimated", "occurred_time", "place",
                 "birth_type", "rank_in_delivery", "attendant")),
        Section("child", Label("Enfant", "Child"), ("child",)),
        Section("pregnancy", Label("Grossesse", "Pregnancy"),
                ("gestational_weeks", "prenatal_visits", "prenatal_care_began_month")),
        *_parents_sections(),
    ),
    principal_person="child", mother_path="mother", father_path="father",
    registration_fields=REGISTRATION_FIELDS,
)  # fmt: skip


DEATH = EventType(
    key="death", tag=2, label=Label("Décès", "Death"),
    root=Group(0, "death", Label("Décès", "Death"), (
        *common_fields(place_type_required=True),
        person(10, "deceased", "Défunt", "Deceased"),
        cause(11),
        certifier(12),
        field(13, "certification_type", Kind.CODE, "Type de certification",
              "Type of certification", code_list="certification_type"),
        field(14, "pregnancy_related", Kind.BOOL,
              "Décès lié à une grossesse (femmes de 15 à 49 ans)",
              "Pregnancy-related (women aged 15–49)"),
        Group(15, "infant", Label("Décès d'un enfant de moins d'un an",
                                  "Death of an infant under one year"),
              (residence(1, "mother_residence", "Résidence habituelle de la mère",
                         "Mother's usual residence", required=True),
               field(2, "birth_registered", Kind.BOOL, "Naissance enregistrée",
                     "Birth registered"))),
        field(16, "birth_act_niu", Kind.NIU, "NIU de l'acte de naissance",
              "NIU of the birth act"),
    ), required=True),
    sections=(
        Section("event", Label("Décès", "Death"),
                ("occurred_on", "occurred_on_estimated", "occurred_time", "place")),
        Section("deceased", Label("Défunt", "Deceased"),
                ("deceased", "birth_act_niu", "infant")),
        Section("cause", Label("Cause du décès", "Cause of death"),
                ("cause", "certifier", "certification_type", "pregnancy_related")),
        Section("declarant", Label("Déclarant", "Declarant"), ("declarant",)),
        Section("registration", Label("Inscription", "Registration"),
                ("registration_court_decision",)),
    ),
    principal_person="deceased", registration_fields=REGISTRATION_FIELDS,
)  # fmt: skip


FOETAL_DEATH = EventType(
    key="foetal_death", tag=3, label=Label("Mort fœtale", "Foetal death"),
    root=Group(0, "foetal_death", Label("Mort fœtale", "Foetal death"), (
        *common_fields(place_type_required=True),
        *_delivery_fields(),
        Group(13, "foetus", Label("Fœtus", "Foetus"), (
            field(3, "sex", Kind.CODE, "Sexe", "Sex", code_list="sex", required=True),
            _weight(EXTRA_TAG),
            field(EXTRA_TAG + 1, "gestational_weeks", Kind.INT, "Durée de gestation (semaines)",
                  "Gestational age (weeks)", required=True, **WEEKS),
        ), required=True),
        *_prenatal_fields(14),
        mother(16),
        father(17),
        cause(18),
        certifier(19),
        field(20, "certification_type", Kind.CODE, "Type de certification",
              "Type of certification", code_list="certification_type"),
    ), required=True),
    sections=(
        Section("event", Label("Mort fœtale", "Foetal death"),
                ("occurred_on", "occurred_on_estimated", "occurred_time", "place",
                 "birth_type", "rank_in_delivery", "attendant")),
        Section("foetus", Label("Fœtus", "Foetus"),
                ("foetus", "prenatal_visits", "prenatal_care_began_month")),
        Section("cause", Label("Cause du décès", "Cause of death"),
                ("cause", "certifier", "certification_type")),
        *_parents_sections(),
    ),
    principal_person="mother", mother_path="mother", father_path="father",
    registration_fields=REGISTRATION_FIELDS,
)  # fmt: skip
