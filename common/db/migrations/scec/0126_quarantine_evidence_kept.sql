-- SCEC central database: a revoked signer's containers are evidence, never purged (issue 15).
--
-- ``xmserver quarantine purge`` forgets refused bytes (damaged files, replays,
-- unknown senders).  A container whose signature verified against a REVOKED
-- certificate of a centre is different: it is what the investigation of that
-- centre rests on, what a reinstatement's "superseded" marks point at, and
-- what a court may ask for.  The purge leaves it alone, and the database
-- refuses to delete it whoever asks (the application's role, a script, an
-- administrator's psql session through that role).  Keeping the bytes costs
-- little: a revoked centre sends a handful of containers before it learns.

CREATE FUNCTION quarantine_keep_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sender IS NOT NULL THEN
        RAISE EXCEPTION 'quarantine %: evidence of a revoked signer (%), never deleted',
            OLD.id, OLD.sender USING ERRCODE = 'P0001', HINT = 'evidence_kept';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER quarantine_keep_evidence BEFORE DELETE ON quarantine
    FOR EACH ROW EXECUTE FUNCTION quarantine_keep_evidence();
