"""Enrollment messages: what a centre sends to get its certificate, and the answer.

Sans-IO: these are values with ``to_bytes`` / ``from_bytes``.  The same bytes
travel over MQTT (online, request/response) or in a file carried on removable
media (offline): ``ecr enroll --request-out`` writes a request,
``xmserver centre enroll-offline`` reads it and writes a response,
``ecr enroll --response-in`` installs it.

The format is a small JSON object (binary values in base64), version 1:
request ``{"v":1,"kind":"enroll"|"renew","centre":CODE,"csr":B64,"token":STR?,
"serial":HEX?,"proof":B64?}``; response ``{"v":1,"status":"issued","certificate":B64,
"ca":[B64…],"scec_signing":B64,"scec_encryption":B64,"crl":B64}`` or
``{"v":1,"status":"refused","reason":KEY,"message":TEXT}``.

A ``renew`` request has no token: it proves possession of the centre's current
key by ``proof``, a signature with that key over the new request (``csr``), and
names the current certificate by ``serial``.

Parsing is strict (size, types, base64) and raises only ``PkiError`` with rule
``enrollment_message_invalid``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from common.i18n import translator
from common.pki.errors import PkiError

tr = translator("pki")

MAX_MESSAGE_BYTES = 64 * 1024
_TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 — no 0/O, 1/I: read over the phone
_TOKEN_GROUPS = 5


def new_token() -> str:
    """A one-time enrollment token: 20 characters (100 bits) in 5 groups, e.g. ``K7QD-…``."""
    chars = "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(4 * _TOKEN_GROUPS))
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def normalise_token(token: str) -> str:
    return "".join(ch for ch in token.upper() if ch.isalnum())


def token_digest(token: str) -> bytes:
    """What the SCEC stores instead of the token (SHA-256 of the normalised token)."""
    return hashlib.sha256(normalise_token(token).encode("ascii", "replace")).digest()


def tokens_match(token: str, digest: bytes) -> bool:
    return hmac.compare_digest(token_digest(token), digest)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _invalid(detail: str) -> PkiError:
    return PkiError("enrollment_message_invalid",
                    tr("The enrollment message is invalid: {detail}", detail=detail))


def _unb64(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise _invalid(f"{name} must be base64 text")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise _invalid(f"{name} is not valid base64") from None


def _load(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_MESSAGE_BYTES:
        raise _invalid("too large")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _invalid("not JSON") from None
    if not isinstance(obj, dict) or obj.get("v") != 1:
        raise _invalid("not a version 1 enrollment message")
    return obj


def _text(obj: dict[str, Any], name: str, optional: bool = False) -> str | None:
    value = obj.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > 4096:
        raise _invalid(f"{name} must be text")
    return value


@dataclass(frozen=True)
class EnrollmentRequest:
    """A centre's request for a certificate (first enrollment or renewal)."""

    kind: str  # "enroll" | "renew"
    centre_code: str
    csr_der: bytes
    token: str | None = None
    current_serial: int | None = None
    proof: bytes | None = None

    def to_bytes(self) -> bytes:
        obj: dict[str, Any] = {"v": 1, "kind": self.kind, "centre": self.centre_code,
                               "csr": _b64(self.csr_der)}
        if self.token is not None:
            obj["token"] = self.token
        if self.current_serial is not None:
            obj["serial"] = format(self.current_serial, "x")
        if self.proof is not None:
            obj["proof"] = _b64(self.proof)
        return json.dumps(obj, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> EnrollmentRequest:
        obj = _load(data)
        kind = _text(obj, "kind")
        centre = _text(obj, "centre")
        assert kind is not None and centre is not None
        csr = _unb64(obj.get("csr"), "csr")
        if kind == "enroll":
            token = _text(obj, "token")
            return cls(kind, centre, csr, token=token)
        if kind == "renew":
            serial_text = _text(obj, "serial")
            assert serial_text is not None
            try:
                serial = int(serial_text, 16)
            except ValueError:
                raise _invalid("serial must be hexadecimal") from None
            return cls(kind, centre, csr, current_serial=serial,
                       proof=_unb64(obj.get("proof"), "proof"))
        raise _invalid(f"unknown kind {kind!r}")


@dataclass(frozen=True)
class EnrollmentResponse:
    """The SCEC's answer: the issued certificate and what a centre must trust, or a refusal."""

    status: str  # "issued" | "refused"
    certificate_der: bytes = b""
    ca_ders: tuple[bytes, ...] = ()
    scec_signing_der: bytes = b""
    scec_encryption_der: bytes = b""
    crl_der: bytes = b""
    reason: str = ""
    message: str = ""

    @classmethod
    def refused(cls, reason: str, message: str) -> EnrollmentResponse:
        return cls("refused", reason=reason, message=message)

    def to_bytes(self) -> bytes:
        obj: dict[str, Any] = {"v": 1, "status": self.status}
        if self.status == "issued":
            obj.update(certificate=_b64(self.certificate_der),
                       ca=[_b64(d) for d in self.ca_ders],
                       scec_signing=_b64(self.scec_signing_der),
                       scec_encryption=_b64(self.scec_encryption_der),
                       crl=_b64(self.crl_der))
        else:
            obj.update(reason=self.reason, message=self.message)
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> EnrollmentResponse:
        obj = _load(data)
        status = _text(obj, "status")
        if status == "refused":
            return cls.refused(_text(obj, "reason") or "", _text(obj, "message") or "")
        if status != "issued":
            raise _invalid(f"unknown status {status!r}")
        ca = obj.get("ca")
        if not isinstance(ca, list) or not 1 <= len(ca) <= 8:
            raise _invalid("ca must be a list of certificates")
        return cls(
            "issued",
            certificate_der=_unb64(obj.get("certificate"), "certificate"),
            ca_ders=tuple(_unb64(c, "ca") for c in ca),
            scec_signing_der=_unb64(obj.get("scec_signing"), "scec_signing"),
            scec_encryption_der=_unb64(obj.get("scec_encryption"), "scec_encryption"),
            crl_der=_unb64(obj.get("crl"), "crl"),
        )
