"""Copies and extracts of validated acts: fee, receipt number, duplicate count, takings.

Each issue is one transaction in SQL: the act must be validated (or later), the
fee comes from the fee schedule, the receipt number is per centre and year
(gap-free), and ``copy_number`` counts the copies of that kind of that act (the
2nd and later print "DUPLICATA").  The issue is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from common.acts.reference import ActReference
from common.i18n import translator

from .errors import InvalidValue
from .values import COPY_KINDS, CopyIssued, Mention, NationalAct, Takings

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
        _check_request(kind, requester)
        act_id, niu = self._session.acts.locate(act, event_type)
        row = self._db.row("SELECT * FROM ecr.copy_issue(%s, %s, %s, %s, %s)",
                           (self._token, act_id, niu, kind, requester.strip()))
        return copy_from_row(row)

    def national_act(self, niu: str, query_id: uuid.UUID | None = None) -> NationalAct:
        """The act ``niu`` of another centre as the SCEC's newest answer holding it gave
        it (``query_id``: that answer), to show and to print (the read is logged).

        Refused when no answer holds it (search the whole country first), when the
        answer is older than the setting ``copies.national_answer_minutes`` or when
        the act is this centre's own."""
        doc = self._db.value("SELECT ecr.national_act_show(%s, %s, %s)",
                             (self._token, _niu(niu), query_id))
        return national_act_from_json(doc)

    def national_act_of(self, issued: CopyIssued) -> NationalAct:
        """The act of the issued copy ``issued`` of another centre's act, as the answer it
        was issued from holds it: printing it again later is not a new issue, so the
        answer's age does not matter (the read is logged)."""
        doc = self._db.value("SELECT ecr.copy_national_act(%s, %s, %s)",
                             (self._token, issued.receipt_year, issued.receipt_serial))
        return national_act_from_json(doc)

    def issue_national(self, niu: str, kind: str, requester: str,
                       query_id: uuid.UUID | None = None) -> CopyIssued:
        """Issue a copy or extract of the act ``niu`` held by another centre, from the
        SCEC's newest answer holding it (``query_id``: that answer).

        The database takes the act from the verified answer it stored, never from
        the caller; the copy is billed, numbered and audited as ``issue`` does.
        """
        _check_request(kind, requester)
        row = self._db.row("SELECT * FROM ecr.copy_issue_national(%s, %s, %s, %s, %s)",
                           (self._token, _niu(niu), query_id, kind, requester.strip()))
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
        act_id=int(row["act_id"]) if row["act_id"] is not None else None, niu=row["niu"],
        kind=row["kind"], fee=Decimal(row["fee"]),
        currency=row["currency"], copy_number=int(row["copy_number"]),
        requester=row["requester"], issued_by=int(row["issued_by"]), issued_at=row["issued_at"],
        holding_centre=row.get("holding_centre"),
        holding_centre_name=row.get("holding_centre_name"),
        national_query=row.get("national_query"), receipt_year=int(row["receipt_year"]),
        receipt_serial=int(row["receipt_serial"]))


def _check_request(kind: str, requester: str) -> None:
    """The document and the requester, named before the database is asked (it checks again)."""
    if kind not in COPY_KINDS:
        raise InvalidValue(tr("Unknown copy kind {kind}", kind=kind), field="kind",
                           rule="bad_copy_kind")
    if not requester or not requester.strip():
        raise InvalidValue(tr("The requester's name is required"), field="requester",
                           rule="required")


def _niu(text: str) -> str:
    """A NIU as typed (spaces allowed), checked: a national copy is named by its NIU only."""
    from common.acts.niu import parse_niu

    return parse_niu(str(text)).value


def national_act_from_json(doc: Mapping[str, Any]) -> NationalAct:
    """The SCEC's answer as the database stored it, checked as any act record is
    (``parse_act_record``: the answer came from another centre through the SCEC)."""
    answered = doc["answered_at"]
    return national_act_from_record(
        doc["act"], query_id=uuid.UUID(str(doc["query"])),
        answered_at=answered if isinstance(answered, dt.datetime)
        else dt.datetime.fromisoformat(str(answered)),
        centre_name=str(doc.get("centre_name") or ""))


def national_act_from_record(act: Mapping[str, Any], *, query_id: uuid.UUID,
                             answered_at: dt.datetime, centre_name: str) -> NationalAct:
    """An ``ecr-act/1`` record of another centre, checked, shaped for showing and printing
    (also what the SCEC prints its own copies from, ``xmserver copy issue``)."""
    from common.acts.actjson import parse_act_record
    from common.acts.summary import summarize

    from . import _dictionary
    from .acts import _date

    record = parse_act_record(json.dumps(act))
    mentions = []
    for i, m in enumerate(record.mentions):
        try:
            mentions.append(Mention(
                id=int(m.get("id") or i + 1), kind=str(m.get("kind") or "other"),
                text=_dictionary.mention_text(m),
                court_decision_date=_date(m.get("court_decision_date")),
                court_reference=m.get("court_reference"), source_niu=m.get("source_niu"),
                event_date=_date(m.get("event_date")), created_by=None,
                created_at=dt.datetime.min))
        except (TypeError, ValueError):
            raise InvalidValue(tr("The SCEC's answer holds a malformed mention"),
                               field="mentions", rule="bad_data") from None
    return NationalAct(
        query_id=query_id, answered_at=answered_at,
        event_type=record.event_type, niu=record.niu or "",
        register_number=record.register_number or "", registered_on=record.registered_on,
        timeliness=record.timeliness,
        occurred_on=summarize(record.event_type, record.data).occurred_on,
        data=record.data, mentions=tuple(mentions), centre_code=record.centre_code or "",
        centre_name=centre_name)


def receipt_number(serial: int, year: int) -> str:
    """A receipt number as printed: ``R 000123 / 2026``."""
    return f"R {serial:06d} / {year}"
