-- Centre database: a reinstated centre seals its pending containers again (issue 15).
--
-- When the SCEC revokes a centre, everything the centre sends is quarantined;
-- after investigation the SCEC's administrator may reinstate it (xmserver centre
-- reinstate) and the centre enrolls again with a new key.  Its containers not yet
-- receipted must then reach the SCEC under the new key with the SAME sequence,
-- message id and content (a number the SCEC has seen never carries other
-- content).  The centre cannot open what it sealed for the SCEC, so the message
-- it signs (header and compressed body, protocol.md §3) is kept beside the sealed
-- bytes, with the identifier of the key that signed them.  The transmitter signs
-- the kept message again under the current key (resealed_at) before it sends.
--
-- Containers recorded before this migration have no message kept: they are left
-- as they are (they open at the SCEC as long as their key is not revoked).

ALTER TABLE ecr.tx_containers
    ADD COLUMN message bytea,
    ADD COLUMN signer_key_id bytea,
    ADD COLUMN resealed_at timestamptz;

-- The key the transmitter last sealed with: when it changes, the recorded sync
-- question and unanswered national queries (sealed under the old key) are
-- sealed again too, under their own message ids.
ALTER TABLE ecr.tx_state ADD COLUMN signer_key_id bytea;
