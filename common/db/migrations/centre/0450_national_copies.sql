-- Centre database: copies and extracts of acts held by other centres (issue 15).
--
-- DESIGN.md §1: a centre sees the whole country through the SCEC, and a person
-- born in Ziguinchor gets a copy of their birth act in Dakar.  The act comes
-- from the SCEC's signed, verified answer to a national question (ecr.national_
-- query, 0430): this database issues the copy from that answer, never from
-- anything a workstation sends, so a modified client cannot print an act the
-- SCEC did not answer.  The answer must be recent (copies.national_answer_
-- minutes, default one day: the copy must carry the mentions written since),
-- and the copy is counted, billed, numbered and audited like a copy of an act
-- held here (receipts share the centre's yearly series; copy numbers count
-- this centre's copies of that act, DUPLICATA from the 2nd).  The printed
-- document says which centre holds the act (the registration_centre value)
-- and carries this centre's signed code.
INSERT INTO ecr.settings (key, kind, value)
VALUES ('copies.national_answer_minutes', 'minutes', '1440');

ALTER TABLE ecr.copies
    ALTER COLUMN act_id DROP NOT NULL,
    ADD COLUMN national_niu text CHECK (national_niu ~ '^[0-9]{19}$'),
    ADD COLUMN national_query uuid REFERENCES ecr.national_query,
    ADD COLUMN holding_centre text CHECK (holding_centre ~ '^[0-9]{6}$'),
    ADD COLUMN holding_centre_name text,
    ADD CONSTRAINT copies_one_act CHECK ((act_id IS NULL) = (national_niu IS NOT NULL)),
    ADD CONSTRAINT copies_national_source CHECK (
        national_niu IS NULL OR (national_query IS NOT NULL AND holding_centre IS NOT NULL)),
    ADD CONSTRAINT copies_national_number UNIQUE (national_niu, kind, copy_number);

-- The act named by a copy of another centre's act must be in a SCEC answer,
-- whoever inserts the row (the owner role included).
CREATE OR REPLACE FUNCTION ecr._copy_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    st text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM _refuse('EC007', 'copy_immutable');
    END IF;
    IF NEW.act_id IS NULL THEN
        IF NOT EXISTS (SELECT 1 FROM national_query q, jsonb_array_elements(q.acts) x
                       WHERE q.message_id = NEW.national_query AND q.refusal IS NULL
                         AND x ->> 'niu' = NEW.national_niu
                         AND x ->> 'centre_code' = NEW.holding_centre) THEN
            PERFORM _refuse('EC004', 'national_act_unknown', 'act',
                            jsonb_build_object('niu', NEW.national_niu));
        END IF;
        RETURN NEW;
    END IF;
    SELECT status INTO st FROM acts WHERE id = NEW.act_id;
    IF NOT EXISTS (SELECT 1 FROM transitions WHERE action = 'issue_copy'
                   AND from_status = st) THEN
        PERFORM _refuse('EC003', 'transition_not_allowed', 'status',
                        jsonb_build_object('action', 'issue_copy', 'status', st));
    END IF;
    RETURN NEW;
END $$;

ALTER TYPE ecr.copy_row ADD ATTRIBUTE holding_centre text,
    ADD ATTRIBUTE holding_centre_name text, ADD ATTRIBUTE national_query uuid;

CREATE OR REPLACE FUNCTION ecr._copy_row(c ecr.copies) RETURNS ecr.copy_row
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT ROW(c.receipt_year, c.receipt_serial, c.act_id,
               coalesce((SELECT x.niu FROM acts x WHERE x.id = c.act_id), c.national_niu),
               c.kind, c.fee, c.currency, c.copy_number, c.requester, c.issued_by,
               c.issued_at, c.holding_centre, c.holding_centre_name,
               c.national_query)::copy_row
$$;

-- The newest usable answer of the SCEC that holds p_niu (p_query: that answer
-- only), or a refusal that says what to do.
CREATE FUNCTION ecr._national_act(p_niu text, p_query uuid)
RETURNS TABLE (query uuid, answered_at timestamptz, act jsonb, centre_name text)
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_niu IS NULL OR p_niu !~ '^[0-9]{19}$' THEN
        PERFORM _refuse('EC005', 'niu_format', 'act', jsonb_build_object('value', left(p_niu, 40)));
    END IF;
    RETURN QUERY
        SELECT q.message_id, q.answered_at, x, q.centres ->> (x ->> 'centre_code')
        FROM national_query q, jsonb_array_elements(q.acts) x
        WHERE q.answered_at IS NOT NULL AND q.refusal IS NULL AND x ->> 'niu' = p_niu
          AND (p_query IS NULL OR q.message_id = p_query)
        ORDER BY q.answered_at DESC LIMIT 1;
    IF NOT FOUND THEN
        PERFORM _refuse('EC004', 'national_act_unknown', 'act', jsonb_build_object('niu', p_niu));
    END IF;
END $$;

CREATE FUNCTION ecr._national_act_checked(p_niu text, p_query uuid)
RETURNS TABLE (query uuid, answered_at timestamptz, act jsonb, centre_name text)
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    r record;
    longest integer;
BEGIN
    SELECT * INTO r FROM _national_act(p_niu, p_query);
    IF r.act ->> 'centre_code' = (SELECT code FROM centre) THEN
        PERFORM _refuse('EC005', 'act_held_here', 'act', jsonb_build_object('niu', p_niu));
    END IF;
    SELECT (value #>> '{}')::integer INTO longest FROM settings
    WHERE key = 'copies.national_answer_minutes';
    IF r.answered_at < now() - make_interval(mins => coalesce(longest, 1440)) THEN
        PERFORM _refuse('EC005', 'national_answer_too_old', 'act', jsonb_build_object(
            'niu', p_niu, 'hours', round(coalesce(longest, 1440) / 60.0, 1)));
    END IF;
    query := r.query; answered_at := r.answered_at; act := r.act; centre_name := r.centre_name;
    RETURN NEXT;
END $$;

-- The act, as the SCEC answered it, to show and print (a read of personal data:
-- audited as the national answer's reads are).
CREATE FUNCTION ecr.national_act_show(p_token uuid, p_niu text, p_query uuid DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.search_national');
    r record;
BEGIN
    SELECT * INTO r FROM _national_act_checked(p_niu, p_query);
    PERFORM _audit(a, 'act.read_national', NULL,
                   jsonb_build_object('query', r.query, 'acts', jsonb_build_array(p_niu)));
    RETURN jsonb_build_object('query', r.query, 'answered_at', r.answered_at, 'act', r.act,
                              'centre_name', r.centre_name);
END $$;

CREATE FUNCTION ecr.copy_issue_national(p_token uuid, p_niu text, p_query uuid, p_kind text,
                                        p_requester text) RETURNS SETOF ecr.copy_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'copy.issue');
    r record;
    the_fee numeric;
    cur text;
    n integer;
    y integer := extract(year FROM current_date)::integer;
    c copies;
BEGIN
    PERFORM _permit(a.role, 'act.search_national');  -- the answer is a national read
    SELECT * INTO r FROM _national_act_checked(p_niu, p_query);
    SELECT amount INTO the_fee FROM fee_schedule WHERE kind = p_kind;
    IF the_fee IS NULL THEN
        PERFORM _refuse('EC005', 'bad_copy_kind', 'kind', jsonb_build_object('kind', p_kind));
    END IF;
    IF btrim(coalesce(p_requester, '')) = '' THEN
        PERFORM _refuse('EC005', 'required', 'requester');
    END IF;
    SELECT value #>> '{}' INTO cur FROM settings WHERE key = 'copies.currency';
    -- copies of one act are numbered one after the other, across workstations
    PERFORM pg_advisory_xact_lock(hashtext('ecr.copies.national'), hashtext(p_niu));
    SELECT coalesce(max(copy_number), 0) + 1 INTO n FROM copies
    WHERE national_niu = p_niu AND kind = p_kind;
    INSERT INTO copies (act_id, national_niu, national_query, holding_centre,
                        holding_centre_name, kind, requester, fee, currency, copy_number,
                        receipt_year, receipt_serial, issued_by, workstation)
    VALUES (NULL, p_niu, r.query, r.act ->> 'centre_code', r.centre_name, p_kind,
            left(btrim(p_requester), 200), the_fee, cur, n, y,
            _next_serial('receipt', '', y), a.number, a.workstation)
    RETURNING * INTO c;
    PERFORM _audit(a, 'copy.issue_national', NULL, jsonb_build_object(
        'niu', p_niu, 'query', r.query, 'holding_centre', c.holding_centre,
        'kind', p_kind, 'copy_number', n, 'receipt', c.receipt_serial || ' / ' || y,
        'fee', the_fee, 'requester', c.requester));
    RETURN NEXT _copy_row(c);
END $$;

REVOKE ALL ON ecr.copies FROM PUBLIC, ecr_app;
REVOKE ALL ON FUNCTION ecr._national_act(text, uuid), ecr._national_act_checked(text, uuid),
    ecr.national_act_show(uuid, text, uuid),
    ecr.copy_issue_national(uuid, text, uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.national_act_show(uuid, text, uuid),
    ecr.copy_issue_national(uuid, text, uuid, text, text) TO ecr_app;
