"""The verification QR code of a printed copy: its text, its signature, its two versions.

``ECR2:`` codes (made since issue 11) carry, signed by the issuing centre's key,
every value the copy prints (``certified.CertifiedCopy``) and the digest of the
template that laid them out; ``verification.py`` shows those values, or
re-renders the copy from them and compares it with a PDF's pages.

``ECR1:`` codes, printed before, carried only the NIU, the document, copy
number and time, the register number, the event date and the principal
person's names, with a digest of a layout that the PDF itself had to supply
(unsigned, so anyone could remove or replace it).  They are still read, and
their signature checked, but a verifier never calls such a copy genuine: it
lists the few values the code certifies and says that nothing else was checked
(``CopySeal``, ``verify_code``).  Refusing them outright would void genuine
papers in people's hands; accepting them as before would vouch for what the
code never covered.

Both carry the centre's certificate in compact form (``credential.py``), so
that anyone with only the country's CA certificate (and, better, its latest
revocation list) can check a code offline.  The bytes are written in base45
(RFC 9285) behind the prefix so the QR code uses its compact alphanumeric mode.

Signing goes through ``common.pki.verify.sign_detached``/``verify_with_chain``
(ECDSA P-256, SHA-256).  This module never reads a database or a file.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from common.i18n import translator
from common.pki.verify import sign_detached, verify_with_chain
from common.wire.errors import ContainerRefused
from printdesigner import credential
from printdesigner.certified import (
    EPOCH,
    KIND_CODES,
    KIND_NAMES,
    CertifiedCopy,
    Header,
    kind_label,
)
from printdesigner.errors import PrintError
from printdesigner.render import QR_BORDER_MODULES, qr_modules

tr = translator("print")

PREFIX = "ECR2:"
PREFIX_V1 = "ECR1:"
PREFIXES = (PREFIX, PREFIX_V1)
_MAGIC_V1 = b"E\x01"
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
#: The smallest QR module printed (0.30 mm: 3.5 dots of a 300 dpi printer; the densest
#: code measured reads back from a blurred 150 dpi scan in the tests).
MIN_MODULE_MM = 0.30


# ---------------------------------------------------------------- base45 (RFC 9285)


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = divmod(n, 45 * 45)
        b, a = divmod(n, 45)
        out += [_ALPHABET[a], _ALPHABET[b], _ALPHABET[c]]
    if len(data) % 2:
        b, a = divmod(data[-1], 45)
        out += [_ALPHABET[a], _ALPHABET[b]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_ALPHABET.index(ch) for ch in text]
    except ValueError:
        raise ValueError("not base45") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise ValueError("not base45")
            out += n.to_bytes(2, "big")
        elif len(chunk) == 2:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise ValueError("not base45")
            out.append(n)
        else:
            raise ValueError("not base45")
    return bytes(out)


# ---------------------------------------------------------------- ECR1: what it signed


@dataclass(frozen=True)
class CopySeal:
    """What an ``ECR1:`` code vouched for (read for old papers; never made any more)."""

    niu: str
    kind: str
    copy_number: int
    issued_at: dt.datetime
    register_number: str
    event_date: dt.date | None
    names: tuple[str, ...]
    digest: bytes  # of a layout the PDF had to supply: no longer used

    def to_bytes(self) -> bytes:
        minutes = int((self.issued_at - EPOCH).total_seconds() // 60)
        ordinal = self.event_date.toordinal() if self.event_date else 0
        parts = [
            _MAGIC_V1, int(self.niu).to_bytes(8, "big"),
            struct.pack(">BHII", KIND_CODES[self.kind], self.copy_number, minutes, ordinal),
            _str8(self.register_number), bytes([len(self.names)]),
            *(_str8(n) for n in self.names), self.digest,
        ]  # fmt: skip
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[CopySeal, int]:
        if not data.startswith(_MAGIC_V1):
            raise ValueError("not an ECR1 seal")
        niu = f"{int.from_bytes(data[2:10], 'big'):019d}"
        kind, copy_number, minutes, ordinal = struct.unpack(">BHII", data[10:21])
        register, pos = _read_str8(data, 21)
        count = data[pos]
        pos += 1
        names = []
        for _ in range(count):
            name, pos = _read_str8(data, pos)
            names.append(name)
        digest = data[pos : pos + 16]
        if len(digest) != 16:
            raise ValueError("truncated")
        return cls(niu, KIND_NAMES[kind], copy_number,
                   EPOCH + dt.timedelta(minutes=minutes), register,
                   dt.date.fromordinal(ordinal) if ordinal else None, tuple(names),
                   digest), pos + 16

    def facts(self) -> list[tuple[str, str]]:
        out = [(tr("Document"), kind_label(self.kind)), (tr("Copy no."), str(self.copy_number)),
               (tr("Issued on"), self.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
               (tr("NIU"), self.niu), (tr("Act no."), self.register_number),
               (tr("Date of the event"), self.event_date.isoformat() if self.event_date else ""),
               (tr("Names"), " / ".join(self.names))]
        return [(label, text) for label, text in out if text]


def _str8(text: str) -> bytes:
    raw = text.encode("utf-8")[:255]
    return bytes([len(raw)]) + raw


def _read_str8(data: bytes, pos: int) -> tuple[str, int]:
    n = data[pos]
    raw = data[pos + 1 : pos + 1 + n]
    if len(raw) != n:
        raise ValueError("truncated")
    return raw.decode("utf-8"), pos + 1 + n


# ---------------------------------------------------------------- signing


class Signer(Protocol):
    """What signs a copy: a centre's key, its certificate and the CA certificates.

    ``common.pki.centre.CentreIdentity`` is one.
    """

    @property
    def key(self) -> Any: ...
    @property
    def certificate(self) -> x509.Certificate: ...
    @property
    def ca_certificates(self) -> tuple[x509.Certificate, ...]: ...


def signer_centre_code(signer: Signer) -> str:
    """The centre code the signer's certificate names (what a copy prints as its centre)."""
    from common.pki.authority import centre_code_of

    return centre_code_of(signer.certificate) or ""


