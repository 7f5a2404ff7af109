"""The SCEC's signer directory and replay guard, backed by the central database.

``DatabaseDirectory`` answers the container opener's two questions (who holds
this key identifier; was this message already accepted) from the tables the
enrollment and revocation commands maintain.  ``claim`` records an accepted
container inside the caller's ingest transaction: the primary key on
(sender, sequence) and the unique message id make the database, not any
worker's memory, the judge of replays, so N stateless workers agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from cryptography import x509

from common.wire.errors import ContainerRefused
from common.wire.message import Header
from common.wire.trust import Signer
from xmserver.centres import Conn


@dataclass
class DatabaseDirectory:
    conn: Conn

    def find_signer(self, key_identifier: bytes | None, issuer_der: bytes | None,
                    serial: int | None) -> Signer | None:
        if key_identifier is not None:
            row = self.conn.execute(
                "SELECT cc.centre_code, cc.der, cc.revoked_at IS NOT NULL OR c.status = 'revoked'"
                " FROM centre_certificate cc JOIN centre c ON c.code = cc.centre_code"
                " WHERE cc.key_identifier = %s", (key_identifier,)).fetchone()
        elif serial is not None:
            row = self.conn.execute(
                "SELECT cc.centre_code, cc.der, cc.revoked_at IS NOT NULL OR c.status = 'revoked'"
                " FROM centre_certificate cc JOIN centre c ON c.code = cc.centre_code"
                " WHERE cc.serial = %s", (serial,)).fetchone()
        else:
            return None
        if row is None:
            return None
        certificate = x509.load_der_x509_certificate(bytes(row[1]))
        if issuer_der is not None and certificate.issuer.public_bytes() != issuer_der:
            return None
        return Signer(str(row[0]), certificate, bool(row[2]))

    def already_seen(self, sender: str, sequence: int, message_id: uuid.UUID) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM seen_message WHERE (sender = %s AND sequence = %s)"
            " OR message_id = %s LIMIT 1", (sender, sequence, message_id)).fetchone()
        return row is not None


def claim(conn: Conn, header: Header) -> None:
    """Record an accepted container; raise ``ContainerRefused('replay')`` if it was already.

    Call inside the transaction that stores the container's content, so that a
    worker killed mid-way leaves neither the content nor the claim.
    """
    created = dt.datetime.fromtimestamp(header.created, dt.UTC)
    sender = header.centre if header.kind.from_centre else "SCEC"
    row = conn.execute(
        "INSERT INTO seen_message (sender, sequence, message_id, created_at)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
        (sender, header.sequence, header.message_id, created)).fetchone()
    if row is None:
        raise ContainerRefused("replay", f"sequence {header.sequence}")


def prune_seen(conn: Conn, older_than: dt.datetime) -> int:
    """Forget messages created before ``older_than`` (they would be refused as too old)."""
    cur = conn.execute("DELETE FROM seen_message WHERE created_at < %s", (older_than,))
    return cur.rowcount
