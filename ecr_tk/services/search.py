"""Search acts by NIU, register number, names (accent/case-insensitive, prefix,
by sound), parents' names, dates, event type and status; one page of summaries.

Name criteria are turned into the same search keys the act's persons were
indexed with (``common.acts`` names module), so matching happens on indexed
columns of ``ecr.act_person_keys``; the SQL function (``ecr.act_search``,
migration 0007) picks the most selective criterion to drive the search
(NIU, the rarest name word by the vocabulary's counts, a date range), quotes
every value it puts in the query, refuses malformed criteria by name, and logs
which acts were returned (a read of personal data).  docs/performance.md gives
its figures on a million acts.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator

from . import _dictionary
from .acts import summary_from_row
from .errors import InvalidValue
from .values import STATUSES, ActSummary, SearchCriteria

if TYPE_CHECKING:
    from ._db import Database

tr = translator("centre")

MAX_PAGE_SIZE = 200
_REGISTER = re.compile(r"^\s*(?:n[°o]\s*)?(\d{1,7})\s*/\s*(\d{4})\s*$", re.IGNORECASE)


def search_acts(db: Database, token: uuid.UUID, criteria: SearchCriteria) -> list[ActSummary]:
    query = criteria_to_query(criteria)
    rows = db.rows("SELECT * FROM ecr.act_search(%s, %s::jsonb)", (token, json.dumps(query)))
    return [summary_from_row(r) for r in rows]


def _query_words(text: str) -> list[dict[str, str]]:
    """The search keys of the words typed, each of which an act must match.

    Acts index a name after an elided particle twice, glued and alone
    ("N'Diaye": ``ndiaye`` and ``diaye``), so that either finds it.  The words
    typed keep the glued form only: "N'Diaye" must find "Ndiaye" too, which
    has no word ``diaye``.
    """
    words = _dictionary.name_words(text)
    return [w for i, w in enumerate(words)
            if not (i > 0 and len(words[i - 1]["key"]) == len(w["key"]) + 1
                    and words[i - 1]["key"][1:] == w["key"] and words[i - 1]["key"][0].isascii())]


def criteria_to_query(c: SearchCriteria) -> dict[str, Any]:
    """The JSON the SQL search function takes; refuses malformed criteria by field."""
    q: dict[str, Any] = {}
    if c.niu:
        niu = c.niu.replace(" ", "")
        if not (niu.isdigit() and len(niu) == 19):
            raise InvalidValue(tr("A NIU has 19 digits"), field="niu", rule="niu_format")
        q["niu"] = niu
    if c.register_number:
        m = _REGISTER.match(c.register_number)
        if not m:
            raise InvalidValue(tr("A register number is written N / YEAR, e.g. 123 / 2026"),
                               field="register_number", rule="register_number_format")
        q["register_serial"], q["register_year"] = int(m.group(1)), int(m.group(2))
    for name, value in (("surname", c.surname), ("given_names", c.given_names),
                        ("parent_name", c.parent_name)):
        if value and value.strip():
            words = _query_words(value)
            if not words:
                raise InvalidValue(tr("Nothing to search for in {field}", field=name),
                                   field=name, rule="empty_name")
            q[name] = words
    if c.event_type:
        try:
            _dictionary.check_event_type(c.event_type)
        except UserError as exc:
            raise InvalidValue(str(exc), field="event_type", rule="bad_event_type") from exc
        q["event_type"] = c.event_type
    if c.status:
        if c.status not in STATUSES:
            raise InvalidValue(tr("Unknown status {status}", status=c.status), field="status",
                               rule="bad_status")
        q["status"] = c.status
    for key in ("occurred_from", "occurred_to", "registered_from", "registered_to"):
        value = getattr(c, key)
        if value is not None:
            q[key] = value.isoformat()
    if not isinstance(c.page, int) or c.page < 0:
        raise InvalidValue(tr("The page number must be 0 or more"), field="page", rule="bad_page")
    if not isinstance(c.page_size, int) or not 1 <= c.page_size <= MAX_PAGE_SIZE:
        raise InvalidValue(tr("The page size must be between 1 and {max}", max=MAX_PAGE_SIZE),
                           field="page_size", rule="bad_page_size")
    q["fuzzy"] = bool(c.fuzzy)
    q["limit"] = c.page_size
    q["offset"] = c.page * c.page_size
    return q
