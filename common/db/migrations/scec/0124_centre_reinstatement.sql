-- SCEC central database: reinstating a revoked centre (issue 15).
--
-- After investigation the SCEC's administrator may reinstate a revoked centre
-- (xmserver centre reinstate CODE --reason …): its certificates stay revoked for
-- ever (the revocation list is unchanged), the centre goes back to 'pending' and
-- gets a new one-time enrollment token; it enrolls again with a NEW key, and its
-- containers not yet receipted come again sealed under that key with the same
-- sequences and message ids.  Each reinstatement is kept: who, when, why, the
-- revocation it ends, the token, and the certificate it led to.

CREATE TABLE centre_reinstatement (
    id                  bigserial PRIMARY KEY,
    centre_code         text NOT NULL REFERENCES centre (code),
    revoked_at          timestamptz NOT NULL,
    revocation_reason   text,
    reinstated_at       timestamptz NOT NULL DEFAULT now(),
    reinstated_by       text NOT NULL CHECK (btrim(reinstated_by) <> ''),
    reason              text NOT NULL CHECK (btrim(reason) <> ''),
    token_id            bigint NOT NULL UNIQUE REFERENCES enrollment_token (id),
    certificate_serial  numeric(50, 0) REFERENCES centre_certificate (serial),
    enrolled_at         timestamptz,
    CHECK ((certificate_serial IS NULL) = (enrolled_at IS NULL))
);
CREATE INDEX centre_reinstatement_centre ON centre_reinstatement (centre_code, id);

-- A container quarantined because its signer is revoked is evidence: the SCEC
-- still checks its signature against the revoked certificate and keeps who
-- signed it and which number it carried (sender, sequence, message id, the
-- digest of its acts).  When the same number later arrives from the reinstated
-- centre's new certificate and is stored, the quarantined one is marked
-- superseded (by that message, under that reinstatement; same content or not),
-- never deleted.
ALTER TABLE quarantine
    ADD COLUMN sender           text,
    ADD COLUMN signer_serial    numeric(50, 0),
    ADD COLUMN sequence         bigint,
    ADD COLUMN message_id       uuid,
    ADD COLUMN body_sha256      bytea,
    ADD COLUMN superseded_at    timestamptz,
    ADD COLUMN superseded_by    uuid,
    ADD COLUMN superseded_same_content boolean,
    ADD COLUMN reinstatement_id bigint REFERENCES centre_reinstatement (id),
    ADD CHECK ((superseded_at IS NULL) = (superseded_by IS NULL));
CREATE INDEX quarantine_revoked_number ON quarantine (sender, sequence)
    WHERE sender IS NOT NULL AND superseded_at IS NULL;
