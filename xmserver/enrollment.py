"""The SCEC's enrollment handler: a request's bytes in, a response's bytes out.

One function serves both carriers: ``xmserver run`` calls it for each MQTT
request, ``xmserver centre enroll-offline`` for a request file.  Every refusal
becomes a ``refused`` response naming the reason (``token_used``,
``token_expired``, ``token_invalid``, ``centre_revoked``, ``request_…``), never an
exception escaping to the carrier.

A first enrollment needs the centre's one-time token: it is consumed in the same
transaction that records the certificate, under a row lock, so two concurrent
uses of one token give one certificate and one ``token_used``.  A renewal needs
no token: it is signed by the centre's current, valid, unrevoked key.
"""

from __future__ import annotations

import datetime as dt
import logging

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from common.i18n import translator
from common.pki.authority import check_centre_code, check_centre_request, issue_centre_certificate
from common.pki.enrollment import EnrollmentRequest, EnrollmentResponse, token_digest
from common.pki.errors import PkiError
from common.pki.verify import verify_with_chain
from xmserver.centres import Conn, current_revocation_list, record_certificate
from xmserver.ingest import reseal_outgoing
from xmserver.pki_store import ScecPki

tr = translator("scec")
log = logging.getLogger("xmserver.enrollment")
_DER = serialization.Encoding.DER


def handle_enrollment(conn: Conn, pki: ScecPki, data: bytes, *, carrier: str = "enroll",
                      topic_centre: str | None = None,
                      now: dt.datetime | None = None) -> EnrollmentResponse:
    """Answer one enrollment or renewal request.

    ``carrier`` is ``"enroll"`` (online) or ``"enroll-offline"``; ``topic_centre``
    is the centre code of the MQTT topic the request came on, which must match.
    """
    now = now or dt.datetime.now(dt.UTC)
    try:
        request = EnrollmentRequest.from_bytes(data)
        check_centre_code(request.centre_code)
        if topic_centre is not None and topic_centre != request.centre_code:
            raise PkiError("centre_mismatch",
                           tr("The request was sent on another centre's topic"))
        with conn.transaction():
            if request.kind == "enroll":
                certificate = _enroll(conn, pki, request, now, carrier)
                # a reinstated centre holds only its new key: what the SCEC sealed for
                # the revoked one comes again under the new certificate
                reseal_outgoing(conn, pki, request.centre_code)
            else:
                certificate = _renew(conn, pki, request, now)
        crl = current_revocation_list(conn, pki, now)
    except PkiError as refusal:
        log.info("enrollment refused: %s", refusal.rule)
        return EnrollmentResponse.refused(refusal.rule, refusal.message)
    log.info("certificate %x issued to centre %s (%s)", certificate.serial_number,
             request.centre_code, request.kind)
    return EnrollmentResponse(
        "issued",
        certificate_der=certificate.public_bytes(_DER),
        ca_ders=tuple(c.public_bytes(_DER) for c in pki.ca_certificates),
        scec_signing_der=pki.signing_certificate.public_bytes(_DER),
        scec_encryption_der=pki.encryption_certificate.public_bytes(_DER),
        crl_der=crl.public_bytes(_DER),
    )


def _centre_status(conn: Conn, code: str) -> str:
    row = conn.execute("SELECT status FROM centre WHERE code = %s FOR UPDATE", (code,)).fetchone()
    if row is None:
        raise PkiError("centre_unknown",
                       tr("Centre {code} is not registered at the SCEC", code=code))
    if row[0] == "revoked":
        raise PkiError("centre_revoked", tr("Centre {code} is revoked", code=code))
    return str(row[0])


def _enroll(conn: Conn, pki: ScecPki, request: EnrollmentRequest, now: dt.datetime,
            carrier: str) -> x509.Certificate:
    _centre_status(conn, request.centre_code)
    row = conn.execute(
        "SELECT id, expires_at, used_at FROM enrollment_token"
        " WHERE centre_code = %s AND token_digest = %s FOR UPDATE",
        (request.centre_code, token_digest(request.token or "")),
    ).fetchone()
    if row is None:
        raise PkiError("token_invalid",
                       tr("The enrollment token is not valid for this centre"))
    token_id, expires_at, used_at = row
    if used_at is not None:
        raise PkiError("token_used", tr("The enrollment token was already used"))
    if expires_at <= now:
        raise PkiError("token_expired", tr("The enrollment token has expired"))
    csr = check_centre_request(request.csr_der, request.centre_code)
    certificate = issue_centre_certificate(pki.issuing_key, pki.issuing_certificate, csr,
                                           request.centre_code, now)
    certificate = record_certificate(conn, certificate, request.centre_code, carrier, now)
    conn.execute("UPDATE enrollment_token SET used_at = %s WHERE id = %s", (now, token_id))
    # a reinstatement's token: its record says which certificate it led to
    conn.execute("UPDATE centre_reinstatement SET certificate_serial = %s, enrolled_at = %s"
                 " WHERE token_id = %s AND certificate_serial IS NULL",
                 (certificate.serial_number, now, token_id))
    conn.execute("UPDATE centre SET status = 'active' WHERE code = %s", (request.centre_code,))
    return certificate


def _renew(conn: Conn, pki: ScecPki, request: EnrollmentRequest,
           now: dt.datetime) -> x509.Certificate:
    _centre_status(conn, request.centre_code)
    row = conn.execute(
        "SELECT der, revoked_at FROM centre_certificate WHERE serial = %s AND centre_code = %s",
        (request.current_serial, request.centre_code),
    ).fetchone()
    if row is None:
        raise PkiError("certificate_unknown",
                       tr("The certificate to renew is not one the SCEC issued to this centre"))
    if row[1] is not None:
        raise PkiError("certificate_revoked", tr("The certificate to renew is revoked"))
    current = x509.load_der_x509_certificate(bytes(row[0]))
    verdict = verify_with_chain(request.proof or b"", request.csr_der, current,
                                pki.ca_certificates, None, now)
    if not verdict:
        raise PkiError("renewal_proof_invalid" if verdict.reason == "signature_invalid"
                       else f"certificate_{verdict.reason}", verdict.message)
    csr = check_centre_request(request.csr_der, request.centre_code)
    certificate = issue_centre_certificate(pki.issuing_key, pki.issuing_certificate, csr,
                                           request.centre_code, now)
    return record_certificate(conn, certificate, request.centre_code, "renew", now)
