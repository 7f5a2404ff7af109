-- SCEC central database: what the SCEC sent a reinstated centre, sealed again (issue 15).
--
-- Every container the SCEC sends a centre is sealed for the centre's certificate
-- of the moment.  When a revoked centre is reinstated it enrolls with a NEW key
-- and keeps no old one: the receipts, answers, mentions and notices sealed for
-- the revoked certificate would never open there, and the receipts of acts
-- stored just before the revocation would never arrive.  So the message the SCEC
-- signs (header and compressed body, protocol.md §3) is kept beside the sealed
-- bytes, with the identifier of the key they are sealed for; when the centre's
-- certificate changes, what is still within the container age limit is sealed
-- again from the kept message (same sequence, message id and content) and
-- published again (resealed_at).
--
-- Containers queued before this migration have no message kept: they stay as
-- they are, and a T2D export leaves out what the centre's current key cannot open.

ALTER TABLE outgoing
    ADD COLUMN message          bytea,
    ADD COLUMN recipient_key_id bytea,
    ADD COLUMN resealed_at      timestamptz;
