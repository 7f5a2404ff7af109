"""The adapter between the services and PostgreSQL: calls the ``ecr`` API, translates errors.

Workstations connect as the application role ``ecr_app``, which may only execute
the ``ecr`` schema's SECURITY DEFINER functions; every call therefore goes
through :meth:`Database.call`.  Refusals raised in SQL carry a SQLSTATE of class
``EC`` (our own), the rule key as message, the field as DETAIL and parameters as
a JSON HINT; they become :mod:`ecr_tk.services.errors` instances with a translated
sentence here, and nowhere else.  This module must never build SQL from user
input: values are always bound parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from common.acts.reference import RegisterNumber, parse_act_reference
from common.errors import UserError
from common.i18n import N_, translator

from . import _dictionary, errors

tr = translator("centre")

# rule key -> English msgid (translated at raise time).  Parameters come from the
# HINT of the SQL error, as JSON.
RULE_MESSAGES: Mapping[str, str] = {
    "session_unknown": N_("Unknown session: please log in again"),
    "session_closed": N_("This session was closed: please log in again"),
    "session_expired": N_("The session expired after inactivity: please log in again"),
    "session_revoked": N_("This session was closed when the account changed (password, "
                          "suspension or lock): please log in again"),
    "session_too_old": N_("The session reached its maximum length of {minutes} minutes: "
                          "please log in again"),
    "bad_kdf": N_("The password's key-derivation parameters are out of bounds"),
    "user_suspended": N_("This user is suspended"),
    "user_locked": N_(
        "This account is locked after too many failed logins: ask the officer to unlock it"),
    "action_not_permitted": N_("A user with role {role} may not perform {action}"),
    "transition_not_allowed": N_(
        "Action {action} is not allowed on an act whose status is {status}"),
    "act_not_found": N_("No act {ref} in this centre"),
    "act_reference_ambiguous": N_("{ref} names several acts: {acts}. Choose the type of act"),
    "act_immutable": N_("A validated act cannot be changed; add a marginal mention instead"),
    "audit_append_only": N_("The audit trail can only be appended to"),
    "user_not_found": N_("No user number {number} in this centre"),
    "user_exists": N_("User number {number} already exists"),
    "role_full": N_("The centre already has the maximum of {max} users with role {role}"),
    "officer_exists": N_("The centre already has an active officer"),
    "bad_role": N_("Unknown role {role}: choose officer, secretary or agent"),
    "bad_privilege": N_("Privilege must be between 0 and 9"),
    "bad_number": N_("A user number must be between 1 and 999999"),
    "cannot_change_self": N_("The officer cannot suspend or demote themself"),
    "bad_copy_kind": N_("Unknown copy kind {kind}"),
    "national_act_unknown": N_("No answer of the SCEC holds the act {niu}: search the whole "
                               "country for it first (Search, in the whole country)"),
    "act_held_here": N_("The act {niu} is held by this centre: issue its copy from the "
                        "register, not from the SCEC's answer"),
    "national_copy_unknown": N_("No copy of an act held by another centre has the receipt "
                                "{receipt}"),
    "national_answer_too_old": N_("The SCEC's answer about {niu} is more than {hours} hours "
                                  "old: search the whole country again, so that the copy "
                                  "carries the latest mentions"),
    "no_fee": N_("No fee is set for copy kind {kind}"),
    "bad_fee": N_("A fee must be zero or more"),
    "bad_setting": N_("Unknown setting {key}"),
    "bad_setting_value": N_("Bad value for setting {key}"),
    "reason_required": N_("A reason is required to reject an act"),
    "court_decision_required": N_("A rectification needs the court decision's date and reference"),
    "bad_mention_kind": N_("Unknown mention kind {kind}"),
    "bad_event_type": N_("Unknown event type {event_type}"),
    "bad_queue": N_("Unknown work queue {queue}"),
    "not_initialised": N_("This database holds no centre yet: run ecr init"),
    "already_initialised": N_("This database already holds centre {code}"),
    "bad_centre_code": N_("A centre code is exactly 6 digits"),
    "text_required": N_("The mention's text is required"),
    "not_own_draft": N_("Only the agent who drafted this act may change it"),
    "bad_search": N_("Bad search criterion {criterion}"),
    "duplicate": N_("This record already exists ({constraint})"),
    "required": N_("This value is required"),
    "bad_data": N_("The act's data must be a JSON object"),
    "bad_derived": N_("The act's derived values are malformed"),
    "act_too_large": N_("The act's data is too large ({size} bytes, at most {limit})"),
    "bad_password_proof": N_("The password proof or its parameters are malformed"),
    "date_in_future": N_("The date is in the future"),
    "niu_serials_exhausted": N_("No NIU serial left for this year"),
    "mention_immutable": N_("A marginal mention cannot be changed or deleted"),
    "copy_immutable": N_("An issued copy cannot be changed or deleted"),
    "database_privilege": N_("The database refused this operation to the application role"),
    "act_invalid": N_("The centre database refused the act's content"),
}

_CLASS_BY_STATE: Mapping[str, type[errors.CentreError]] = {
    "EC001": errors.SessionRefused,
    "EC002": errors.PermissionRefused,
    "EC003": errors.WorkflowRefused,
    "EC004": errors.ActNotFound,
    "EC005": errors.InvalidValue,
    "EC006": errors.Conflict,
    "EC007": errors.WorkflowRefused,
    "EC008": errors.CentreUnavailable,
}


def message_for(rule: str, params: Mapping[str, Any] | None = None) -> str:
    msgid = RULE_MESSAGES.get(rule)
    if msgid is None:
        return tr("Refused by the centre database: {rule}", rule=rule)
    try:
        return tr(msgid, **(params or {}))
    except (KeyError, IndexError):
        return tr(msgid)


def translate_error(exc: psycopg.Error) -> errors.CentreError | None:
    """Our own error for a database refusal; None when ``exc`` is a bug."""
    if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
        return errors.CentreUnavailable(
            tr("The centre database cannot be reached: {reason}", reason=str(exc).strip()),
            rule="database_unavailable")
    state = exc.sqlstate or ""
    diag = exc.diag
    if state == "EC009":
        return _act_refused(diag.message_hint)
    if state == "EC010":
        return _ambiguous(diag.message_hint)
    cls = _CLASS_BY_STATE.get(state)
    if cls is not None:
        rule = diag.message_primary or "refused"
        params: dict[str, Any] = {}
        if diag.message_hint:
            try:
                params = json.loads(diag.message_hint)
            except ValueError:
                params = {}
        return cls(message_for(rule, params), field=diag.message_detail or None, rule=rule)
    if state == "23505":
        constraint = diag.constraint_name or ""
        return errors.Conflict(message_for("duplicate", {"constraint": constraint}),
                               field=constraint or None, rule="duplicate")
    if state == "42501":
        return errors.PermissionRefused(message_for("database_privilege"),
                                        rule="database_privilege")
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return errors.CentreUnavailable(
            tr("The centre database cannot be reached: {reason}", reason=str(exc).strip()),
            rule="database_unavailable")
    return None


def _ambiguous(hint: str | None) -> errors.AmbiguousActReference:
    """A register number that names acts of several types (EC010): they are listed
    as the person sees them ("Naissance n° 61 / 2026, Décès n° 61 / 2026")."""
    from common.acts.dictionary import EVENTS

    try:
        doc = json.loads(hint or "{}")
    except ValueError:
        doc = {}
    doc = doc if isinstance(doc, dict) else {}
    ref = str(doc.get("ref", ""))
    found = doc.get("event_types")
    types = tuple(str(t) for t in found) if isinstance(found, list) else ()
    try:
        parsed = parse_act_reference(ref)
    except UserError:
        parsed = None
    # "n° 61 / 2026", as the windows print it
    number = parsed.display if isinstance(parsed, RegisterNumber) else ref
    acts = ", ".join(f"{EVENTS[t].label() if t in EVENTS else t} {number}" for t in types)
    return errors.AmbiguousActReference(
        message_for("act_reference_ambiguous", {"ref": ref, "acts": acts}), event_types=types)


def _act_refused(hint: str | None) -> errors.InvalidAct:
    """The database refused an act's content (EC009): the dictionary's own sentences.

    The HINT holds the event type and the first problems (path, rule,
    parameters), as ``ecr._refuse_act`` writes them.
    """
    try:
        doc = json.loads(hint or "{}")
    except ValueError:
        doc = {}
    found = doc.get("errors") if isinstance(doc, dict) else None
    problems = [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []
    report = _dictionary.sql_report(str(doc.get("event_type", "")), problems)
    if not report.errors:
        return errors.InvalidAct(message_for("act_invalid"), rule="act_invalid", report=report)
    first = report.errors[0]
    return errors.InvalidAct(first.message, field=first.field, rule=first.rule, report=report)


class Database:
    """A pool of ``ecr_app`` connections and one way to call the SQL API."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """One transaction on a pooled connection, errors translated."""
        try:
            with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.Error as exc:
            translated = translate_error(exc)
            if translated is not None:
                raise translated from exc
            raise

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one API call and return every row as a dict."""
        with self.transaction() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def row(self, query: str, params: Sequence[Any] = ()) -> dict[str, Any]:
        found = self.rows(query, params)
        if not found:
            raise RuntimeError(f"the API call returned no row: {query}")
        return found[0]

    def value(self, query: str, params: Sequence[Any] = ()) -> Any:
        return next(iter(self.row(query, params).values()))
