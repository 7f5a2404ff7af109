"""The transmission figures as a workstation reads them (application role, by session).

The transmitter itself runs as the database owner (``ecr_tk.transmission``);
every workstation shows what it did through ``ecr.transmission_status`` and
``ecr.transmission_refused`` (officer).  Read-only: nothing here changes the
outbox.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._db import Database


class TransmissionStatusService:
    def __init__(self, db: Database, token: uuid.UUID) -> None:
        self._db = db
        self._token = token

    def status(self) -> dict[str, Any]:
        """Pending, in flight, acknowledged (today), refused, last contact, next retry, link."""
        figures: dict[str, Any] = self._db.value("SELECT ecr.transmission_status(%s)",
                                                 (self._token,))
        figures["refused_entries"] = self._db.rows(
            "SELECT * FROM ecr.transmission_refused(%s)", (self._token,))
        return figures
