"""Refusals of the PKI layer: enrollment, certificates, keys, revocation.

Every refusal is a ``UserError`` whose ``rule`` is a stable key (``token_used``,
``certificate_revoked``…) that tests, JSON output and enrollment responses carry,
and whose message is already translated.  Nothing here is a bug report: a bug is
any other exception.
"""

from __future__ import annotations

from common.errors import UserError


class PkiError(UserError):
    """A PKI operation was refused; ``rule`` says why in one stable word."""

    def __init__(self, rule: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, rule=rule)
