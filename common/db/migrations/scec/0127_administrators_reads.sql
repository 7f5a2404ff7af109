-- SCEC central database: who read which acts at the SCEC itself (issue 15).
--
-- A centre's national query is logged at both ends (national_query here, the
-- centre's audit there).  The SCEC's own administrators read the national
-- register too (xmserver act show|history|search, duplicates show, conflicts
-- show): each such read is kept, with who (the operator named by --operator,
-- $XMSERVER_OPERATOR or the system login, and the database role), when, what
-- was asked and the NIUs it showed, so that `xmserver act history NIU` answers
-- "who saw this person's act" for the SCEC as for the centres.  Append-only.

CREATE TABLE admin_read (
    id          bigserial PRIMARY KEY,
    read_at     timestamptz NOT NULL DEFAULT now(),
    operator    text NOT NULL CHECK (btrim(operator) <> '' AND length(operator) <= 200),
    db_user     text NOT NULL DEFAULT session_user,
    action      text NOT NULL CHECK (action ~ '^[a-z_.]{1,40}$'),
    criteria    jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'object'),
    nius        text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX admin_read_niu ON admin_read USING gin (nius);

CREATE FUNCTION admin_read_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_read is append-only' USING ERRCODE = 'P0001',
        HINT = 'audit_append_only';
END $$;
CREATE TRIGGER admin_read_append_only BEFORE UPDATE OR DELETE ON admin_read
    FOR EACH ROW EXECUTE FUNCTION admin_read_append_only();
CREATE TRIGGER admin_read_no_truncate BEFORE TRUNCATE ON admin_read
    FOR EACH STATEMENT EXECUTE FUNCTION admin_read_append_only();

-- act history's "read by query": the answers that held a NIU, found without a scan
CREATE INDEX national_query_returned ON national_query USING gin (returned);
