"""A logged-in user's session: the handle every action of the services goes through.

The session holds only the token the database gave at login; the database
re-checks it on every call (session open and not idle too long, user not
suspended or locked, role permits the action), so a session object kept by a
window after its user was suspended is refused at its next action.  ``user`` is
the snapshot taken at login, for display; ``refresh_user()`` re-reads it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from . import permissions
from .acts import ActsService
from .audit import AuditService
from .copies import CopiesService
from .national import NationalQueryService
from .search import search_acts
from .settings import SettingsService
from .transmission import TransmissionStatusService
from .users import UsersService
from .values import ActSummary, CentreIdentity, SearchCriteria, User

if TYPE_CHECKING:
    from common.stats.reader import ApiEntry, ApiReader
    from printdesigner.store import TemplateStore

    from ._db import Database


class Session:
    """One user's logged-in session at one workstation."""

    def __init__(self, db: Database, token: uuid.UUID, workstation: str,
                 centre: CentreIdentity) -> None:
        self._db = db
        self._token = token
        self.workstation = workstation
        self.centre = centre
        self.user: User = self.refresh_user()
        self.acts = ActsService(db, token, self)
        self.users = UsersService(db, token, self)
        self.copies = CopiesService(db, token, self)
        self.audit = AuditService(db, token, self)
        self.settings = SettingsService(db, token, self)
        self.transmission = TransmissionStatusService(db, token)
        self.national = NationalQueryService(db, token)

    @property
    def token(self) -> uuid.UUID:
        return self._token

    def refresh_user(self) -> User:
        """Re-read the logged-in user (refused if the session is no longer good)."""
        row = self._db.row("SELECT * FROM ecr.whoami(%s)", (self._token,))
        self.user = User(number=row["number"], name=row["name"], role=row["role"],
                         privilege=row["privilege"], locked=row["locked"])
        return self.user

    def can(self, action: str) -> bool:
        """Whether the user's role permits ``action`` (windows hide what it does not).

        The database checks again on every call; this is only for display.
        """
        return self.user.privilege > 0 and permissions.may(self.user.role, action)

    def search(self, criteria: SearchCriteria) -> list[ActSummary]:
        """Acts matching ``criteria`` (one page of summaries; the read is logged)."""
        return search_acts(self._db, self._token, criteria)

    def stats_reader(self) -> ApiReader:
        """Published statistics, read through ``stats.read_table`` (officer, secretaries)."""
        from common.stats.reader import ApiReader

        return ApiReader(self._db.rows, self._token)

    def stats_entry(self) -> ApiEntry:
        """The officer's entries: expected counts, populations, urban/rural areas."""
        from common.stats.reader import ApiEntry

        return ApiEntry(self._db.rows, self._token)

    def templates(self) -> TemplateStore:
        """The centre's document templates and this workstation's printer calibration."""
        from printdesigner.store import TemplateStore

        return TemplateStore(self._db.transaction, self._token)

    def logout(self) -> None:
        """Close the session in the database; the token is refused from now on."""
        self._db.rows("SELECT ecr.close_session(%s)", (self._token,))

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.logout()
