"""The sentences of validation problems, one per rule key, through ``tr``.

A rule key is stable and machine-readable (tests, JSON output, the GUI's field
highlighting); the sentence is for people and is translated (French catalogue in
``common/i18n/locale/fr/acts.po``).  Each sentence completes the field's label:
"Date of birth: is in the future (01/01/2031)".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from common.i18n import translator

tr = translator("acts")

Params = Mapping[str, object]


def kind_text(kind: str) -> str:
    """What a value of ``kind`` must be, as a phrase ("a date (yyyy-mm-dd)")."""
    texts: dict[str, Callable[[], str]] = {
        "object": lambda: tr("a group of fields (a JSON object)"),
        "list": lambda: tr("a list (a JSON array)"),
        "text": lambda: tr("a text"),
        "name": lambda: tr("a text"),
        "int": lambda: tr("a whole number"),
        "date": lambda: tr("a date (yyyy-mm-dd)"),
        "time": lambda: tr("a time (hh:mm)"),
        "bool": lambda: tr("yes or no (true or false)"),
        "code": lambda: tr("a code of the list"),
        "country": lambda: tr("a country code (ISO 3166-1, two letters)"),
        "niu": lambda: tr("a NIU (19 digits)"),
        "icd10": lambda: tr("an ICD-10 code"),
        "area": lambda: tr("an administrative area code (digits)"),
    }
    return texts[kind]() if kind in texts else kind


_RULES: dict[str, Callable[[Params], str]] = {
    # --- structure and types
    "unknown_field": lambda p: tr("is not a field of this act"),
    "wrong_type": lambda p: tr("must be {expected}", expected=kind_text(str(p["expected"]))),
    "required": lambda p: tr("is required"),
    "one_of_required": lambda p: tr("is required (or else: {other})", other=p["other"]),
    "too_few": lambda p: tr("needs at least {minimum} entries", minimum=p["minimum"]),
    "too_many": lambda p: tr("allows at most {maximum} entries", maximum=p["maximum"]),
    "empty": lambda p: tr("must not be empty"),
    "too_long": lambda p: tr("is too long (at most {maximum} characters)", maximum=p["maximum"]),
    "control_characters": lambda p: tr("contains control characters"),
    "name_characters": lambda p: tr(
        "contains a character not allowed in a name: {character}", character=p["character"]
    ),
    "invalid_format": lambda p: tr("has an invalid format: {value}", value=p["value"]),
    "invalid_date": lambda p: tr(
        "is not a valid date (yyyy-mm-dd): {value}", value=p["value"]
    ),
    "invalid_time": lambda p: tr("is not a valid time (hh:mm): {value}", value=p["value"]),
    "not_in_code_list": lambda p: tr("has an unknown code: {code}", code=p["code"]),
    "invalid_country": lambda p: tr(
        "is not a country code (ISO 3166-1): {code}", code=p["code"]
    ),
    "niu_format": lambda p: tr("is not a NIU (19 digits): {value}", value=p["value"]),
    "niu_check_digits": lambda p: tr(
        "is not a valid NIU: its check digits do not match ({value})", value=p["value"]
    ),
    "invalid_icd10": lambda p: tr("is not an ICD-10 code: {code}", code=p["code"]),
    "below_minimum": lambda p: tr("must be at least {minimum}", minimum=p["minimum"]),
    "above_maximum": lambda p: tr("must be at most {maximum}", maximum=p["maximum"]),
    # --- dates
    "date_in_future": lambda p: tr("is in the future ({date})", date=p["date"]),
    "date_too_old": lambda p: tr("is before {minimum}", minimum=p["minimum"]),
    "death_before_birth": lambda p: tr(
        "the death ({occurred}) would be before the birth ({born})",
        occurred=p["occurred"], born=p["born"],
    ),
    "born_after_event": lambda p: tr(
        "is after the date of the event ({occurred})", occurred=p["occurred"]
    ),
    "age_inconsistent": lambda p: tr(
        "does not match the date of birth (age {expected} at the event)", expected=p["expected"]
    ),
    "registered_before_occurrence": lambda p: tr(
        "is after the date of registration ({registered})", registered=p["registered"]
    ),
    "after_occurrence": lambda p: tr(
        "is after the date of the event ({occurred})", occurred=p["occurred"]
    ),
    "marriage_after_dissolution": lambda p: tr(
        "is after the date of the dissolution ({occurred})", occurred=p["occurred"]
    ),
    # --- people
    "mother_age_implausible": lambda p: tr(
        "the mother would be {age} years old at the event; accepted: {low} to {high}",
        age=p["age"], low=p["low"], high=p["high"],
    ),
    "mother_age_unusual": lambda p: tr(
        "the mother would be {age} years old at the event; please check", age=p["age"]
    ),
    "below_marriage_age": lambda p: tr(
        "the spouse would be {age} years old, below the legal age of marriage ({minimum})",
        age=p["age"], minimum=p["minimum"],
    ),
    "more_living_than_born": lambda p: tr(
        "cannot exceed the children born alive ({born})", born=p["born"]
    ),
    "children_born_alive_excludes_this_child": lambda p: tr(
        "must count this child too (at least 1)"
    ),
    "pregnancy_related_not_applicable": lambda p: tr(
        "applies only to women aged {low} to {high}", low=p["low"], high=p["high"]
    ),
    "infant_not_applicable": lambda p: tr("applies only to a child who died before one year"),
    "role_sex_mismatch": lambda p: tr("does not match the parent's sex"),
    "duplicate_parent_role": lambda p: tr("is the same for both parents"),
    "parent_born_after_child": lambda p: tr(
        "is not before the child's date of birth ({born})", born=p["born"]
    ),
    # --- births
    "rank_exceeds_birth_type": lambda p: tr(
        "cannot be {rank} for this type of birth ({birth_type})",
        rank=p["rank"], birth_type=p["birth_type"],
    ),
    "rank_required": lambda p: tr("is required for a multiple birth"),
    # --- registration
    "court_decision_required": lambda p: tr(
        "is required: the registration is delayed ({days} days after the event)", days=p["days"]
    ),
    "court_decision_not_needed": lambda p: tr(
        "is given although the registration is not delayed"
    ),
    "decision_before_occurrence": lambda p: tr(
        "is before the event ({occurred})", occurred=p["occurred"]
    ),
    "decision_after_registration": lambda p: tr(
        "is after the registration ({registered})", registered=p["registered"]
    ),
    "decision_before_marriage": lambda p: tr(
        "is before the marriage ({married})", married=p["married"]
    ),
    "not_applicable_by_law": lambda p: tr("does not apply under national law"),
    "polygamy_not_allowed": lambda p: tr(
        "is 'married' but national law does not allow polygamy"
    ),
    # --- links to other acts
    # (without "linked" when the centre database refused the link: it does not tell
    # what the linked act says, since that read is not in the audit trail)
    "link_wrong_event_type": lambda p: tr(
        "links to an act of type {linked}, expected {expected}",
        linked=p["linked"], expected=p["expected"],
    ) if "linked" in p else tr("links to an act of another type, expected {expected}",
                               expected=p["expected"]),
    "link_sex_mismatch": lambda p: tr(
        "differs from the sex on the linked birth act ({linked})", linked=p["linked"]
    ) if "linked" in p else tr("differs from the sex on the linked birth act"),
    "link_birth_date_mismatch": lambda p: tr(
        "differs from the date of birth on the linked birth act ({linked})", linked=p["linked"]
    ) if "linked" in p else tr("differs from the date of birth on the linked birth act"),
    "link_names_mismatch": lambda p: tr(
        "has no given name in common with the child of the linked birth act ({linked})",
        linked=p["linked"],
    ) if "linked" in p else tr(
        "has no given name in common with the child of the linked birth act"),
    "link_marriage_date_mismatch": lambda p: tr(
        "differs from the date on the linked marriage act ({linked})", linked=p["linked"]
    ) if "linked" in p else tr("differs from the date on the linked marriage act"),
}  # fmt: skip

RULES: frozenset[str] = frozenset(_RULES)
#: Rules that only warn (the act may be saved once a person has checked it).
WARNING_RULES: frozenset[str] = frozenset({"mother_age_unusual", "court_decision_not_needed"})


#: A parameter that is a date (the problems carry ISO dates, for programs).
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
#: Parameters that repeat what was typed: shown exactly as they came.
_AS_TYPED = frozenset({"value", "code", "character"})


class _ForPeople(Mapping[str, object]):
    """``params`` with dates as people read them here (20/11/2026, not 2026-11-20).

    The problem itself keeps the ISO date (JSON output, the database's own
    check); only the sentence shows the other form (issue 13, bug 5).  Read
    key by key, so that a mapping of placeholders (the format document's) works.
    """

    def __init__(self, params: Params) -> None:
        self._params = params

    def __getitem__(self, key: str) -> object:
        value = self._params[key]
        m = _ISO_DATE.fullmatch(value) if isinstance(value, str) and key not in _AS_TYPED \
            else None
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else value

    def __contains__(self, key: object) -> bool:
        return key in self._params

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)


def rule_text(rule: str, params: Params) -> str:
    """The translated sentence of ``rule`` (in the current language)."""
    render = _RULES.get(rule)
    if render is not None:
        try:
            return render(_ForPeople(params))
        except KeyError:  # parameters from elsewhere (the centre database) that lack one
            pass
    return tr("is refused (rule {rule})", rule=rule)


def with_field(label: str, text: str) -> str:
    """Join a field's label and a rule's sentence ("Nom : est obligatoire")."""
    return tr("{field}: {problem}", field=label, problem=text) if label else text
