"""Declarations of the second-priority events: marriage and its dissolutions
(divorce, annulment, judicial separation) and the vertical family events
(adoption, legitimation, recognition).

Tags 1–9 of each root are the common blocks (``blocks.common_fields``); the
event's own fields take tags from 10, and are only ever appended.
"""

from __future__ import annotations

from common.acts.blocks import (
    EXTRA_TAG,
    REGISTRATION_FIELDS,
    common_fields,
    court_decision,
    field,
    person,
)
from common.acts.model import EventType, Field, Group, Kind, Label, Section

COUNT = dict(minimum=0, maximum=30)

_WITNESS_FIELDS = (
    "surname", "given_names", "sex", "birth_date", "age", "occupation", "residence",
    "id_document",
)  # fmt: skip


def _event_section(label: Label, *extra: str) -> Section:
    return Section(
        "event", label, ("occurred_on", "occurred_on_estimated", "occurred_time", "place", *extra)
    )


def _tail_sections() -> tuple[Section, ...]:
    return (
        Section("declarant", Label("Déclarant", "Declarant"), ("declarant",)),
        Section("registration", Label("Inscription", "Registration"),
                ("registration_court_decision",)),
    )  # fmt: skip


def _spouses(tag: int, *, marriage: bool) -> Group:
    extra: tuple[Field | Group, ...] = ()
    if marriage:
        extra = (
            field(EXTRA_TAG, "previous_marital_status", Kind.CODE,
                  "Situation matrimoniale antérieure", "Previous marital status",
                  code_list="marital_status"),
            field(EXTRA_TAG + 1, "previous_marriages", Kind.INT, "Nombre de mariages antérieurs",
                  "Number of previous marriages", minimum=0, maximum=20),
            field(EXTRA_TAG + 2, "birth_act_niu", Kind.NIU, "NIU de l'acte de naissance",
                  "NIU of the birth act"),
        )  # fmt: skip
    return person(tag, "spouses", "Époux", "Spouse", extra=extra, repeat=(2, 2))


MARRIAGE = EventType(
    key="marriage", tag=4, label=Label("Mariage", "Marriage"),
    root=Group(0, "marriage", Label("Mariage", "Marriage"), (
        *common_fields(place_type_required=False),
        field(10, "marriage_type", Kind.CODE, "Forme du mariage", "Type of marriage",
              code_list="marriage_type", required=True),
        _spouses(11, marriage=True),
        person(12, "witnesses", "Témoin", "Witness", fields=_WITNESS_FIELDS,
               mandatory=("surname", "given_names"), age_needed=False, repeat=(2, 4)),
        field(13, "matrimonial_regime", Kind.CODE, "Régime matrimonial",
              "Matrimonial property regime", code_list="matrimonial_regime",
              help=Label("Seulement si la loi nationale le prévoit",
                         "Only where national law provides for it")),
        field(14, "polygamy_option", Kind.CODE, "Option de mariage", "Polygamy option",
              code_list="polygamy_option",
              help=Label("Seulement si la loi nationale le prévoit",
                         "Only where national law provides for it")),
    ), required=True),
    sections=(
        _event_section(Label("Mariage", "Marriage"), "marriage_type"),
        Section("spouses", Label("Époux", "Spouses"), ("spouses",)),
        Section("regime", Label("Régime", "Regime"), ("matrimonial_regime", "polygamy_option")),
        Section("witnesses", Label("Témoins", "Witnesses"), ("witnesses",)),
        *_tail_sections(),
    ),
    principal_person="spouses", registration_fields=REGISTRATION_FIELDS,
)  # fmt: skip


