-- Centre database, part 2: the append-only, hash-chained audit trail.
--
-- Every change, every read of an act's personal data and every copy issued is
-- written here by the API functions, never by a client.  An insert trigger
-- numbers each row (seq, gap-free) and chains it:
--     hash = sha256(previous row's hash || canonical content of this row)
-- under the row lock of ecr.audit_head, so concurrent writers keep one chain.
-- UPDATE, DELETE and TRUNCATE are refused by triggers (and no role but the
-- owner has any privilege); ecr._audit_verify recomputes the chain, so a row
-- removed or altered by someone able to bypass the triggers is detected.

CREATE TABLE ecr.audit_log (
    seq bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    user_number integer,
    workstation text,
    action text NOT NULL,
    act_id bigint,
    detail jsonb NOT NULL DEFAULT '{}',
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);
CREATE INDEX audit_log_act ON ecr.audit_log (act_id, seq) WHERE act_id IS NOT NULL;

CREATE TABLE ecr.audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO ecr.audit_head (seq, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- The canonical content of a row: a JSON array (unambiguous, and jsonb's text
-- form is deterministic), the time in UTC with microseconds.
CREATE FUNCTION ecr._audit_content(r ecr.audit_log) RETURNS bytea
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT convert_to(jsonb_build_array(
        r.seq,
        to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        r.user_number, r.workstation, r.action, r.act_id, r.detail)::text, 'UTF8')
$$;

CREATE FUNCTION ecr._audit_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    head record;
BEGIN
    -- FOR UPDATE waits for a concurrent writer and then sees its committed row.
    SELECT seq, hash INTO head FROM audit_head FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.at := clock_timestamp();
    NEW.detail := coalesce(NEW.detail, '{}');
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || _audit_content(NEW));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON ecr.audit_log
    FOR EACH ROW EXECUTE FUNCTION ecr._audit_chain();

CREATE FUNCTION ecr._audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    -- audit_head is updated by the chain trigger only (trigger depth 2).
    IF TG_TABLE_NAME = 'audit_head' AND TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
        RETURN NEW;
    END IF;
    PERFORM _refuse('EC007', 'audit_append_only');
    RETURN NULL;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ecr.audit_log
    FOR EACH ROW EXECUTE FUNCTION ecr._audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ecr.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ecr._audit_append_only();
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON ecr.audit_head
    FOR EACH ROW EXECUTE FUNCTION ecr._audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON ecr.audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION ecr._audit_append_only();

-- Who did it: the user and workstation of the API call (see ecr._actor in 0005).
CREATE TYPE ecr.actor AS (number integer, name text, role text, workstation text);

CREATE FUNCTION ecr._audit(a ecr.actor, p_action text, p_act_id bigint, p_detail jsonb)
RETURNS void LANGUAGE sql SET search_path = ecr, pg_temp AS $$
    INSERT INTO audit_log (seq, at, user_number, workstation, action, act_id, detail,
                           prev_hash, hash)
    VALUES (0, now(), a.number, a.workstation, p_action, p_act_id, coalesce(p_detail, '{}'),
            '\x', '\x');
$$;

-- Recompute the chain up to the head as it was when the check started.
CREATE FUNCTION ecr._audit_verify(OUT ok boolean, OUT rows_checked bigint,
                                  OUT first_broken_seq bigint, OUT reason text)
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    head record;
    r audit_log;
    running bytea := decode(repeat('00', 32), 'hex');
    expected bigint := 1;
BEGIN
    ok := true;
    rows_checked := 0;
    SELECT seq, hash INTO head FROM audit_head;
    FOR r IN SELECT * FROM audit_log WHERE seq <= head.seq ORDER BY seq LOOP
        IF r.seq <> expected THEN
            ok := false; first_broken_seq := expected; reason := 'missing_row'; RETURN;
        END IF;
        rows_checked := rows_checked + 1;
        IF r.prev_hash <> running THEN
            ok := false; first_broken_seq := r.seq; reason := 'broken_link'; RETURN;
        END IF;
        IF r.hash <> sha256(running || _audit_content(r)) THEN
            ok := false; first_broken_seq := r.seq; reason := 'altered_row'; RETURN;
        END IF;
        running := r.hash;
        expected := expected + 1;
    END LOOP;
    IF head.seq <> expected - 1 OR head.hash <> running THEN
        ok := false; first_broken_seq := expected; reason := 'tail_removed';
    END IF;
END $$;
