"""National queries: ``QUERY`` (centre → SCEC) and its ``QUERY_ANSWER`` (SCEC → centre).

A centre's officer or secretary asks the SCEC for acts registered anywhere in
the country, by NIU or by names, event type and dates (issue 15).  The question
names who asks (the user's number and name, and the role the centre's database
gave the session): the SCEC keeps it in its own audit of national queries and
refuses roles that may not ask, whatever the centre's client says elsewhere.

Both bodies are strict: an unknown criterion, a malformed value, an oversized
text or trailing bytes refuse the container (``bad_payload``), naming the field.
The answer carries the acts themselves (the act encoding of ``ACT_BATCH``
bodies, ``acts_codec``), at most ``MAX_ANSWER_ACTS``, and how many matched in
all, or a refusal (``rate_limited``, ``role_not_allowed``…) and no act.

Queries, like ``SYNC_REQUEST``, carry sequence 0: a question is not a step of
the centre's history.  Its message id is the correlation between the question,
the answer (``answers``), the audit rows at both ends and, online, the MQTT v5
correlation data.  docs/protocol.md §10.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from common.acts.actjson import ActRecord
from common.acts.dictionary import EVENTS
from common.wire.acts_codec import Vocabulary, decode_acts, encode_acts
from common.wire.binary import Reader, Writer
from common.wire.errors import ContainerRefused

#: The roles that may ask the whole country (the centre's ``act.search_national``
#: permission gives the same; tests/common/wire/test_query.py checks they agree).
NATIONAL_QUERY_ROLES = frozenset({"officer", "secretary"})
#: At most this many acts in one answer: on a 22 kbps link an answer of 20 full acts
#: is a few kilobytes, a few seconds; narrow the criteria for more.
MAX_ANSWER_ACTS = 20
MAX_NAME = 200  # characters of a typed name
CRITERIA = ("niu", "surname", "given_names", "event_type", "occurred_from", "occurred_to")
_DATES = ("occurred_from", "occurred_to")


@dataclass(frozen=True)
class Query:
    """Who asks, with which role, for what (``criteria``: keys of ``CRITERIA``, texts)."""

    asked_by: int  # the user's number at the centre
    asked_by_name: str
    role: str
    criteria: Mapping[str, str]
    limit: int = MAX_ANSWER_ACTS

    def __post_init__(self) -> None:
        check_criteria(self.criteria)
        if not 1 <= self.limit <= MAX_ANSWER_ACTS:
            raise ContainerRefused("bad_payload", f"limit: 1 to {MAX_ANSWER_ACTS}")


@dataclass(frozen=True)
class QueryAnswer:
    answers: uuid.UUID  # the QUERY's message id
    found: int  # how many acts matched in all (``acts`` holds at most the query's limit)
    acts: tuple[ActRecord, ...] = ()
    refusal: str = ""  # a rule key; no act then
    centres: Mapping[str, str] = field(default_factory=dict)  # holding centre code → name


def check_criteria(criteria: Mapping[str, str]) -> None:
    """Refuse what no search can mean; the message names the criterion."""
    if not criteria:
        raise ContainerRefused("bad_payload", "a query needs at least one criterion")
    for key, value in criteria.items():
        if key not in CRITERIA:
            raise ContainerRefused("bad_payload", f"unknown criterion {key!r}")
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
            raise ContainerRefused("bad_payload", f"{key}: a text of 1 to {MAX_NAME} characters")
        if key == "niu" and not (value.isdigit() and len(value) == 19):
            raise ContainerRefused("bad_payload", "niu: 19 digits")
        if key == "event_type" and value not in EVENTS:
            raise ContainerRefused("bad_payload", f"event_type: unknown {value!r}")
        if key in _DATES:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ContainerRefused("bad_payload", f"{key}: a date YYYY-MM-DD") from None
    if set(criteria) <= {"event_type", *_DATES}:
        raise ContainerRefused("bad_payload", "a national query names a NIU or a name")


def encode_query(query: Query) -> bytes:
    w = Writer()
    w.uint(query.asked_by)
    w.text(query.asked_by_name)
    w.text(query.role)
    w.uint(query.limit)
    w.uint(len(query.criteria))
    for key in CRITERIA:
        if key in query.criteria:
            w.text(key)
            w.text(query.criteria[key])
    return w.getvalue()


def decode_query(body: bytes) -> Query:
    r = Reader(body, "bad_payload")
    asked_by = r.uint(2**31)
    name = r.text(MAX_NAME)
    role = r.text(16)
    limit = r.uint(MAX_ANSWER_ACTS)
    criteria: dict[str, str] = {}
    for _ in range(r.uint(len(CRITERIA))):
        key = r.text(32)
        if key in criteria:
            raise r.fail(f"criterion {key!r} twice")
        criteria[key] = r.text(MAX_NAME)
    r.end()
    return Query(asked_by, name, role, criteria, limit)


def encode_answer(answer: QueryAnswer, vocabulary: Vocabulary) -> bytes:
    w = Writer()
    w.raw(answer.answers.bytes)
    w.text(answer.refusal)
    w.uint(answer.found)
    w.uint(len(answer.centres))
    for code, name in sorted(answer.centres.items()):
        w.text(code)
        w.text(name)
    return w.getvalue() + encode_acts(answer.acts, vocabulary)


def decode_answer(body: bytes, vocabulary: Vocabulary, *, today: dt.date | None = None
                  ) -> QueryAnswer:
    r = Reader(body, "bad_payload")
    answers = uuid.UUID(bytes=r.raw(16))
    refusal = r.text(64)
    found = r.uint(2**40)
    centres = {}
    for _ in range(r.uint(MAX_ANSWER_ACTS)):
        code = r.text(16)
        centres[code] = r.text(MAX_NAME)
    acts = tuple(decode_acts(r.raw(r.remaining), today=today, vocabulary=vocabulary))
    if len(acts) > MAX_ANSWER_ACTS or (refusal and acts):
        raise ContainerRefused("bad_payload", "an answer holds at most 20 acts, none if refused")
    return QueryAnswer(answers, found, acts, refusal, centres)


def criteria_of(values: Mapping[str, Any]) -> dict[str, str]:
    """The criteria given (dates as ISO text, blanks dropped), checked."""
    out = {}
    for key in CRITERIA:
        value = values.get(key)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, str) and value.strip():
            out[key] = value.replace(" ", "") if key == "niu" else value.strip()
    check_criteria(out)
    return out
