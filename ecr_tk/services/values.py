"""Values the centre services return: frozen, typed, free of any database object.

These are what the Tk windows, the CLI (``--json``) and the tests see.  Each has an
``as_dict()`` giving a JSON-ready rendering (dates as ISO strings, Decimals as
strings) so every entry point prints the same thing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ROLES = ("officer", "secretary", "agent")
STATUSES = ("draft", "verified", "validated", "transmitted", "acknowledged", "rejected")
QUEUES = ("my_drafts", "rejected", "to_verify", "to_validate")
MENTION_KINDS = ("rectification", "marriage", "divorce", "annulment", "judicial_separation",
                 "death", "recognition", "adoption", "legitimation", "other")
COPY_KINDS = ("full", "extract_with_filiation", "extract_without_filiation")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    return value


class _AsDict:
    def as_dict(self) -> dict[str, Any]:
        out = _jsonable(self)
        assert isinstance(out, dict)
        return out


@dataclass(frozen=True)
class User(_AsDict):
    """A person who works at the centre.  ``privilege`` 0 means suspended."""

    number: int
    name: str
    role: str
    privilege: int
    locked: bool = False

    @property
    def active(self) -> bool:
        return self.privilege > 0 and not self.locked


@dataclass(frozen=True)
class CentreIdentity(_AsDict):
    code: str
    name: str


@dataclass(frozen=True)
class ActSummary(_AsDict):
    """One line of a search result or work queue: enough to recognise an act.

    ``principal`` is the principal person's full name (child, deceased, spouses
    …) and ``details`` the dictionary's summary of the act (dates, parents).
    """

    id: int
    event_type: str
    status: str
    register_number: str
    niu: str | None
    principal: str
    occurred_on: dt.date | None
    registered_on: dt.date
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DraftResult(_AsDict):
    """The outcome of drafting.

    When possible duplicates exist and were not confirmed, nothing is saved:
    ``saved`` is False, ``id``/``register_number`` are None and ``duplicates``
    lists the acts to look at; calling again with ``confirm_duplicates=True``
    saves.  ``warnings`` are the dictionary's non-blocking issues.
    """

    id: int | None
    register_number: str | None
    saved: bool
    warnings: tuple[Issue, ...] = ()
    duplicates: tuple[ActSummary, ...] = ()


@dataclass(frozen=True)
class Mention(_AsDict):
    """A marginal mention appended to a validated act.

    ``kind`` is ``rectification`` (court decision) or the later event
    (``marriage``, ``divorce``, ``death``, ``recognition``, ``adoption`` …);
    ``source_niu`` names the act that caused it when there is one.
    """

    id: int
    kind: str
    text: str
    court_decision_date: dt.date | None
    court_reference: str | None
    source_niu: str | None
    event_date: dt.date | None
    created_by: int | None
    created_at: dt.datetime


@dataclass(frozen=True)
class ActRecord(_AsDict):
    """An act as shown to a person (reading it is logged)."""

    id: int
    event_type: str
    status: str
    register_number: str
    niu: str | None
    timeliness: str | None
    registered_on: dt.date
    occurred_on: dt.date | None
    data: Mapping[str, Any]
    mentions: tuple[Mention, ...]
    drafted_by: int | None
    drafted_at: dt.datetime | None
    verified_by: int | None
    verified_at: dt.datetime | None
    validated_by: int | None
    validated_at: dt.datetime | None
    rejected_by: int | None
    rejected_at: dt.datetime | None
    rejection_reason: str | None


@dataclass(frozen=True)
class NationalAct(_AsDict):
    """An act held by another centre, as the SCEC's answer ``query_id`` gave it.

    Read only here: its corrections and mentions are made by ``centre_code``.
    Shaped like ``ActRecord`` where the printing of a copy reads it.
    """

    query_id: uuid.UUID
    answered_at: dt.datetime
    event_type: str
    niu: str
    register_number: str
    registered_on: dt.date | None
    timeliness: str | None
    occurred_on: dt.date | None
    data: Mapping[str, Any]
    mentions: tuple[Mention, ...]
    centre_code: str
    centre_name: str


@dataclass(frozen=True)
class ValidatedAct(_AsDict):
    """The outcome of validation: the act is now immutable and queued for the SCEC.

    ``mentions_added`` are mentions written on earlier acts held here;
    ``mentions_queued`` those routed through the SCEC to the centre holding them.
    """

    id: int
    niu: str
    mentions_added: int
    mentions_queued: int


@dataclass(frozen=True)
class AuditEntry(_AsDict):
    seq: int
    at: dt.datetime
    user_number: int | None
    workstation: str | None
    action: str
    act_id: int | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class AuditReport(_AsDict):
    """The result of recomputing the audit hash chain.

    ``ok`` is True when every row links to the previous one; otherwise
    ``first_broken_seq`` names the first row that does not and ``reason`` says
    why (``missing_row``, ``altered_row``, ``broken_link``, ``tail_removed``).
    """

    ok: bool
    rows_checked: int
    first_broken_seq: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class CopyIssued(_AsDict):
    """A copy or extract issued to a requester; ``copy_number`` ≥ 2 prints DUPLICATA."""

    receipt_number: str
    act_id: int | None  # None: an act of another centre (``holding_centre``)
    niu: str
    kind: str
    fee: Decimal
    currency: str
    copy_number: int
    requester: str
    issued_by: int
    issued_at: dt.datetime
    #: For a copy of an act held by another centre, issued from the SCEC's answer
    #: ``national_query``: that centre's code and name.
    holding_centre: str | None = None
    holding_centre_name: str | None = None
    national_query: uuid.UUID | None = None
    #: The receipt's year and serial, as ``receipt_number`` prints them.
    receipt_year: int | None = None
    receipt_serial: int | None = None

    @property
    def is_duplicate(self) -> bool:
        return self.copy_number >= 2

    @property
    def held_elsewhere(self) -> bool:
        return self.holding_centre is not None


@dataclass(frozen=True)
class Takings(_AsDict):
    """The day's takings: every receipt, with totals per kind."""

    day: dt.date
    currency: str
    total: Decimal
    count: int
    by_kind: Mapping[str, Decimal]
    receipts: tuple[CopyIssued, ...]


@dataclass(frozen=True)
class SearchCriteria(_AsDict):
    """What to look for.  Every given criterion must match (AND).

    Names are matched accent- and case-insensitively on the start of each word
    (``surname="dia"`` finds Diallo, Diawara); ``fuzzy=True`` also matches by
    sound (``Mohamed`` / ``Mouhamed``).  ``parent_name`` matches the mother's or
    father's names.  Results are paged: ``page`` counts from 0.
    """

    niu: str | None = None
    register_number: str | None = None  # "123 / 2026", "n° 123 / 2026" or "123/2026"
    surname: str | None = None
    given_names: str | None = None
    parent_name: str | None = None
    event_type: str | None = None
    status: str | None = None
    occurred_from: dt.date | None = None
    occurred_to: dt.date | None = None
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    fuzzy: bool = False
    page: int = 0
    page_size: int = 20


@dataclass(frozen=True)
class Issue(_AsDict):
    """One problem the data dictionary found: the field, the rule, the sentence."""

    field: str | None
    rule: str
    message: str
    severity: str  # "error" (refuses saving) or "warning" (shown, saving allowed)


@dataclass(frozen=True)
class CheckReport(_AsDict):
    """The result of checking an act's data without saving it (as-you-type)."""

    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    timeliness: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors
