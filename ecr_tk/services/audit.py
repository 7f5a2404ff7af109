"""The audit trail: recompute its hash chain and name the first broken row.

Rows are written only inside PostgreSQL (by the API functions), chained by an
insert trigger (``hash = sha256(previous hash || canonical row)``), and refused
any UPDATE, DELETE or TRUNCATE.  ``verify`` recomputes the chain in SQL, so a row
deleted or altered by someone who could bypass the triggers is detected.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from .values import AuditReport

if TYPE_CHECKING:
    from ._db import Database
    from .session import Session


class AuditService:
    def __init__(self, db: Database, token: uuid.UUID, session: Session) -> None:
        self._db = db
        self._token = token
        self._session = session

    def verify(self) -> AuditReport:
        """Recompute the whole chain (officer)."""
        row = self._db.row("SELECT * FROM ecr.audit_verify(%s)", (self._token,))
        return AuditReport(ok=bool(row["ok"]), rows_checked=int(row["rows_checked"]),
                           first_broken_seq=row["first_broken_seq"], reason=row["reason"])
