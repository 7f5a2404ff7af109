"""The act workflow: one explicit transition table, mirrored by the database.

Rules (read this before changing the table):

* An act is born ``draft`` (pseudo-status ``new`` → ``draft``) when an agent
  drafts it; the register number (per centre, event type and year) is assigned
  then.
* The agent may edit a ``draft`` and fix a ``rejected`` act; saving a fixed
  rejected act resubmits it (``rejected`` → ``draft``).
* The secretary verifies a draft (``draft`` → ``verified``); the NIU is assigned
  then, inside PostgreSQL, and is kept if the act is later rejected and verified
  again.
* The secretary (on a draft) or the officer (at validation, on a verified act)
  may reject it with a reason (→ ``rejected``).
* The officer validates a verified act (``verified`` → ``validated``): from then on
  its data never changes; its outbox entry is written in the same transaction.
* The transmitter marks it ``transmitted`` when sent and ``acknowledged`` when the
  SCEC's signed receipt arrives.  These two are system actions, no user's.
* ``mention`` and ``issue_copy`` do not change the status; they are listed so the
  one table says from which statuses they are allowed (only validated acts and
  later).

Nothing else is possible: no skipped step (``draft`` → ``validated`` is absent),
no way back from ``validated``.  And no step takes an act the data dictionary
refuses: the database examines the act's content itself when it is drafted or
changed, verified and validated (trigger ``acts_content``, migration 0403);
only a rejection is always possible, so that an act that cannot be saved can
still go back to its agent.  ``ecr.transitions`` in the centre database is
seeded with exactly this table and every SQL function checks it;
``tests/centre/test_workflow_table.py`` checks both agree.
"""

from __future__ import annotations

from collections.abc import Mapping

NEW = "new"  # pseudo-status of an act that does not exist yet

DRAFT = "draft"
VERIFIED = "verified"
VALIDATED = "validated"
TRANSMITTED = "transmitted"
ACKNOWLEDGED = "acknowledged"
REJECTED = "rejected"

_FINAL = (VALIDATED, TRANSMITTED, ACKNOWLEDGED)

TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    "draft": {NEW: DRAFT},
    "update_draft": {DRAFT: DRAFT, REJECTED: DRAFT},
    "verify": {DRAFT: VERIFIED},
    "reject": {DRAFT: REJECTED, VERIFIED: REJECTED},
    "validate": {VERIFIED: VALIDATED},
    "transmit": {VALIDATED: TRANSMITTED},
    "acknowledge": {TRANSMITTED: ACKNOWLEDGED},
    "mention": {s: s for s in _FINAL},
    "issue_copy": {s: s for s in _FINAL},
}

# Statuses in which an act's data is frozen for ever.
IMMUTABLE_STATUSES = frozenset(_FINAL)


def next_status(action: str, status: str) -> str | None:
    """The status after ``action`` from ``status``, or None when not allowed."""
    return TRANSITIONS.get(action, {}).get(status)


def allowed_actions(status: str) -> frozenset[str]:
    """Every action allowed from ``status`` (the GUI greys out the others)."""
    return frozenset(a for a, table in TRANSITIONS.items() if status in table)


def transition_rows() -> list[tuple[str, str, str]]:
    """The table as (action, from_status, to_status) rows, sorted: the SQL mirror's shape."""
    return sorted((a, f, t) for a, table in TRANSITIONS.items() for f, t in table.items())
