"""Centres at the SCEC: registration, one-time tokens, certificates, revocation lists.

Database adapter functions taking an open connection; each changing function
runs in one transaction so that a token is consumed exactly when a certificate
is recorded, and a revocation and its new revocation list land together.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import psycopg
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from common.i18n import translator
from common.pki.authority import RevokedEntry, build_revocation_list, check_centre_code
from common.pki.enrollment import new_token, token_digest
from common.pki.errors import PkiError
from common.pki.identifiers import certificate_key_identifier
from xmserver.pki_store import ScecPki

tr = translator("scec")
log = logging.getLogger(__name__)

Conn = psycopg.Connection[Any]
DEFAULT_TOKEN_HOURS = 72
#: A revocation list is re-issued when less than this is left before its next update.
CRL_REFRESH_BEFORE = dt.timedelta(days=2)


@dataclass(frozen=True)
class CentreRecord:
    code: str
    name: str
    status: str
    certificate_serial: int | None
    certificate_not_after: dt.datetime | None


def add_centre(conn: Conn, code: str, name: str = "", *, token_hours: int = DEFAULT_TOKEN_HOURS,
               now: dt.datetime | None = None) -> str:
    """Register a centre (or give a pending/active one a new token); return the one-time token."""
    check_centre_code(code)
    _check_token_hours(token_hours)
    now = now or dt.datetime.now(dt.UTC)
    token = new_token()
    with conn.transaction():
        row = conn.execute("SELECT status FROM centre WHERE code = %s FOR UPDATE",
                           (code,)).fetchone()
        if row is None:
            conn.execute("INSERT INTO centre (code, name, created_at) VALUES (%s, %s, %s)",
                         (code, name, now))
        elif row[0] == "revoked":
            raise PkiError("centre_revoked",
                           tr("Centre {code} is revoked and cannot enroll again", code=code))
        elif name:
            conn.execute("UPDATE centre SET name = %s WHERE code = %s", (name, code))
        # A new token replaces any unused one: only the latest works.
        conn.execute("UPDATE enrollment_token SET expires_at = %s WHERE centre_code = %s"
                     " AND used_at IS NULL AND expires_at > %s", (now, code, now))
        _record_token(conn, code, token, now, token_hours)
    return token


def _check_token_hours(token_hours: int) -> None:
    if not 1 <= token_hours <= 24 * 90:
        raise PkiError("token_lifetime_invalid",
                       tr("The token lifetime must be between 1 hour and 90 days"),
                       field="token_hours")


def _record_token(conn: Conn, code: str, token: str, now: dt.datetime, token_hours: int) -> int:
    """Keep the digest of a one-time token for ``code`` valid ``token_hours``; its row id."""
    row = conn.execute(
        "INSERT INTO enrollment_token (centre_code, token_digest, created_at, expires_at)"
        " VALUES (%s, %s, %s, %s) RETURNING id",
        (code, token_digest(token), now - dt.timedelta(microseconds=1),
         now + dt.timedelta(hours=token_hours))).fetchone()
    assert row is not None
    return int(row[0])


def reinstate_centre(conn: Conn, code: str, reason: str, by: str, *,
                     token_hours: int = DEFAULT_TOKEN_HOURS,
                     now: dt.datetime | None = None) -> tuple[str, int]:
    """Reinstate a revoked centre after investigation; return (one-time token, reinstatement id).

    Its certificates stay revoked for ever (the revocation list does not change):
    the centre goes back to ``pending`` and enrolls again, with this token, for a
    new key.  Who, when and why are kept in ``centre_reinstatement`` with the
    revocation it ends (migration 0124).
    """
    check_centre_code(code)
    reason, by = " ".join(reason.split()), " ".join(by.split())
    if not reason:
        raise PkiError("reason_required", tr("Say why the centre is reinstated (--reason): "
                                             "the investigation's conclusion is kept"),
                       field="reason")
    if not by:
        raise PkiError("reinstated_by_required", tr("Say who reinstates the centre (--by)"),
                       field="by")
    _check_token_hours(token_hours)
    now = now or dt.datetime.now(dt.UTC)
    token = new_token()
    with conn.transaction():
        row = conn.execute("SELECT status, revoked_at, revocation_reason FROM centre"
                           " WHERE code = %s FOR UPDATE", (code,)).fetchone()
        if row is None:
            raise PkiError("centre_unknown", tr("No centre {code}", code=code), field="code")
        if row[0] != "revoked":
            raise PkiError("centre_not_revoked",
                           tr("Centre {code} is not revoked: only a revoked centre can be "
                              "reinstated", code=code), field="code")
        token_id = _record_token(conn, code, token, now, token_hours)
        made = conn.execute(
            "INSERT INTO centre_reinstatement (centre_code, revoked_at, revocation_reason,"
            " reinstated_at, reinstated_by, reason, token_id) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " RETURNING id", (code, row[1], row[2], now, by[:200], reason[:2000],
                              token_id)).fetchone()
        assert made is not None
        conn.execute("UPDATE centre SET status = 'pending', revoked_at = NULL,"
                     " revocation_reason = NULL WHERE code = %s", (code,))
    log.warning("centre %s reinstated by %s: %s", code, by, reason)
    return token, int(made[0])


def reinstatements(conn: Conn, code: str) -> list[dict[str, Any]]:
    """A centre's reinstatements, oldest first, with what each led to."""
    rows = conn.execute(
        "SELECT r.id, r.revoked_at, r.revocation_reason, r.reinstated_at, r.reinstated_by,"
        " r.reason, t.expires_at, r.certificate_serial, r.enrolled_at,"
        " (SELECT count(*) FROM quarantine q WHERE q.reinstatement_id = r.id)"
        " FROM centre_reinstatement r JOIN enrollment_token t ON t.id = r.token_id"
        " WHERE r.centre_code = %s ORDER BY r.id", (code,)).fetchall()
    keys = ("id", "revoked_at", "revocation_reason", "reinstated_at", "reinstated_by", "reason",
            "token_expires_at", "certificate_serial", "enrolled_at", "superseded_containers")
    out = [dict(zip(keys, r, strict=True)) for r in rows]
    for r in out:
        serial = r["certificate_serial"]
        r["certificate_serial"] = None if serial is None else format(int(serial), "x")
    return out


