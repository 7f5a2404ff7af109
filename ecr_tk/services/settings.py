"""Centre settings: identity, fee schedule, timeliness thresholds, session timeout.

Settings live in the centre database (``ecr.settings``, ``ecr.fee_schedule``) so
that every workstation applies the same rules; the officer changes them, every
user reads them.  Keys are dotted (``"timeliness.birth"``); the migration seeds
each with its default, and unknown keys are refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from common.i18n import translator

from .errors import InvalidValue
from .values import COPY_KINDS, CentreIdentity

if TYPE_CHECKING:
    from ._db import Database
    from .session import Session

tr = translator("centre")


@dataclass(frozen=True)
class Timeliness:
    """Registration within ``current_days`` of the event is current, within
    ``late_days`` late, beyond delayed (a court decision is then required)."""

    current_days: int = 30
    late_days: int = 365


@dataclass(frozen=True)
class Rules:
    """The settings the data dictionary needs to validate an act."""

    timeliness: dict[str, Timeliness] = field(default_factory=dict)
    marriage_legal_age: int = 18

    def timeliness_for(self, event_type: str) -> Timeliness:
        return self.timeliness.get(event_type, Timeliness())


#: The centre's place names kept as settings (``centre.<name>``, migration 0421).
PLACE_SETTINGS = ("country_name", "locality", "area_name")


class SettingsService:
    def __init__(self, db: Database, token: uuid.UUID, session: Session) -> None:
        self._db = db
        self._token = token
        self._session = session
        self._rules: Rules | None = None

    # ---------------------------------------------------------------- reading
    def all(self) -> dict[str, Any]:
        """Every setting, ``{dotted key: value}``."""
        rows = self._db.rows("SELECT * FROM ecr.settings_all(%s)", (self._token,))
        return {r["key"]: r["value"] for r in rows}

    def rules(self) -> Rules:
        """Re-read the validation rules from the database (and refresh the cache)."""
        values = self.all()
        timeliness = {
            key.split(".", 1)[1]: Timeliness(int(v["current_days"]), int(v["late_days"]))
            for key, v in values.items() if key.startswith("timeliness.")
        }
        self._rules = Rules(timeliness=timeliness,
                            marriage_legal_age=int(values.get("marriage.legal_age", 18)))
        return self._rules

    def cached_rules(self) -> Rules:
        """The rules as read at the first call of this session (for as-you-type checks)."""
        return self._rules or self.rules()

    def centre(self) -> CentreIdentity:
        row = self._db.row("SELECT * FROM ecr.centre_identity()")
        return CentreIdentity(code=row["code"], name=row["name"])

    def fees(self) -> dict[str, Decimal]:
        """The fee of each copy kind."""
        rows = self._db.rows("SELECT * FROM ecr.fee_schedule(%s)", (self._token,))
        return {r["kind"]: Decimal(r["amount"]) for r in rows}

    def currency(self) -> str:
        return str(self.all().get("copies.currency", "XOF"))

    def place(self) -> dict[str, str]:
        """Where the centre is, in words, for its documents (officer's settings, issue 13).

        ``country_name`` ("République du Sénégal"), ``locality`` (where a document
        is issued), ``area_name``; each ``""`` until the officer fills it in.
        """
        values = self.all()
        return {name: str(values.get(f"centre.{name}") or "")
                for name in PLACE_SETTINGS}

    # --------------------------------------------------------------- changing
    def set(self, key: str, value: Any) -> None:
        """Change one setting (officer); the database refuses unknown keys and bad values."""
        self._db.rows("SELECT ecr.setting_set(%s, %s, %s::jsonb)",
                      (self._token, key, json.dumps(value)))
        self._rules = None

    def set_timeliness(self, event_type: str, current_days: int, late_days: int) -> None:
        if not 0 < current_days <= late_days:
            raise InvalidValue(tr("Thresholds must satisfy 0 < current ≤ late"),
                               field="timeliness", rule="bad_thresholds")
        self.set(f"timeliness.{event_type}", {"current_days": current_days,
                                              "late_days": late_days})

    def set_session_idle_minutes(self, minutes: int) -> None:
        self.set("session.idle_minutes", int(minutes))

    def set_fee(self, kind: str, amount: Decimal | int | str) -> None:
        """Set the fee of a copy kind (officer)."""
        if kind not in COPY_KINDS:
            raise InvalidValue(tr("Unknown copy kind {kind}", kind=kind), field="kind",
                               rule="bad_copy_kind")
        try:
            value = Decimal(str(amount))
        except InvalidOperation as exc:
            raise InvalidValue(tr("A fee must be zero or more"), field="amount",
                               rule="bad_fee") from exc
        if not value.is_finite() or value < 0:
            raise InvalidValue(tr("A fee must be zero or more"), field="amount", rule="bad_fee")
        self._db.rows("SELECT ecr.fee_set(%s, %s, %s)", (self._token, kind, value))

    def set_centre_name(self, name: str) -> None:
        if not name or not name.strip():
            raise InvalidValue(tr("The centre's name is required"), field="name",
                               rule="required")
        self._db.rows("SELECT ecr.centre_set_name(%s, %s)", (self._token, name.strip()))
