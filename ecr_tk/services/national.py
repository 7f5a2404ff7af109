"""National queries as a workstation asks and reads them (application role, by session).

``ask`` records the question in the centre database (``ecr.national_query_ask``:
the permission ``act.search_national``, officer and secretary, and the audit row
are the database's), and returns its id; the transmitter's code
(``ecr_tk.transmission.national``, owner role, it holds the centre's key) seals
and sends it, online or in the next T2D export, and stores the SCEC's verified
answer, which ``result`` reads (and the database audits which acts it showed).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from common.i18n import translator
from common.wire.errors import ContainerRefused
from common.wire.query import criteria_of

from .errors import InvalidValue

if TYPE_CHECKING:
    from ._db import Database

tr = translator("centre")


class NationalQueryService:
    def __init__(self, db: Database, token: uuid.UUID) -> None:
        self._db = db
        self._token = token

    def ask(self, criteria: Mapping[str, Any]) -> uuid.UUID:
        """Record a question for the SCEC: a NIU, or names with an event type and dates."""
        try:
            checked = criteria_of(criteria)
        except ContainerRefused as refusal:
            raise InvalidValue(tr("A national search needs a NIU (19 digits) or a name; "
                                  "dates are written YYYY-MM-DD ({detail})",
                                  detail=refusal.detail),
                               field="criteria", rule="bad_search") from None
        value = self._db.value("SELECT ecr.national_query_ask(%s, %s::jsonb)",
                               (self._token, json.dumps(checked, ensure_ascii=False)))
        return uuid.UUID(str(value))

    def result(self, query_id: uuid.UUID) -> dict[str, Any] | None:
        """The question and, once the SCEC answered, its acts (``None``: no such question)."""
        found: dict[str, Any] | None = self._db.value(
            "SELECT ecr.national_query_result(%s, %s)", (self._token, query_id))
        return found

    def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The centre's national questions, newest first, answered or not."""
        return self._db.rows("SELECT * FROM ecr.national_queries(%s, %s)", (self._token, limit))