def centre_detail(conn: Conn, code: str) -> dict[str, Any]:
    """``xmserver centre show``: the centre, its certificates, its reinstatements."""
    check_centre_code(code)
    row = conn.execute("SELECT code, name, status, created_at, revoked_at, revocation_reason"
                       " FROM centre WHERE code = %s", (code,)).fetchone()
    if row is None:
        raise PkiError("centre_unknown", tr("No centre {code}", code=code), field="code")
    certificates = [
        {"serial": format(int(c[0]), "x"), "issued_at": c[1], "issued_by": c[2],
         "not_after": c[3], "revoked_at": c[4], "revocation_reason": c[5]}
        for c in conn.execute(
            "SELECT serial, issued_at, issued_by, not_after, revoked_at, revocation_reason"
            " FROM centre_certificate WHERE centre_code = %s ORDER BY issued_at, serial",
            (code,)).fetchall()]
    keys = ("code", "name", "status", "created_at", "revoked_at", "revocation_reason")
    return {**dict(zip(keys, row, strict=True)), "certificates": certificates,
            "reinstatements": reinstatements(conn, code)}


def list_centres(conn: Conn) -> list[CentreRecord]:
    rows = conn.execute(
        """SELECT c.code, c.name, c.status, cc.serial, cc.not_after
             FROM centre c
             LEFT JOIN LATERAL (
                 SELECT serial, not_after FROM centre_certificate
                  WHERE centre_code = c.code AND revoked_at IS NULL
                  ORDER BY not_after DESC LIMIT 1) cc ON true
            ORDER BY c.code""").fetchall()
    return [CentreRecord(r[0], r[1], r[2], int(r[3]) if r[3] is not None else None, r[4])
            for r in rows]


