"""Copies and extracts of validated acts: fee, receipt number, duplicate count, takings.

Each issue is one transaction in SQL: the act must be validated (or later), the
fee comes from the fee schedule, the receipt number is per centre and year
(gap-free), and ``copy_number`` counts the copies of that kind of that act (the
2nd and later print "DUPLICATA").  The issue is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from common.acts.reference import ActReference
from common.i18n import translator

from .errors import InvalidValue
from .values import COPY_KINDS, CopyIssued, Takings

if TYPE_CHECKING:
    from ._db import Database
    from .session import Session

tr = translator("centre")


class CopiesService:
    def __init__(self, db: Database, token: uuid.UUID, session: Session) -> None:
        self._db = db
        self._token = token
        self._session = session

    def issue(self, act: int | str | ActReference, kind: str, requester: str, *,
              event_type: str | None = None) -> CopyIssued:
        """Issue a ``full`` copy or an extract (``extract_with_filiation``,
        ``extract_without_filiation``) of a validated act to ``requester``.

        ``act`` is named as ``ActsService.show`` takes it: a NIU or a register
        number typed by a person (with ``event_type`` when needed), or the
        internal id as an ``int``; never a bare number typed.
        """
        if kind not in COPY_KINDS:
            raise InvalidValue(tr("Unknown copy kind {kind}", kind=kind), field="kind",
                               rule="bad_copy_kind")
        if not requester or not requester.strip():
            raise InvalidValue(tr("The requester's name is required"), field="requester",
                               rule="required")
        act_id, niu = self._session.acts.locate(act, event_type)
        row = self._db.row("SELECT * FROM ecr.copy_issue(%s, %s, %s, %s, %s)",
                           (self._token, act_id, niu, kind, requester.strip()))
        return copy_from_row(row)

    def takings(self, day: dt.date | None = None) -> Takings:
        """Every receipt of ``day`` (default today) with totals per kind."""
        day = day or dt.date.today()
        rows = self._db.rows("SELECT * FROM ecr.copy_takings(%s, %s)", (self._token, day))
        receipts = tuple(copy_from_row(r) for r in rows)
        by_kind: dict[str, Decimal] = {}
        for r in receipts:
            by_kind[r.kind] = by_kind.get(r.kind, Decimal(0)) + r.fee
        currency = receipts[0].currency if receipts else self._session.settings.currency()
        return Takings(day=day, currency=currency, total=sum((r.fee for r in receipts), Decimal(0)),
                       count=len(receipts), by_kind=by_kind, receipts=receipts)


def copy_from_row(row: Mapping[str, Any]) -> CopyIssued:
    return CopyIssued(
        receipt_number=receipt_number(row["receipt_serial"], row["receipt_year"]),
        act_id=int(row["act_id"]), niu=row["niu"], kind=row["kind"], fee=Decimal(row["fee"]),
        currency=row["currency"], copy_number=int(row["copy_number"]),
        requester=row["requester"], issued_by=int(row["issued_by"]), issued_at=row["issued_at"])


def receipt_number(serial: int, year: int) -> str:
    """A receipt number as printed: ``R 000123 / 2026``."""
    return f"R {serial:06d} / {year}"
