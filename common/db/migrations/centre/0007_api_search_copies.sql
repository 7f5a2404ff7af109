-- Centre database, part 7: the API for search and copies, and the grants.

-- A LIKE pattern matching strings that start with p (wildcards escaped).
CREATE FUNCTION ecr._prefix_pattern(p text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = ecr, pg_temp AS $$
    SELECT replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Search: every given criterion must match.  The query is built from the
-- criteria with format(%L) (values quoted, never spliced raw), name words are
-- matched on the indexed search keys of ecr.act_person_keys: prefix of the
-- normalised key, or (fuzzy) the same phonetic key.  One page of summaries,
-- newest first; the acts returned are written to the audit trail.
CREATE FUNCTION ecr.act_search(p_token uuid, p_query jsonb) RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.search');
    q jsonb := coalesce(p_query, '{}');
    conds text[] := ARRAY['true'];
    crit record;
    w jsonb;
    fuzzy boolean := coalesce((q ->> 'fuzzy')::boolean, false);
    lim integer := greatest(1, least(coalesce((q ->> 'limit')::integer, 20), 200));
    off integer := greatest(0, coalesce((q ->> 'offset')::integer, 0));
    s act_summary;
    ids bigint[] := '{}';
BEGIN
    IF jsonb_typeof(q) <> 'object' THEN
        PERFORM _refuse('EC005', 'bad_search', 'criteria', '{"criterion": "criteria"}');
    END IF;
    IF q ? 'niu' THEN
        conds := conds || format('a.niu = %L', q ->> 'niu');
    END IF;
    IF q ? 'register_serial' THEN
        conds := conds || format('a.register_serial = %s AND a.register_year = %s',
                                 (q ->> 'register_serial')::integer,
                                 (q ->> 'register_year')::integer);
    END IF;
    IF q ? 'event_type' THEN
        conds := conds || format('a.event_type = %L', q ->> 'event_type');
    END IF;
    IF q ? 'status' THEN
        conds := conds || format('a.status = %L', q ->> 'status');
    END IF;
    IF q ? 'occurred_from' THEN
        conds := conds || format('a.occurred_on >= %L::date', (q ->> 'occurred_from')::date);
    END IF;
    IF q ? 'occurred_to' THEN
        conds := conds || format('a.occurred_on <= %L::date', (q ->> 'occurred_to')::date);
    END IF;
    IF q ? 'registered_from' THEN
        conds := conds || format('a.registered_on >= %L::date', (q ->> 'registered_from')::date);
    END IF;
    IF q ? 'registered_to' THEN
        conds := conds || format('a.registered_on <= %L::date', (q ->> 'registered_to')::date);
    END IF;
    FOR crit IN SELECT * FROM (VALUES ('surname', 'principal', '{surname}'),
                                      ('given_names', 'principal', '{given}'),
                                      ('parent_name', 'parent', '{surname,given}'))
                AS c(name, role, parts) LOOP
        CONTINUE WHEN NOT q ? crit.name;
        IF jsonb_typeof(q -> crit.name) <> 'array' OR jsonb_array_length(q -> crit.name) > 8 THEN
            PERFORM _refuse('EC005', 'bad_search', crit.name,
                            jsonb_build_object('criterion', crit.name));
        END IF;
        FOR w IN SELECT jsonb_array_elements(q -> crit.name) LOOP
            CONTINUE WHEN coalesce(w ->> 'key', '') = '';
            conds := conds || format(
                'a.id IN (SELECT k.act_id FROM act_person_keys k WHERE k.role = %L'
                ' AND k.part = ANY (%L::text[]) AND (k.key LIKE %L%s))',
                crit.role, crit.parts, _prefix_pattern(w ->> 'key'),
                CASE WHEN fuzzy AND coalesce(w ->> 'phonetic', '') <> ''
                     THEN format(' OR k.phonetic = %L', w ->> 'phonetic') ELSE '' END);
        END LOOP;
    END LOOP;
    FOR s IN EXECUTE format(
            'SELECT a.id, a.event_type, a.status, a.register_year, a.register_serial, a.niu,'
            ' a.summary, a.occurred_on, a.registered_on FROM acts a WHERE %s'
            ' ORDER BY a.id DESC LIMIT %s OFFSET %s',
            array_to_string(conds, ' AND '), lim, off) LOOP
        ids := ids || s.id;
        RETURN NEXT s;
    END LOOP;
    PERFORM _audit(a, 'act.search', NULL, jsonb_build_object('criteria', q, 'acts', ids));
END $$;

-- ------------------------------------------------------------------- copies
CREATE TYPE ecr.copy_row AS (
    receipt_year integer, receipt_serial integer, act_id bigint, niu text, kind text,
    fee numeric, currency text, copy_number integer, requester text, issued_by integer,
    issued_at timestamptz);

CREATE FUNCTION ecr._copy_row(c ecr.copies) RETURNS ecr.copy_row
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT ROW(c.receipt_year, c.receipt_serial, c.act_id,
               (SELECT x.niu FROM acts x WHERE x.id = c.act_id), c.kind, c.fee, c.currency,
               c.copy_number, c.requester, c.issued_by, c.issued_at)::copy_row
$$;

CREATE FUNCTION ecr.copy_issue(p_token uuid, p_id bigint, p_niu text, p_kind text,
                               p_requester text) RETURNS SETOF ecr.copy_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'copy.issue');
    r acts := _find_act(p_id, p_niu, true);
    st text := _transition('issue_copy', r.status);
    the_fee numeric;
    cur text;
    n integer;
    y integer := extract(year FROM current_date)::integer;
    c copies;
