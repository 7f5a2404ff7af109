"""The one error the wire layer raises on untrusted input: ``ContainerRefused``.

h11's rule: opening bytes from outside raises only this, with a stable
``reason`` key and a translated message; *any other exception is a bug*, and
``tests/common/wire/test_fuzz.py`` holds that invariant.  The reasons are a
closed table (below) so that the SCEC's logs, its answers to centres and the
tests all speak the same words.
"""

from __future__ import annotations

from common.errors import UserError
from common.i18n import N_, translator

tr = translator("wire")

#: reason key → English message id (translated when raised).
REASONS: dict[str, str] = {
    "too_large": N_("The container is larger than allowed"),
    "bad_der": N_("The container is not valid DER-encoded CMS"),
    "unsupported": N_("The container uses a structure or algorithm ECR does not accept"),
    "wrong_recipient": N_("The container is not addressed to this recipient"),
    "undecryptable": N_("The container cannot be decrypted"),
    "bad_signature": N_("The container's signature is not valid"),
    "unknown_signer": N_("The container's signer is not a known certificate"),
    "revoked_signer": N_("The container's signer certificate is revoked"),
    "expired_signer": N_("The container's signer certificate is expired or not yet valid"),
    "signer_mismatch": N_(
        "The container's signer does not match the centre it claims to come from"),
    "replay": N_("This container (centre sequence number or message id) was already received"),
    "too_old": N_("The container is implausibly old, or dated in the future"),
    "bad_payload": N_("The signed content of the container is malformed"),
    "wrong_kind": N_("The container does not hold the kind of message expected here"),
    "unknown_dictionary": N_("The container was compressed with an unknown dictionary version"),
    "decompression_bomb": N_("The container's content exceeds the size limits"),
    "invalid_acts": N_("The container holds an invalid act"),
}


class ContainerRefused(UserError):
    """A container was refused; ``reason`` is a key of ``REASONS``, ``detail`` says more."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}")  # a bug in the caller
        message = tr(REASONS[reason])
        if detail:
            message = tr("{message}: {detail}", message=message, detail=detail)
        super().__init__(message, rule=reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type[ContainerRefused], tuple[str, str]]:
        return (ContainerRefused, (self.reason, self.detail))
