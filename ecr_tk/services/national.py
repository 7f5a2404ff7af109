"""National queries as a workstation asks and reads them (application role, by session).

``ask`` records the question in the centre database (``ecr.national_query_ask``:
the permission ``act.search_national``, officer and secretary, and the audit row
are the database's), and returns its id; the transmitter's code
(``ecr_tk.transmission.national``, owner role, it holds the centre's key) seals
and sends it, online or in the next T2D export, and stores the SCEC's verified
answer, which ``result`` reads (and the database audits which acts it showed).

``notices`` reads what the SCEC told the centre about its own acts (possible
duplicates with another centre's act, the SCEC's decision on them, mentions
this centre sent that the holding centre wrote on its act), permission
``notice.read``; ``mark_read`` records who dealt with one.
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

    def notices(self, *, unread_only: bool = True, limit: int = 100) -> list[dict[str, Any]]:
        """What the SCEC told this centre about its acts, newest first (audited: they
        name acts of other centres).  Each has the centre's own act when it holds it
        (``own_niu``, ``own_event_type``, ``own_register_number``)."""
        return self._db.rows("SELECT * FROM ecr.national_notices(%s, %s, %s)",
                             (self._token, unread_only, limit))

    def mark_read(self, notice_id: int) -> bool:
        """The notice was seen and dealt with (False: it was already)."""
        return bool(self._db.value("SELECT ecr.national_notice_read(%s, %s)",
                                   (self._token, notice_id)))