def record_certificate(conn: Conn, certificate: x509.Certificate, centre_code: str,
                       issued_by: str, now: dt.datetime | None = None) -> x509.Certificate:
    """Record a certificate just issued, under the key identifier it carries; return the
    certificate to send back.

    Containers name their signer by that identifier and ``DatabaseDirectory`` looks
    it up here, so it must name one key only.  Method 2 identifiers are 60 bits: two
    keys sharing one is practically impossible, but if it happened the certificate
    is refused here (``key_identifier_collision``, the caller's transaction rolls
    back, the certificate never leaves the SCEC) rather than letting two centres'
    keys be confused.

    A key that is already certified is not certified twice.  For the same centre,
    while that certificate is in force, the request is a retry whose answer was lost
    (a renewal reuses its pending key until the answer arrives): the certificate
    already issued is returned and the new one discarded.  A key certified for
    another centre, revoked or expired is refused: the centre must make a new key.
    """
    now = now or dt.datetime.now(dt.UTC)
    key_identifier = certificate_key_identifier(certificate)
    row = conn.execute(
        "SELECT centre_code, der, revoked_at, not_after FROM centre_certificate"
        " WHERE key_identifier = %s", (key_identifier,)).fetchone()
    if row is not None:
        existing = x509.load_der_x509_certificate(bytes(row[1]))
        if existing.public_key() != certificate.public_key():
            raise PkiError(
                "key_identifier_collision",
                tr("The new key's identifier {ski} is already that of another key (centre"
                   " {code}): make a new key and request again",
                   ski=key_identifier.hex(), code=row[0]))
        if row[0] != centre_code:
            raise PkiError("key_in_use", tr("This key is already certified for centre {code}:"
                                            " make a new key and request again", code=row[0]))
        if row[2] is not None:
            raise PkiError("key_revoked", tr("This key's certificate was revoked: make a new"
                                             " key and request again"))
        if row[3] <= now:
            raise PkiError("key_expired", tr("This key's certificate has expired: make a new"
                                             " key and request again"))
        log.info("key %s of centre %s already certified: certificate %x sent again",
                 key_identifier.hex(), centre_code, existing.serial_number)
        return existing
    conn.execute(
        "INSERT INTO centre_certificate (serial, centre_code, key_identifier, not_before,"
        " not_after, der, issued_by) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (certificate.serial_number, centre_code, key_identifier,
         certificate.not_valid_before_utc, certificate.not_valid_after_utc,
         certificate.public_bytes(serialization.Encoding.DER), issued_by),
    )
    return certificate


def revoke_centre(conn: Conn, pki: ScecPki, code: str, reason: str = "",
                  now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """Revoke a centre and all its certificates; issue and return the new revocation list."""
    check_centre_code(code)
    now = now or dt.datetime.now(dt.UTC)
    with conn.transaction():
        row = conn.execute("SELECT status FROM centre WHERE code = %s FOR UPDATE",
                           (code,)).fetchone()
        if row is None:
            raise PkiError("centre_unknown", tr("No centre {code}", code=code), field="code")
        if row[0] != "revoked":
            conn.execute("UPDATE centre SET status = 'revoked', revoked_at = %s,"
                         " revocation_reason = %s WHERE code = %s", (now, reason, code))
            conn.execute("UPDATE centre_certificate SET revoked_at = %s, revocation_reason = %s"
                         " WHERE centre_code = %s AND revoked_at IS NULL", (now, reason, code))
            conn.execute("UPDATE enrollment_token SET expires_at = %s WHERE centre_code = %s"
                         " AND used_at IS NULL AND expires_at > %s", (now, code, now))
        return issue_revocation_list(conn, pki, now)


def issue_revocation_list(conn: Conn, pki: ScecPki,
                          now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """Sign a new revocation list of every revoked, not yet expired, certificate."""
    now = now or dt.datetime.now(dt.UTC)
    conn.execute("LOCK TABLE revocation_list IN EXCLUSIVE MODE")
    rows = conn.execute(
        "SELECT serial, revoked_at FROM centre_certificate"
        " WHERE revoked_at IS NOT NULL AND not_after > %s ORDER BY serial", (now,)).fetchall()
    number = conn.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM revocation_list").fetchone()[0]  # type: ignore[index]
    crl = build_revocation_list(
        pki.issuing_key, pki.issuing_certificate,
        [RevokedEntry(int(serial), revoked_at) for serial, revoked_at in rows], number, now,
    )
    conn.execute("INSERT INTO revocation_list (number, issued_at, next_update, der)"
                 " VALUES (%s, %s, %s, %s)",
                 (number, now, crl.next_update_utc,
                  crl.public_bytes(serialization.Encoding.DER)))
    return crl


def current_revocation_list(conn: Conn, pki: ScecPki,
                            now: dt.datetime | None = None) -> x509.CertificateRevocationList:
    """The latest revocation list, re-issued first when it is missing or about to go stale."""
    now = now or dt.datetime.now(dt.UTC)
    row = conn.execute(
        "SELECT der, next_update FROM revocation_list ORDER BY number DESC LIMIT 1").fetchone()
    if row is not None and row[1] - now > CRL_REFRESH_BEFORE:
        return x509.load_der_x509_crl(bytes(row[0]))
    with conn.transaction():
        return issue_revocation_list(conn, pki, now)
