"""Who may do what: the one permissions table of a centre.

The database holds the same table (``ecr.permissions(role, action)``, seeded by
the centre migration) and every API function checks it, so this Python copy
only serves the windows (to hide what a user may not do) and the documentation.
``tests/centre/test_permissions_table.py`` checks both are equal, and
``docs/roles-and-workflow.md`` is checked against it.

Action names are ``<area>.<verb>``.  Roles: one officer (chief of centre), up to
19 secretaries, up to 19 agents.  Separation of duties is deliberate: the one
who drafts does not verify, the one who verifies does not validate.
"""

from __future__ import annotations

from collections.abc import Mapping

OFFICER = "officer"
SECRETARY = "secretary"
AGENT = "agent"
ROLES = (OFFICER, SECRETARY, AGENT)

MAX_PER_ROLE: Mapping[str, int] = {OFFICER: 1, SECRETARY: 19, AGENT: 19}

_ALL = frozenset(ROLES)

PERMISSIONS: Mapping[str, frozenset[str]] = {
    # acts
    "act.check": _ALL,
    "act.draft": frozenset({AGENT}),
    "act.update_draft": frozenset({AGENT}),
    "act.verify": frozenset({SECRETARY}),
    "act.reject": frozenset({SECRETARY, OFFICER}),
    "act.validate": frozenset({OFFICER}),
    "act.mention": frozenset({OFFICER}),
    "act.show": _ALL,
    "act.history": _ALL,
    "act.search": _ALL,
    "act.search_national": frozenset({SECRETARY, OFFICER}),  # common.wire.query
    "notice.read": frozenset({SECRETARY, OFFICER}),  # what the SCEC tells the centre
    # work queues
    "queue.my_drafts": frozenset({AGENT}),
    "queue.rejected": frozenset({AGENT}),
    "queue.to_verify": frozenset({SECRETARY}),
    "queue.to_validate": frozenset({OFFICER}),
    # copies and billing
    "copy.issue": frozenset({SECRETARY, OFFICER}),
    "copy.takings": frozenset({SECRETARY, OFFICER}),
    # users
    "user.add": frozenset({OFFICER}),
    "user.list": frozenset({OFFICER}),
    "user.set_privilege": frozenset({OFFICER}),
    "user.set_password": frozenset({OFFICER}),
    "user.set_own_password": _ALL,
    "user.unlock": frozenset({OFFICER}),
    # settings and audit
    "settings.read": _ALL,
    "settings.change": frozenset({OFFICER}),
    "audit.verify": frozenset({OFFICER}),
    # statistics (common/stats; the ecr_stats database role is separate)
    "stats.read": frozenset({SECRETARY, OFFICER}),
    "stats.expected.set": frozenset({OFFICER}),
    "stats.population.set": frozenset({OFFICER}),
    "stats.urban_rural.set": frozenset({OFFICER}),
}


def may(role: str, action: str) -> bool:
    """True when ``role`` may perform ``action`` (unknown actions: never)."""
    return role in PERMISSIONS.get(action, frozenset())


def permission_rows() -> list[tuple[str, str]]:
    """The table as sorted (role, action) rows: the SQL mirror's shape."""
    return sorted((role, action) for action, roles in PERMISSIONS.items() for role in roles)