BEGIN
    SELECT amount INTO the_fee FROM fee_schedule WHERE kind = p_kind;
    IF the_fee IS NULL THEN
        PERFORM _refuse('EC005', 'bad_copy_kind', 'kind', jsonb_build_object('kind', p_kind));
    END IF;
    IF btrim(coalesce(p_requester, '')) = '' THEN
        PERFORM _refuse('EC005', 'required', 'requester');
    END IF;
    SELECT value #>> '{}' INTO cur FROM settings WHERE key = 'copies.currency';
    -- The act row is locked: copies of one act are numbered one after the other.
    SELECT coalesce(max(copy_number), 0) + 1 INTO n FROM copies
    WHERE act_id = r.id AND kind = p_kind;
    INSERT INTO copies (act_id, kind, requester, fee, currency, copy_number, receipt_year,
                        receipt_serial, issued_by, workstation)
    VALUES (r.id, p_kind, left(btrim(p_requester), 200), the_fee, cur, n, y,
            _next_serial('receipt', '', y), a.number, a.workstation)
    RETURNING * INTO c;
    PERFORM _audit(a, 'copy.issue', r.id, jsonb_build_object(
        'kind', p_kind, 'copy_number', n, 'receipt', c.receipt_serial || ' / ' || y,
        'fee', the_fee, 'requester', c.requester));
    RETURN NEXT _copy_row(c);
END $$;

CREATE FUNCTION ecr.copy_takings(p_token uuid, p_day date) RETURNS SETOF ecr.copy_row
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'copy.takings');
BEGIN
    RETURN QUERY SELECT (_copy_row(c)).* FROM copies c
        WHERE c.issued_at >= p_day::timestamptz AND c.issued_at < (p_day + 1)::timestamptz
        ORDER BY c.receipt_year, c.receipt_serial;
    PERFORM _audit(a, 'copy.takings', NULL, jsonb_build_object('day', p_day));
END $$;

-- --------------------------------------------------- transmitter (owner side)
-- The transmitter runs on the centre's server with the owner role; these are
-- not granted to ecr_app.
CREATE FUNCTION ecr.mark_transmitted(p_act_id bigint) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    r acts := _find_act(p_act_id, NULL, true);
BEGIN
    IF r.status = 'validated' THEN
        UPDATE acts SET status = _transition('transmit', r.status), transmitted_at = now()
        WHERE id = r.id;
        PERFORM _audit(ROW(NULL, NULL, NULL, 'transmitter')::actor, 'act.transmit', r.id, '{}');
    END IF;
END $$;

CREATE FUNCTION ecr.mark_acknowledged(p_niu text) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    r acts := _find_act(NULL, p_niu, true);
BEGIN
    IF r.status = 'validated' THEN
        PERFORM mark_transmitted(r.id);
        r.status := 'transmitted';
    END IF;
    IF r.status = 'transmitted' THEN
        UPDATE acts SET status = _transition('acknowledge', r.status), acknowledged_at = now()
        WHERE id = r.id;
        PERFORM _audit(ROW(NULL, NULL, NULL, 'transmitter')::actor, 'act.acknowledge', r.id,
                       '{}');
    END IF;
END $$;

-- A mention routed by the SCEC for an act held here (idempotent).
CREATE FUNCTION ecr.receive_mention(p_niu text, p_kind text, p_text text, p_source_niu text,
                                    p_event_date date, p_decision_date date,
                                    p_reference text) RETURNS boolean
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    r acts := _find_act(NULL, p_niu, true);
    m mentions;
BEGIN
    m := _add_mention(ROW(NULL, NULL, NULL, 'scec')::actor, r, p_kind, p_text, p_decision_date,
                      p_reference, p_source_niu, p_event_date);
    RETURN m.id IS NOT NULL;
END $$;

-- ------------------------------------------------------------------- grants
-- ecr_app owns nothing and may only call the API; no table privilege at all.
REVOKE ALL ON ALL TABLES IN SCHEMA ecr FROM PUBLIC, ecr_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA ecr FROM PUBLIC, ecr_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ecr FROM PUBLIC, ecr_app;
GRANT EXECUTE ON FUNCTION
    ecr.centre_identity(),
    ecr.centre_set_name(uuid, text),
    ecr.login_parameters(integer),
    ecr.open_session(integer, bytea, text),
    ecr.close_session(uuid),
    ecr.whoami(uuid),
    ecr.user_add(uuid, integer, text, text, integer, bytea, jsonb, bytea),
    ecr.user_list(uuid),
    ecr.user_set_privilege(uuid, integer, integer),
    ecr.user_set_password(uuid, integer, bytea, jsonb, bytea),
    ecr.user_unlock(uuid, integer),
    ecr.settings_all(uuid),
    ecr.setting_set(uuid, text, jsonb),
    ecr.fee_schedule(uuid),
    ecr.fee_set(uuid, text, numeric),
    ecr.audit_verify(uuid),
    ecr.act_draft(uuid, text, jsonb, jsonb),
    ecr.act_update_draft(uuid, bigint, jsonb, jsonb),
    ecr.act_event_type(uuid, bigint),
    ecr.act_find_duplicates(uuid, text, text, date, text),
    ecr.act_verify(uuid, bigint),
    ecr.act_reject(uuid, bigint, text),
    ecr.act_validate(uuid, bigint),
    ecr.act_add_mention(uuid, bigint, text, text, text, date, text),
    ecr.act_show(uuid, bigint, text),
    ecr.act_history(uuid, bigint, text),
    ecr.act_queue(uuid, text, integer, integer),
    ecr.act_queue_counts(uuid),
    ecr.act_search(uuid, jsonb),
    ecr.copy_issue(uuid, bigint, text, text, text),
    ecr.copy_takings(uuid, date)
TO ecr_app;