def _dissolution(key: str, tag: int, fr: str, en: str) -> EventType:
    """Divorce, annulment and judicial separation share their fields."""
    return EventType(
        key=key, tag=tag, label=Label(fr, en),
        root=Group(0, key, Label(fr, en), (
            *common_fields(place_type_required=False),
            field(10, "marriage_act_niu", Kind.NIU, "NIU de l'acte de mariage",
                  "NIU of the marriage act"),
            _spouses(11, marriage=False),
            field(12, "marriage_date", Kind.DATE, "Date du mariage", "Date of marriage",
                  required=True),
            field(13, "dependent_children", Kind.INT, "Enfants à charge",
                  "Dependent children", **COUNT),
            field(14, "children_of_marriage", Kind.INT, "Enfants issus du mariage",
                  "Children of the marriage", **COUNT),
            court_decision(15, "court", "Décision de justice", "Court decision", required=True),
        ), required=True),
        sections=(
            _event_section(Label(fr, en)),
            Section("court", Label("Décision de justice", "Court decision"), ("court",)),
            Section("marriage", Label("Mariage dissous", "Marriage"),
                    ("marriage_act_niu", "marriage_date", "dependent_children",
                     "children_of_marriage")),
            Section("spouses", Label("Époux", "Spouses"), ("spouses",)),
            *_tail_sections(),
        ),
        principal_person="spouses", registration_fields=REGISTRATION_FIELDS,
    )  # fmt: skip


DIVORCE = _dissolution("divorce", 5, "Divorce", "Divorce")
ANNULMENT = _dissolution("annulment", 6, "Annulation de mariage", "Annulment")
JUDICIAL_SEPARATION = _dissolution(
    "judicial_separation", 7, "Séparation de corps", "Judicial separation"
)


def _filiation(
    key: str,
    tag: int,
    fr: str,
    en: str,
    *,
    court_required: bool,
    extra: tuple[Field | Group, ...] = (),
) -> EventType:
    """Adoption, legitimation and recognition: a child, its parent(s), and the
    court decision or the declaration that establishes the filiation."""
    return EventType(
        key=key, tag=tag, label=Label(fr, en),
        root=Group(0, key, Label(fr, en), (
            *common_fields(place_type_required=False),
            person(10, "child", "Enfant", "Child", extra=(
                field(EXTRA_TAG, "birth_act_niu", Kind.NIU, "NIU de l'acte de naissance",
                      "NIU of the birth act"),)),
            person(11, "parents", "Parent", "Parent", repeat=(1, 2),
                   mandatory=("surname", "given_names", "sex"), extra=(
                field(EXTRA_TAG, "role", Kind.CODE, "Qualité", "Role",
                      code_list="parent_role", required=True),)),
            court_decision(12, "court", "Décision de justice", "Court decision",
                           required=court_required),
            Group(13, "declaration", Label("Déclaration", "Declaration"), (
                field(1, "date", Kind.DATE, "Date de la déclaration", "Date of the declaration",
                      required=True),
                field(2, "reference", Kind.TEXT, "Référence", "Reference", max_length=60),
            )),
            Group(14, "new_names", Label("Nouveaux nom et prénoms", "New names"), (
                field(1, "surname", Kind.NAME, "Nouveau nom", "New surname", max_length=100),
                field(2, "given_names", Kind.NAME, "Nouveaux prénoms", "New given names",
                      max_length=100),
            ), one_of=(("surname", "given_names"),)),
            *extra,
        ), required=True, one_of=() if court_required else (("court", "declaration"),)),
        sections=(
            _event_section(Label(fr, en), *(x.name for x in extra)),
            Section("child", Label("Enfant", "Child"), ("child", "new_names")),
            Section("parents", Label("Parents", "Parents"), ("parents",)),
            Section("decision", Label("Décision ou déclaration", "Decision or declaration"),
                    ("court", "declaration")),
            *_tail_sections(),
        ),
        principal_person="child", parents_path="parents",
        registration_fields=REGISTRATION_FIELDS,
    )  # fmt: skip


ADOPTION = _filiation(
    "adoption", 8, "Adoption", "Adoption", court_required=True,
    extra=(field(15, "adoption_type", Kind.CODE, "Forme de l'adoption", "Type of adoption",
                 code_list="adoption_type"),),
)  # fmt: skip
LEGITIMATION = _filiation("legitimation", 9, "Légitimation", "Legitimation", court_required=False)
RECOGNITION = _filiation("recognition", 10, "Reconnaissance", "Recognition", court_required=False)
