-- Centre database: national queries, the centre's end (issue 15, docs/protocol.md §10).
--
-- A secretary or officer asks the SCEC for acts registered anywhere in the
-- country.  The question is recorded and audited HERE, by the database, before
-- anything leaves: ecr.national_query_ask checks the session and the
-- permission act.search_national (the SCEC checks the role again), writes the
-- hash-chained audit row (who, what, when) and returns the question's id,
-- which is the QUERY container's message id.  The transmitter's code (owner
-- role, it holds the centre's key) seals the question, sends it online or in
-- the next T2D export, and writes the verified answer into the row.  Reading an
-- answer is a read of personal data: ecr.national_query_result audits which
-- NIUs it showed to whom.
INSERT INTO ecr.permissions (role, action) VALUES
    ('secretary', 'act.search_national'), ('officer', 'act.search_national');

CREATE TABLE ecr.national_query (
    message_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    asked_by integer NOT NULL REFERENCES ecr.users (number),
    asked_by_name text NOT NULL,
    role text NOT NULL,
    workstation text,
    criteria jsonb NOT NULL CHECK (jsonb_typeof(criteria) = 'object'),
    asked_at timestamptz NOT NULL DEFAULT now(),
    data bytea,                      -- the sealed QUERY (written by the transmitter's code)
    sent_at timestamptz,             -- last publish or T2D export
    answered_at timestamptz,
    refusal text,                    -- the SCEC's: rate_limited, role_not_allowed
    found integer,                   -- acts matching in all (acts holds at most 20)
    acts jsonb,                      -- ecr-act/1 records, as the SCEC holds them
    centres jsonb,                   -- holding centre code -> name
    answer_data bytea                -- the QUERY_ANSWER container, as received
);
CREATE INDEX national_query_open ON ecr.national_query (asked_at) WHERE answered_at IS NULL;

CREATE FUNCTION ecr.national_query_ask(p_token uuid, p_criteria jsonb) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.search_national');
    id uuid;
BEGIN
    IF p_criteria IS NULL OR jsonb_typeof(p_criteria) <> 'object' OR p_criteria = '{}' THEN
        PERFORM _refuse('EC005', 'bad_search', 'criteria', '{"criterion": "criteria"}');
    END IF;
    INSERT INTO national_query (asked_by, asked_by_name, role, workstation, criteria)
    VALUES (a.number, a.name, a.role, a.workstation, p_criteria) RETURNING message_id INTO id;
    PERFORM _audit(a, 'act.search_national', NULL,
                   jsonb_build_object('query', id, 'criteria', p_criteria));
    RETURN id;
END $$;

CREATE FUNCTION ecr.national_query_result(p_token uuid, p_id uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.search_national');
    q national_query;
BEGIN
    SELECT * INTO q FROM national_query WHERE message_id = p_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF q.answered_at IS NOT NULL AND q.acts IS NOT NULL AND jsonb_array_length(q.acts) > 0 THEN
        PERFORM _audit(a, 'act.read_national', NULL, jsonb_build_object(
            'query', p_id,
            'acts', (SELECT jsonb_agg(x -> 'niu') FROM jsonb_array_elements(q.acts) x)));
    END IF;
    RETURN jsonb_build_object(
        'id', q.message_id, 'asked_by', q.asked_by_name, 'asked_at', q.asked_at,
        'criteria', q.criteria, 'sent_at', q.sent_at, 'answered_at', q.answered_at,
        'refusal', q.refusal, 'found', q.found, 'acts', coalesce(q.acts, '[]'),
        'centres', coalesce(q.centres, '{}'));
END $$;

CREATE FUNCTION ecr.national_queries(p_token uuid, p_limit integer DEFAULT 50)
RETURNS TABLE (id uuid, asked_by text, asked_at timestamptz, criteria jsonb,
               sent_at timestamptz, answered_at timestamptz, refusal text, found integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _actor(p_token, 'act.search_national');
    RETURN QUERY SELECT q.message_id, q.asked_by_name, q.asked_at, q.criteria, q.sent_at,
                        q.answered_at, q.refusal, q.found
                 FROM national_query q ORDER BY q.asked_at DESC
                 LIMIT least(greatest(coalesce(p_limit, 50), 1), 500);
END $$;

REVOKE ALL ON ecr.national_query FROM PUBLIC, ecr_app;
REVOKE ALL ON FUNCTION ecr.national_query_ask(uuid, jsonb),
    ecr.national_query_result(uuid, uuid), ecr.national_queries(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.national_query_ask(uuid, jsonb),
    ecr.national_query_result(uuid, uuid), ecr.national_queries(uuid, integer) TO ecr_app;
