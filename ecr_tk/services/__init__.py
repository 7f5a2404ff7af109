"""The application services of a registration centre: what windows, CLI and tests call.

Entry point: :class:`Centre` (``Centre.open`` / ``Centre.init``), then
``centre.login(number, password, workstation)`` gives a :class:`Session` with
``acts``, ``users``, ``copies``, ``settings``, ``audit`` and ``search``.  Every
rule that matters is enforced by the centre database itself; these services add
validation with the data dictionary and translate refusals into
:mod:`ecr_tk.services.errors`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .centre import Centre
    from .errors import (
        ActNotFound,
        AmbiguousActReference,
        CentreError,
        CentreUnavailable,
        Conflict,
        InvalidAct,
        InvalidValue,
        LoginRefused,
        PermissionRefused,
        SessionRefused,
        WorkflowRefused,
    )
    from .session import Session
    from .values import (
        ActRecord,
        ActSummary,
        AuditEntry,
        AuditReport,
        CentreIdentity,
        CheckReport,
        CopyIssued,
        DraftResult,
        Issue,
        Mention,
        SearchCriteria,
        Takings,
        User,
        ValidatedAct,
    )

# Each name is imported on first use (PEP 562): the CLI builds its parser, and
# ``ecr --help`` answers, without importing psycopg and the database layer.
_SOURCES = {"Centre": ".centre", "Session": ".session", **dict.fromkeys((
    "ActNotFound", "AmbiguousActReference", "CentreError", "CentreUnavailable", "Conflict",
    "InvalidAct", "InvalidValue", "LoginRefused", "PermissionRefused", "SessionRefused",
    "WorkflowRefused"), ".errors"), **dict.fromkeys((
    "ActRecord", "ActSummary", "AuditEntry", "AuditReport", "CentreIdentity", "CheckReport",
    "CopyIssued", "DraftResult", "Issue", "Mention", "SearchCriteria", "Takings", "User",
    "ValidatedAct"), ".values")}


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ActNotFound", "ActRecord", "ActSummary", "AmbiguousActReference", "AuditEntry",
    "AuditReport", "Centre", "CentreError", "CentreIdentity", "CentreUnavailable", "CheckReport",
    "Conflict",
    "CopyIssued", "DraftResult", "InvalidAct", "InvalidValue", "Issue", "LoginRefused",
    "Mention", "PermissionRefused", "SearchCriteria", "Session", "SessionRefused", "Takings",
    "User", "ValidatedAct", "WorkflowRefused",
]
