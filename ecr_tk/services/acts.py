"""Acts: draft, check, verify, reject, validate, show, history, mentions, work queues.

The data is examined here with the data dictionary (``common.acts.derived``, one
pass) before it is sent, so the person sees every problem at once; the database
then enforces everything that matters whatever the client: role, transition,
immutability, NIU and register numbers, audit, and the act's content itself
(it examines the data again, checks its links to the acts it names, and
derives the summary, search keys and timeliness it stores: migrations
0401-0403).  A client sends the data only.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from common.acts.derived import Derived
from common.acts.errors import InvalidActReference
from common.acts.niu import Niu
from common.acts.reference import ActReference, RegisterNumber, parse_act_reference
from common.i18n import translator

from . import _dictionary
from .errors import InvalidAct, InvalidValue
from .values import (  # MENTION_KINDS: kept importable from here
    MENTION_KINDS,
    QUEUES,
    ActRecord,
    ActSummary,
    AuditEntry,
    CheckReport,
    DraftResult,
    Issue,
    Mention,
    ValidatedAct,
)

if TYPE_CHECKING:
    from ._db import Database
    from .session import Session

tr = translator("centre")



class ActsService:
    """What a session can do with acts.  Every method is one database transaction."""

    def __init__(self, db: Database, token: uuid.UUID, session: Session) -> None:
        self._db = db
        self._token = token
        self._session = session

    # ---------------------------------------------------------------- drafting
    def check(self, event_type: str, data: Mapping[str, Any],
              registered_on: dt.date | None = None) -> CheckReport:
        """Validate ``data`` with the data dictionary without saving anything.

        For as-you-type feedback in forms; needs no database round trip except
        the centre's thresholds (cached per session).
        """
        return _dictionary.check_report(self._examine(event_type, data, registered_on))

    def draft(self, event_type: str, data: Mapping[str, Any], *,
              confirm_duplicates: bool = False) -> DraftResult:
        """Save a new draft (agent).

        Refuses invalid data (``InvalidAct``, the first error's field and rule,
        nothing written).  When acts of the same type with the same principal
        person exist (VITAL_EVENTS.md §3) and ``confirm_duplicates`` is False,
        nothing is saved and the result lists them.  Otherwise the register
        number "n° N / YEAR" is assigned in the database.
        """
        derived = self._valid(event_type, data)
        duplicates = self._duplicates(derived)
        if duplicates and not confirm_duplicates:
            return DraftResult(id=None, register_number=None, saved=False,
                               warnings=self._warnings(derived), duplicates=tuple(duplicates))
        row = self._db.row("SELECT * FROM ecr.act_draft(%s, %s, %s::jsonb)",
                           (self._token, event_type, _dump(data)))
        return DraftResult(id=row["id"], register_number=register_number(
            row["register_serial"], row["register_year"]), saved=True,
            warnings=self._warnings(derived), duplicates=tuple(duplicates))

    def update_draft(self, act_id: int, data: Mapping[str, Any]) -> DraftResult:
        """Replace the data of a draft, or fix a rejected act (which resubmits it as a draft).

        Only the agent who drafted it; the register number is kept.
        """
        event_type = self._event_type_of(_internal_id(act_id))
        derived = self._valid(event_type, data)
        row = self._db.row("SELECT * FROM ecr.act_update_draft(%s, %s, %s::jsonb)",
                           (self._token, act_id, _dump(data)))
        return DraftResult(id=row["id"], register_number=register_number(
            row["register_serial"], row["register_year"]), saved=True,
            warnings=self._warnings(derived))

    def find_duplicates(self, event_type: str, data: Mapping[str, Any]) -> list[ActSummary]:
        """Acts of the same type with the same principal person (name, date ±3 days,
        same mother for births); the read is logged."""
        return self._duplicates(self._examine(event_type, data))

    def _duplicates(self, derived: Derived) -> list[ActSummary]:
        keys = derived.stored()
        if keys["principal_key"] is None:
            return []
        rows = self._db.rows(
            "SELECT * FROM ecr.act_find_duplicates(%s, %s, %s, %s, %s)",
            (self._token, derived.event_type, keys["principal_key"], keys["principal_date"],
             keys["mother_key"]))
        return [summary_from_row(r) for r in rows]

    # ---------------------------------------------------------------- workflow
    def verify(self, act_id: int) -> str:
        """Verify a draft (secretary); returns the NIU assigned in the database."""
        return str(self._db.value("SELECT ecr.act_verify(%s, %s)",
                                  (self._token, _internal_id(act_id))))

    def reject(self, act_id: int, reason: str) -> None:
        """Send a draft (secretary) or a verified act (officer) back to its agent."""
        if not reason or not reason.strip():
            raise InvalidValue(tr("A reason is required to reject an act"), field="reason",
                               rule="reason_required")
        self._db.rows("SELECT ecr.act_reject(%s, %s, %s)",
                      (self._token, _internal_id(act_id), reason.strip()))

    def validate(self, act_id: int) -> ValidatedAct:
        """Validate a verified act (officer): immutable from now on, queued for the SCEC.

        Mentions on earlier acts it links by NIU are added (held here) or queued
        for routing (held elsewhere) in the same transaction.
        """
        row = self._db.row("SELECT * FROM ecr.act_validate(%s, %s)",
                           (self._token, _internal_id(act_id)))
        return ValidatedAct(id=act_id, niu=row["niu"], mentions_added=row["mentions_added"],
                            mentions_queued=row["mentions_queued"])

    # ----------------------------------------------------------------- reading
    def show(self, act: int | str | ActReference, event_type: str | None = None) -> ActRecord:
        """The act with its mentions (the read is logged).

        ``act`` is what a person typed (a NIU, or a register number ``n/yyyy``
        with ``event_type`` when several types share it: ``act_reference``) or,
        from a program, the internal id as an ``int``.
        """
        ref = act_reference(act)
        if isinstance(ref, RegisterNumber):
            doc = self._db.value("SELECT ecr.act_show_by_register_number(%s, %s, %s, %s)",
                                 (self._token, event_type, ref.year, ref.serial))
        else:
            act_id, niu = _id_or_niu(ref)
            doc = self._db.value("SELECT ecr.act_show(%s, %s, %s)", (self._token, act_id, niu))
        return record_from_json(doc)

    def locate(self, act: int | str | ActReference,
               event_type: str | None = None) -> tuple[int | None, str | None]:
        """The (id, NIU) pair the SQL API takes for ``act`` (as ``show`` takes it).

        A register number is resolved in the database (``show``: a logged read,
        refused when unknown or, without a type, ambiguous).
        """
        ref = act_reference(act)
        if isinstance(ref, RegisterNumber):
            return self.show(ref, event_type).id, None
        return _id_or_niu(ref)

    def history(self, act: int | str | ActReference,
                event_type: str | None = None) -> list[AuditEntry]:
        """Every audit entry about the act, oldest first (the read is logged)."""
        act_id, niu = self.locate(act, event_type)
        rows = self._db.rows("SELECT * FROM ecr.act_history(%s, %s, %s)",
                             (self._token, act_id, niu))
        return [AuditEntry(seq=r["seq"], at=r["at"], user_number=r["user_number"],
                           workstation=r["workstation"], action=r["action"], act_id=r["act_id"],
                           detail=r["detail"] or {}) for r in rows]

    def add_mention(self, act: int | str | ActReference, kind: str, text: str,
                    court_decision_date: dt.date | None = None,
                    court_reference: str | None = None, *,
                    event_type: str | None = None) -> Mention:
        """Append a marginal mention to a validated act (officer).

        A ``rectification`` needs the court decision's date and reference.
        """
        if kind not in MENTION_KINDS:
            raise InvalidValue(tr("Unknown mention kind {kind}", kind=kind), field="kind",
                               rule="bad_mention_kind")
        act_id, niu = self.locate(act, event_type)
        row = self._db.row(
            "SELECT * FROM ecr.act_add_mention(%s, %s, %s, %s, %s, %s, %s)",
            (self._token, act_id, niu, kind, text, court_decision_date, court_reference))
        return mention_from_json(row["mention"])

    def queue(self, name: str, *, page: int = 0, page_size: int = 50) -> list[ActSummary]:
        """A work queue: ``my_drafts`` and ``rejected`` (agent: the user's own acts),
        ``to_verify`` (secretary), ``to_validate`` (officer); oldest first."""
        if name not in QUEUES:
            raise InvalidValue(tr("Unknown work queue {queue}", queue=name), field="queue",
                               rule="bad_queue")
        rows = self._db.rows("SELECT * FROM ecr.act_queue(%s, %s, %s, %s)",
                             (self._token, name, page_size, page * page_size))
        return [summary_from_row(r) for r in rows]

    def queue_counts(self) -> dict[str, int]:
        """How many acts wait in each queue the user's role has (for the home screen)."""
        rows = self._db.rows("SELECT * FROM ecr.act_queue_counts(%s)", (self._token,))
        return {r["queue"]: int(r["count"]) for r in rows}

    # ----------------------------------------------------------------- helpers
    def _examine(self, event_type: str, data: Mapping[str, Any],
                 registered_on: dt.date | None = None) -> Derived:
        return _dictionary.examine(event_type, data, registered_on or dt.date.today(),
                                   self._session.settings.cached_rules())

    def _valid(self, event_type: str, data: Mapping[str, Any]) -> Derived:
        """The act examined, or ``InvalidAct`` naming its first error (nothing sent).

        The database examines it again, with the links to the acts it names,
        and derives what it stores itself: this pass gives the person every
        problem at once, and the duplicate keys.
        """
        derived = self._examine(event_type, data)
        if not derived.ok:
            report = _dictionary.check_report(derived)
            first = report.errors[0]
            raise InvalidAct(first.message, field=first.field, rule=first.rule, report=report)
        return derived

    @staticmethod
    def _warnings(derived: Derived) -> tuple[Issue, ...]:
        return _dictionary.check_report(derived).warnings

    def _event_type_of(self, act_id: int) -> str:
        return str(self._db.value("SELECT ecr.act_event_type(%s, %s)", (self._token, act_id)))


# ---------------------------------------------------------------- rendering
def register_number(serial: int, year: int) -> str:
    """The register number as printed: ``n° 123 / 2026``."""
    return f"n° {serial} / {year}"


_MAX_ACT_ID = 2**63 - 1  # the database's bigint


def act_reference(act: int | str | ActReference) -> int | ActReference:
    """What names an act: an ``int`` is the internal id (a program's, never typed);
    text is what a person typed, a NIU or a register number (``parse_act_reference``:
    a bare number like ``"108"`` is refused, it names nothing a person sees)."""
    if isinstance(act, Niu | RegisterNumber):
        return act
    if isinstance(act, int) and not isinstance(act, bool):
        if 1 <= act <= _MAX_ACT_ID:
            return act
        raise InvalidActReference(tr("No act has the internal id {id}", id=act), field="act",
                                  rule="bad_act_reference")
    return parse_act_reference(act)


def _internal_id(act_id: int) -> int:
    """``act_id`` if it is an internal id (an ``int``); text is refused, never cast.

    The SQL API casts the text "108" to the id 108: a string reaching these
    calls would be a person's typing taken as an internal id (issue 13, bug 2).
    A person's reference is resolved first: ``show(reference).id``.
    """
    ref = act_reference(act_id)
    if not isinstance(ref, int):
        raise InvalidActReference(tr("No act has the internal id {id}", id=act_id),
                                  field="act", rule="bad_act_reference")
    return ref


def _id_or_niu(ref: int | Niu) -> tuple[int | None, str | None]:
    return (ref, None) if isinstance(ref, int) else (None, ref.value)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def summary_from_row(row: Mapping[str, Any]) -> ActSummary:
    summary = dict(row.get("summary") or {})
    return ActSummary(
        id=int(row["id"]), event_type=row["event_type"], status=row["status"],
        register_number=register_number(row["register_serial"], row["register_year"]),
        niu=row["niu"], principal=str(summary.pop("principal", "")),
        occurred_on=_date(row["occurred_on"]), registered_on=_date(row["registered_on"])
        or dt.date.min, details=summary)


def mention_from_json(doc: Mapping[str, Any]) -> Mention:
    return Mention(
        id=int(doc["id"]), kind=doc["kind"], text=_dictionary.mention_text(doc),
        court_decision_date=_date(doc.get("court_decision_date")),
        court_reference=doc.get("court_reference"), source_niu=doc.get("source_niu"),
        event_date=_date(doc.get("event_date")), created_by=doc.get("created_by"),
        created_at=_datetime(doc["created_at"]) or dt.datetime.min)


def record_from_json(doc: Mapping[str, Any]) -> ActRecord:
    return ActRecord(
        id=int(doc["id"]), event_type=doc["event_type"], status=doc["status"],
        register_number=register_number(doc["register_serial"], doc["register_year"]),
        niu=doc.get("niu"), timeliness=doc.get("timeliness"),
        registered_on=_date(doc["registered_on"]) or dt.date.min,
        occurred_on=_date(doc.get("occurred_on")), data=doc["data"],
        mentions=tuple(mention_from_json(m) for m in doc.get("mentions") or ()),
        drafted_by=doc.get("drafted_by"), drafted_at=_datetime(doc.get("drafted_at")),
        verified_by=doc.get("verified_by"), verified_at=_datetime(doc.get("verified_at")),
        validated_by=doc.get("validated_by"), validated_at=_datetime(doc.get("validated_at")),
        rejected_by=doc.get("rejected_by"), rejected_at=_datetime(doc.get("rejected_at")),
        rejection_reason=doc.get("rejection_reason"))
