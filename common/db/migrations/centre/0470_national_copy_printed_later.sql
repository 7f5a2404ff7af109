-- Centre database: a copy of another centre's act prints from its own answer (issue 15).
--
-- A copy of an act held elsewhere is issued from the SCEC's answer stored here,
-- and only while that answer is recent (copies.national_answer_minutes), so
-- that it carries the latest mentions.  Printing it again later (the printer
-- jammed, the citizen comes back the next day) is not a new issue: it prints
-- the act exactly as the copy was issued, from the very answer the copy names
-- (copies.national_query), however old, and is audited as a national read.

CREATE FUNCTION ecr.copy_national_act(p_token uuid, p_receipt_year integer,
                                      p_receipt_serial integer) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'copy.issue');
    c copies;
    r record;
BEGIN
    PERFORM _permit(a.role, 'act.search_national');  -- as issuing it: a national read
    SELECT * INTO c FROM copies
    WHERE receipt_year = p_receipt_year AND receipt_serial = p_receipt_serial;
    IF NOT FOUND OR c.national_query IS NULL THEN
        PERFORM _refuse('EC004', 'national_copy_unknown', 'receipt', jsonb_build_object(
            'receipt', p_receipt_serial || ' / ' || p_receipt_year));
    END IF;
    SELECT * INTO r FROM _national_act(c.national_niu, c.national_query);
    PERFORM _audit(a, 'act.read_national', NULL, jsonb_build_object(
        'query', r.query, 'acts', jsonb_build_array(c.national_niu),
        'receipt', c.receipt_serial || ' / ' || c.receipt_year));
    RETURN jsonb_build_object('query', r.query, 'answered_at', r.answered_at, 'act', r.act,
                              'centre_name', r.centre_name);
END $$;

REVOKE ALL ON FUNCTION ecr.copy_national_act(uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.copy_national_act(uuid, integer, integer) TO ecr_app;