def sign_code(content: bytes, signer: Signer, prefix: str = PREFIX) -> str:
    """The QR code's text: ``content``, the compact centre certificate, the signature."""
    issuer = next((ca for ca in credential.issuers(signer.ca_certificates)
                   if ca.subject == signer.certificate.issuer), None)
    if issuer is None:
        raise PrintError(tr("The centre's certificate authority is not installed: "
                            "cannot sign printed copies"), field="certificate",
                         rule="no_issuer")
    try:
        compact = credential.compact(signer.certificate, issuer, signer_centre_code(signer))
    except ValueError as exc:
        raise PrintError(tr("The centre's certificate cannot be printed in a QR code: {why}",
                            why=str(exc)), field="certificate", rule="bad_profile") from None
    body = content + compact.to_bytes()
    signature = credential.raw_signature(sign_detached(signer.key, body))
    return prefix + b45encode(body + signature)


def qr_side_needed_mm(text: str) -> float:
    """The smallest printed side at which every module is at least ``MIN_MODULE_MM``."""
    return (qr_modules(text) + 2 * QR_BORDER_MODULES) * MIN_MODULE_MM


# ---------------------------------------------------------------- checking a code


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on a printed copy, and exactly what it rests on.

    ``genuine`` is true only when every page of a PDF was compared with the copy
    re-rendered from what its code certifies, and matched (``scope ==
    "document"``).  When only the code could be checked (a scan, a photo, the
    decoded text, a PDF whose template is unknown, an ``ECR1:`` code), ``genuine``
    is false, ``scope`` is ``"values"`` and ``facts`` lists what the code
    certifies, for a person to compare with the paper.  ``scope`` is ``None`` when
    the code or the copy is refused.

    ``reason`` is a stable key.  Refusals: ``not_a_seal``, ``unsupported``,
    ``signature_invalid``, ``chain_invalid``, ``revoked``, ``expired``,
    ``not_yet_valid``, ``revocation_list_invalid``, ``altered``.  Only the code
    checked: ``not_compared`` (no PDF), ``template_unknown``, ``earlier_code``.
    """

    genuine: bool
    reason: str | None
    message: str
    scope: str | None = None
    version: int | None = None
    centre_code: str | None = None
    certificate_serial: int | None = None
    certified: CertifiedCopy | None = None
    seal: CopySeal | None = None
    facts: tuple[tuple[str, str], ...] = ()
    differences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def code_genuine(self) -> bool:
        """The code itself is signed by a centre the country certifies, not revoked."""
        return self.scope is not None or self.reason == "altered"

    def as_dict(self) -> dict[str, Any]:
        content = self.certified or self.seal
        event_date = content.event_date if content else None
        return {
            "genuine": self.genuine, "scope": self.scope, "reason": self.reason,
            "message": self.message, "code_genuine": self.code_genuine,
            "version": self.version, "centre_code": self.centre_code,
            "certificate_serial": self.certificate_serial,
            "differences": list(self.differences),
            "certified": [{"label": label, "value": value} for label, value in self.facts],
            "niu": content.niu if content else None,
            "kind": content.kind if content else None,
            "copy_number": content.copy_number if content else None,
            "issued_at": content.issued_at.isoformat() if content else None,
            "register_number": content.register_number if content else None,
            "event_date": event_date.isoformat() if event_date else None,
            "names": list(content.names) if content else [],
        }  # fmt: skip


def _refused(reason: str, message: str, **kw: Any) -> VerificationResult:
    return VerificationResult(False, reason, message, **kw)


def verify_code(text: str, ca_certs: Sequence[x509.Certificate],
                revocation_list: x509.CertificateRevocationList | None = None
                ) -> VerificationResult:
    """Check a decoded QR text: its signature, its centre, its values (not the paper).

    A good ``ECR2:`` code gives ``scope="values"``, reason ``not_compared`` and its
    ``certified`` values; ``verification.verify_printed`` then compares a PDF.
    """
    text = text.strip()
    prefix = next((p for p in PREFIXES if text.startswith(p)), None)
    try:
        if prefix is None:
            raise ValueError("prefix")
        raw = b45decode(text[len(prefix):])
        seal: CopySeal | None = None
        header: Header | None = None
        if prefix == PREFIX_V1:
            seal, pos = CopySeal.from_bytes(raw)
            issued_at = seal.issued_at
        else:
            header, pos = Header.read(raw)
            issued_at = header.issued_at
        compact, end = credential.CompactCertificate.from_bytes(raw, pos)
        signature = raw[end : end + 64]
        if len(signature) != 64 or len(raw) != end + 64:
            raise ValueError("length")
    except (ValueError, KeyError, IndexError, struct.error, OverflowError, UnicodeDecodeError,
            ContainerRefused):
        return _refused("not_a_seal", tr("This is not an ECR verification code, or it is damaged"))
    body = raw[:end]
    version = 1 if seal is not None else 2
    context: dict[str, Any] = dict(version=version, centre_code=compact.centre_code,
                                   certificate_serial=compact.serial, seal=seal)
    certificate = _rebuilt_certificate(compact, ca_certs)
    if certificate is None:
        return _refused("chain_invalid", tr("The copy was not signed by a centre certified by "
                                            "this country's authority"), **context)
    verdict = verify_with_chain(credential.der_signature(signature), body, certificate,
                                list(ca_certs), revocation_list, at=issued_at)
    if not verdict:
        return _refused(verdict.reason or "signature_invalid", verdict.message, **context)
    if revocation_list is not None and revocation_list.get_revoked_certificate_by_serial_number(
            certificate.serial_number) is not None:
        # A revoked key may have been stolen: every seal it made is void, whatever date
        # the seal claims, since the date is written by the same key.
        return _refused("revoked", tr("The centre that signed this copy has been revoked"),
                        **context)
    code = compact.centre_code
    if header is None:  # an ECR1 code
        assert seal is not None
        return VerificationResult(
            False, "earlier_code", tr(
                "The code is genuine (centre {code}) but of an earlier kind (ECR1) that "
                "certifies only the values below, not the rest of the paper (parents, "
                "places…): compare them with the paper, and ask the centre for a new copy "
                "to have everything checked", code=code),
            scope="values", facts=tuple(seal.facts()), **context)
    try:  # only now, the signature being good, are the values decompressed and decoded
        certified = CertifiedCopy.open(header, code)
    except ContainerRefused:
        return _refused("unsupported", tr(
            "This code was made by a newer version of ECR: update this program to check it"),
            **context)
    return VerificationResult(
        False, "not_compared", tr(
            "The code is genuine (centre {code}), but the paper itself was not checked: "
            "compare every value below with the paper; any difference means a forgery",
            code=code),
        scope="values", certified=certified, facts=tuple(certified.facts()), **context)


def _rebuilt_certificate(compact: credential.CompactCertificate,
                         ca_certs: Sequence[x509.Certificate]) -> x509.Certificate | None:
    for issuer in credential.issuers(ca_certs):
        for method in credential.KEY_IDENTIFIER_METHODS:
            try:
                candidate = credential.rebuild(compact, issuer, method)
                candidate.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return candidate
    return None
