"""Centres enrolled at a test SCEC through the real enrollment path, sealing real containers."""

from __future__ import annotations

import dataclasses
import uuid

import psycopg

from common.pki import centre as centre_pki
from common.wire import batches
from common.wire.cms import RecipientKey
from common.wire.container import RecipientCertificate, SenderKey
from common.wire.corpus import MEASURE_SEED, realistic_records
from common.wire.trust import StaticDirectory
from xmserver.centres import add_centre
from xmserver.enrollment import handle_enrollment

CODE = "123456"
OTHER = "654321"


@dataclasses.dataclass
class Sender:
    identity: centre_pki.CentreIdentity

    @property
    def code(self) -> str:
        return self.identity.centre_code

    def key(self) -> SenderKey:
        return SenderKey(self.identity.key, self.identity.key_identifier)

    def to_scec(self) -> RecipientCertificate:
        return RecipientCertificate.of(self.identity.scec_encryption)

    def acts(self, records, sequence, **kw) -> tuple[uuid.UUID, bytes]:
        return batches.seal_act_batch(records, centre=self.code, sequence=sequence,
                                      sender=self.key(), recipient=self.to_scec(), **kw)

    def own_key(self) -> RecipientKey:
        i = self.identity
        return RecipientKey(i.key, i.key_identifier, i.certificate.issuer.public_bytes(),
                            i.certificate.serial_number)

    def receipt(self, data: bytes):
        directory = StaticDirectory.of([("SCEC", self.identity.scec_signing)])
        return batches.open_receipt(data, self.own_key(), directory,
                                    own_centre=self.code)[1]


def enroll(scec, tmp_path, code=CODE) -> Sender:
    keys = tmp_path / f"keys-{code}"
    centre_pki.create_centre_key(keys, code)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        token = add_centre(conn, code)
        response = handle_enrollment(conn, scec.pki,
                                     centre_pki.enrollment_request(keys, token).to_bytes())
    centre_pki.install_response(keys, response)
    return Sender(centre_pki.load_centre_identity(keys))


def records(n=5, code=CODE, seed=MEASURE_SEED):
    return realistic_records(n, seed=seed, centre_code=code)


