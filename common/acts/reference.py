"""How a person names an act: its NIU, or its register number and year.

These are what a clerk reads on the act, on a copy or on a search result: the
NIU ``1234 5620 2600 0000 168`` (grouped, spaces and hyphens allowed) or the
register number ``61/2026`` (printed ``n° 61 / 2026``; register numbers are
counted per event type and year, so ``61/2026`` may name a birth and a death:
the event type is then given apart).  The database's internal id is never one
of them: a bare number such as ``108`` names nothing a person can see, and is
refused with a sentence that says what to type.  Pure: no database, no GUI.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from common.acts.errors import InvalidActReference
from common.acts.niu import NIU_LENGTH, SERIAL_MAX, Niu, parse_niu
from common.i18n import translator

tr = translator("acts")

# "61/2026", "61 / 2026", "n° 61 / 2026", "no 61/2026", "Nº61/2026"
_REGISTER = re.compile(r"(?:n\s*[°ºo.]?\s*)?([0-9]{1,7})\s*/\s*([0-9]{4})", re.IGNORECASE)
_NIU_LIKE = re.compile(r"[0-9][0-9 \-\u00a0\u202f\u2009\u2010\u2011\t]*")


@dataclass(frozen=True, order=True)
class RegisterNumber:
    """An act's number in its register: ``serial`` within its event type and ``year``."""

    serial: int
    year: int

    def __post_init__(self) -> None:
        if not (1 <= self.serial <= SERIAL_MAX and 1000 <= self.year <= 9999):
            raise ValueError(f"not a register number: {self.serial}/{self.year}")

    @property
    def display(self) -> str:
        """As printed on the act and shown in the windows: ``n° 61 / 2026``."""
        return f"n° {self.serial} / {self.year}"

    def __str__(self) -> str:
        return f"{self.serial}/{self.year}"


ActReference = Niu | RegisterNumber


def parse_act_reference(text: object, *, field: str = "act") -> ActReference:
    """The act a person named: a NIU or a register number ``n/yyyy``.

    Raises ``InvalidActReference`` (rule ``bad_act_reference``) for anything
    else, a bare number included, and ``InvalidNiu`` for 19 digits whose check
    digits are wrong.
    """
    value = text.strip() if isinstance(text, str) else ""
    register = _REGISTER.fullmatch(value)
    if register:
        serial, year = int(register.group(1)), int(register.group(2))
        if 1 <= serial and 1000 <= year:
            return RegisterNumber(serial, year)
    elif _NIU_LIKE.fullmatch(value) and len(re.sub(r"[^0-9]", "", value)) == NIU_LENGTH:
        return parse_niu(value, field=field)
    raise InvalidActReference(refusal(value), field=field, rule="bad_act_reference")


def refusal(value: str) -> str:
    """The sentence for a reference that names no act: what to type instead."""
    digits = value.isascii() and value.isdigit()
    example = f"{int(value)}/{dt.date.today().year}" if digits and len(value) <= 7 \
        and int(value) > 0 else f"61/{dt.date.today().year}"
    if digits:
        return tr("{value} alone does not name an act: type its NIU (19 digits) or "
                  "number/year, e.g. {example}", value=value, example=example)
    return tr("An act is named by its NIU (19 digits) or its number/year, e.g. {example}",
              example=example)
