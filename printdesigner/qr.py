"""The verification QR code of a printed copy: what it says, how it is signed, how it is checked.

The code carries, signed by the issuing centre's key: the act's NIU, the kind of
document and copy number, when it was issued, the register number, the event
date and the principal person's names (so a checker can compare them with the
paper), and a digest of every value printed on the copy.  It also carries the
centre's certificate in compact form (``credential.py``), so that anyone with
only the country's CA certificate (and, better, its latest revocation list) can
check a copy offline: ``verify_printed`` says genuine or not, and why.

The bytes are written in base45 (RFC 9285) behind ``ECR1:`` so the QR code uses
its compact alphanumeric mode: about 300 bytes give a version 12–13 code, which
scans reliably at 35 mm from a 300 dpi print.

Signing goes through ``common.pki.verify.sign_detached``/``verify_with_chain``
(ECDSA P-256, SHA-256).  This module never reads a database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from common.i18n import translator
from common.pki.verify import sign_detached, verify_with_chain
from printdesigner import credential, readback
from printdesigner.errors import PrintError, VerificationError

tr = translator("print")

PREFIX = "ECR1:"
_MAGIC = b"E\x01"
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
KIND_CODES = {"full": 1, "extract": 2, "extract_filiation": 3, "receipt": 4,
              "register_page": 5, "other": 6}
_KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


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


# ---------------------------------------------------------------- what is signed


@dataclass(frozen=True)
class CopySeal:
    """The facts a printed copy's QR code vouches for."""

    niu: str
    kind: str
    copy_number: int
    issued_at: dt.datetime
    register_number: str
    event_date: dt.date | None
    names: tuple[str, ...]
    digest: bytes  # first 16 bytes of SHA-256 over the printed values

    def to_bytes(self) -> bytes:
        minutes = int((self.issued_at - _EPOCH).total_seconds() // 60)
        ordinal = self.event_date.toordinal() if self.event_date else 0
        parts = [
            _MAGIC, int(self.niu).to_bytes(8, "big"),
            struct.pack(">BHII", KIND_CODES[self.kind], self.copy_number, minutes, ordinal),
            _str8(self.register_number), bytes([len(self.names)]),
            *(_str8(n) for n in self.names), self.digest,
        ]  # fmt: skip
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[CopySeal, int]:
        if not data.startswith(_MAGIC):
            raise ValueError("not an ECR seal")
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
        return cls(niu, _KIND_NAMES[kind], copy_number,
                   _EPOCH + dt.timedelta(minutes=minutes), register,
                   dt.date.fromordinal(ordinal) if ordinal else None, tuple(names),
                   digest), pos + 16


def _str8(text: str) -> bytes:
    raw = text.encode("utf-8")[:255]
    return bytes([len(raw)]) + raw


def _read_str8(data: bytes, pos: int) -> tuple[str, int]:
    n = data[pos]
    raw = data[pos + 1 : pos + 1 + n]
    if len(raw) != n:
        raise ValueError("truncated")
    return raw.decode("utf-8"), pos + 1 + n


def printed_digest(layout: Mapping[str, Any]) -> bytes:
    """16 bytes of SHA-256 over the printed layout (``render.printed_layout``), canonically."""
    canonical = json.dumps(layout, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(unicodedata.normalize("NFC", canonical).encode("utf-8")).digest()[:16]


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


def seal_text(seal: CopySeal, signer: Signer, centre_code: str | None = None) -> str:
    """The QR code's text: the seal, the compact centre certificate and the signature."""
    from common.pki.authority import centre_code_of

    # The code printed is the one the certificate names (it is rebuilt from it).
    code = centre_code_of(signer.certificate) or centre_code or ""
    issuer = next((ca for ca in credential.issuers(signer.ca_certificates)
                   if ca.subject == signer.certificate.issuer), None)
    if issuer is None:
        raise PrintError(tr("The centre's certificate authority is not installed: "
                            "cannot sign printed copies"), field="certificate",
                         rule="no_issuer")
    try:
        compact = credential.compact(signer.certificate, issuer, code)
    except ValueError as exc:
        raise PrintError(tr("The centre's certificate cannot be printed in a QR code: {why}",
                            why=str(exc)), field="certificate", rule="bad_profile") from None
    body = seal.to_bytes() + compact.to_bytes()
    signature = credential.raw_signature(sign_detached(signer.key, body))
    return PREFIX + b45encode(body + signature)


# ---------------------------------------------------------------- verifying


@dataclass(frozen=True)
class VerificationResult:
    """The verdict on a printed copy.

    ``genuine`` is true only when the QR code is signed by a centre certified by
    the country's CA, not revoked, and (when the printed text could be read) the
    paper shows what the code vouches for.  ``reason`` is a stable key:
    ``not_a_seal``, ``signature_invalid``, ``chain_invalid``, ``revoked``,
    ``expired``, ``not_yet_valid``, ``revocation_list_invalid``, ``altered``.
    """

    genuine: bool
    reason: str | None
    message: str
    seal: CopySeal | None = None
    centre_code: str | None = None
    certificate_serial: int | None = None
    text_checked: bool = False
    differences: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        seal = self.seal
        return {
            "genuine": self.genuine, "reason": self.reason, "message": self.message,
            "centre_code": self.centre_code, "certificate_serial": self.certificate_serial,
            "text_checked": self.text_checked, "differences": list(self.differences),
            "niu": seal.niu if seal else None, "kind": seal.kind if seal else None,
            "copy_number": seal.copy_number if seal else None,
            "issued_at": seal.issued_at.isoformat() if seal else None,
            "register_number": seal.register_number if seal else None,
            "event_date": seal.event_date.isoformat() if seal and seal.event_date else None,
            "names": list(seal.names) if seal else [],
        }  # fmt: skip


def _refused(reason: str, message: str, **kw: Any) -> VerificationResult:
    return VerificationResult(False, reason, message, **kw)


def verify_text(text: str, ca_certs: Sequence[x509.Certificate],
                revocation_list: x509.CertificateRevocationList | None = None,
                pdf: bytes | None = None) -> VerificationResult:
    """Check a decoded QR text; with the copy's ``pdf`` also check the page agrees."""
    text = text.strip()
    try:
        if not text.startswith(PREFIX):
            raise ValueError("prefix")
        raw = b45decode(text[len(PREFIX):])
        seal, pos = CopySeal.from_bytes(raw)
        compact, end = credential.CompactCertificate.from_bytes(raw, pos)
        signature = raw[end : end + 64]
        if len(signature) != 64 or len(raw) != end + 64:
            raise ValueError("length")
    except (ValueError, KeyError, IndexError, struct.error, OverflowError, UnicodeDecodeError):
        return _refused("not_a_seal", tr("This is not an ECR verification code, or it is damaged"))
    body = raw[:end]
    context = dict(seal=seal, centre_code=compact.centre_code, certificate_serial=compact.serial)
    certificate = None
    for issuer, method in ((i, m) for i in credential.issuers(ca_certs)
                           for m in credential.KEY_IDENTIFIER_METHODS):
        try:
            candidate = credential.rebuild(compact, issuer, method)
            candidate.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            continue
        certificate = candidate
        break
    if certificate is None:
        return _refused("chain_invalid", tr("The copy was not signed by a centre certified by "
                                            "this country's authority"), **context)
    verdict = verify_with_chain(credential.der_signature(signature), body, certificate,
                                list(ca_certs), revocation_list, at=seal.issued_at)
    if not verdict:
        return _refused(verdict.reason or "signature_invalid", verdict.message, **context)
    if revocation_list is not None and revocation_list.get_revoked_certificate_by_serial_number(
            certificate.serial_number) is not None:
        # A revoked key may have been stolen: every seal it made is void, whatever date
        # the seal claims, since the date is written by the same key.
        return _refused("revoked", tr("The centre that signed this copy has been revoked"),
                        **context)
    if pdf is not None:
        differences = _layout_differences(seal, pdf)
        if differences is None:  # a PDF without its layout (printed and scanned back)
            differences = _differences(seal, pdf_text(pdf))
        if differences:
            return _refused("altered", tr("The printed copy differs from what its code "
                                          "certifies: {what}", what="; ".join(differences)),
                            text_checked=True, differences=tuple(differences), **context)
    return VerificationResult(True, None, tr("Genuine copy issued by centre {code}",
                                             code=compact.centre_code),
                              text_checked=pdf is not None, **context)


def _differences(seal: CopySeal, printed: str) -> list[str]:
    """What the code certifies but the paper does not show (spacing and case aside)."""
    paper = readback.squash(printed)
    missing = [value for value in (*seal.names, seal.niu, seal.register_number)
               if value and readback.squash(value) not in paper]
    return [tr("{value} is not printed", value=value) for value in missing]


def _layout_differences(seal: CopySeal, pdf: bytes) -> list[str] | None:
    """Each signed value compared with the words drawn in its box; None without a layout."""
    layout = readback.read_layout(pdf)
    if layout is None:
        return None
    if printed_digest(layout) != seal.digest:
        return [tr("the list of printed values does not match the code")]
    found = readback.words(pdf)
    watermark = str(layout.get("watermark") or "")
    out = []
    for entry in dict(layout.get("values") or {}).values():
        text = str(entry["t"])
        expected = readback.squash(text)
        shown = readback.text_in_box(found, int(entry["p"]), list(entry["b"]), watermark)
        if expected == shown:
            continue
        tokens = sorted(readback.squash(t) for t in text.split())
        shown_tokens = sorted(readback.squash(w) for w in _box_tokens(found, entry, watermark))
        if tokens != shown_tokens:
            out.append(tr("{value} is not what is printed at its place", value=text))
    return out


def _box_tokens(found: list[readback.PrintedWord], entry: Mapping[str, Any],
                watermark: str) -> list[str]:
    x, y, w, h = entry["b"]
    skip = readback.squash(watermark)
    return [wd.text for wd in found if wd.page == int(entry["p"])
            and x - 0.5 <= (wd.x0 + wd.x1) / 2 <= x + w + 0.5
            and y - 0.5 <= (wd.y0 + wd.y1) / 2 <= y + h + 0.5
            and not (skip and readback.squash(wd.text) in skip)]


def verify_printed(text_or_image_path: str | Path, ca_certs: Sequence[x509.Certificate],
                   revocation_list: x509.CertificateRevocationList | None = None
                   ) -> VerificationResult:
    """Is a printed copy genuine and unchanged?  Offline, with only the CA certificates.

    The argument is either the QR code's decoded text (``ECR1:…``), or the path of
    a PDF of the copy (its QR code is read from the rendered page and its text
    compared with what the code certifies), or of a scanned or photographed image
    (PNG/JPEG: the QR code is read; the names it certifies are in the result for
    a person to compare with the paper).
    """
    value = str(text_or_image_path)
    if value.strip().startswith(PREFIX):
        return verify_text(value, ca_certs, revocation_list)
    path = Path(value)
    if not path.is_file():
        raise VerificationError(tr("{path} is neither a verification code nor a readable file",
                                   path=value), field="copy", rule="unreadable")
    if path.read_bytes()[:5] == b"%PDF-":
        pdf = path.read_bytes()
        return verify_text(read_qr_from_pdf(pdf), ca_certs, revocation_list, pdf=pdf)
    return verify_text(read_qr_from_image(path), ca_certs, revocation_list)


def read_qr_from_image(path: Path) -> str:
    """The text of the ECR QR code in an image (zxing-cpp)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            results = zxingcpp.read_barcodes(image.convert("L"))
    except (OSError, UnidentifiedImageError):
        raise VerificationError(tr("{path} is not an image that can be read", path=str(path)),
                                field="copy", rule="unreadable") from None
    for result in results:
        if result.text.startswith(PREFIX):
            return result.text
    raise VerificationError(tr("No ECR verification code was found in {path}", path=str(path)),
                            field="copy", rule="no_code")


def read_qr_from_pdf(pdf: bytes) -> str:
    """Render the pages (poppler's pdftoppm) and read the QR code, last page first.

    The code stands at the end of a document, so the last page is tried first, at
    200 dpi (3 pixels or more per module of a 35 mm code), then at 300 dpi.
    """
    import io

    import pypdf

    try:
        count = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except (pypdf.errors.PyPdfError, ValueError):
        raise VerificationError(tr("The PDF could not be read"), field="copy",
                                rule="unreadable") from None
    with tempfile.TemporaryDirectory(prefix="ecr-verify-") as tmp:
        for dpi in ("200", "300"):
            for page in range(count, 0, -1):
                stem = Path(tmp) / f"page-{dpi}-{page}"
                readback.run_poppler(["pdftoppm", "-r", dpi, "-gray", "-png", "-singlefile",
                                      "-f", str(page), "-l", str(page), "-", str(stem)], pdf)
                try:
                    return read_qr_from_image(stem.with_suffix(".png"))
                except VerificationError:
                    continue
    raise VerificationError(tr("No ECR verification code was found in the PDF"), field="copy",
                            rule="no_code")


def pdf_text(pdf: bytes) -> str:
    return readback.run_poppler(["pdftotext", "-enc", "UTF-8", "-", "-"], pdf).decode(
        "utf-8", "replace")
