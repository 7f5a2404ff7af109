-- Centre database, part 6: the API for acts (draft, verify, reject, validate,
-- mentions, reading, work queues, search) and copies.
--
-- Each function checks the session and role (ecr._actor), the transition
-- (ecr._transition over ecr.transitions), writes what it changes and an audit
-- row in the same transaction.  Reads of personal data are audited too.

CREATE TYPE ecr.act_summary AS (
    id bigint, event_type text, status text, register_year integer, register_serial integer,
    niu text, summary jsonb, occurred_on date, registered_on date);

CREATE FUNCTION ecr._summary_of(r ecr.acts) RETURNS ecr.act_summary
LANGUAGE sql IMMUTABLE SET search_path = ecr, pg_temp AS $$
    SELECT ROW(r.id, r.event_type, r.status, r.register_year, r.register_serial, r.niu,
               r.summary, r.occurred_on, r.registered_on)::act_summary
$$;

CREATE FUNCTION ecr._centre_code() RETURNS text
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    c text;
BEGIN
    SELECT code INTO c FROM centre;
    IF c IS NULL THEN
        PERFORM _refuse('EC008', 'not_initialised');
    END IF;
    RETURN c;
END $$;

-- Find an act by id or NIU; p_lock locks it for the rest of the transaction.
CREATE FUNCTION ecr._find_act(p_id bigint, p_niu text, p_lock boolean) RETURNS ecr.acts
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    r acts;
BEGIN
    IF p_lock THEN
        SELECT * INTO r FROM acts WHERE (p_id IS NOT NULL AND id = p_id)
            OR (p_id IS NULL AND niu = p_niu) FOR NO KEY UPDATE;
    ELSE
        SELECT * INTO r FROM acts WHERE (p_id IS NOT NULL AND id = p_id)
            OR (p_id IS NULL AND niu = p_niu);
    END IF;
    IF r.id IS NULL THEN
        PERFORM _refuse('EC004', 'act_not_found', 'act',
                        jsonb_build_object('ref', coalesce(p_id::text, p_niu)));
    END IF;
    RETURN r;
END $$;

CREATE FUNCTION ecr._store_person_keys(p_act bigint, p_keys jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_keys IS NOT NULL AND (jsonb_typeof(p_keys) <> 'array' OR jsonb_array_length(p_keys) > 400)
    THEN
        PERFORM _refuse('EC005', 'bad_derived', 'person_keys');
    END IF;
    DELETE FROM act_person_keys WHERE act_id = p_act;
    INSERT INTO act_person_keys (act_id, role, part, key, phonetic)
    SELECT p_act, k ->> 'role', k ->> 'part', left(k ->> 'key', 100),
           left(coalesce(k ->> 'phonetic', ''), 100)
    FROM jsonb_array_elements(coalesce(p_keys, '[]')) AS k
    WHERE coalesce(k ->> 'key', '') <> '';
END $$;

CREATE FUNCTION ecr._check_draft_input(p_event_type text, p_data jsonb, p_derived jsonb)
RETURNS void LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM event_types WHERE key = p_event_type) THEN
        PERFORM _refuse('EC005', 'bad_event_type', 'type',
                        jsonb_build_object('event_type', p_event_type));
    END IF;
    IF p_data IS NULL OR jsonb_typeof(p_data) <> 'object' THEN
        PERFORM _refuse('EC005', 'bad_data', 'data');
    END IF;
    IF p_derived IS NULL OR jsonb_typeof(p_derived) <> 'object'
       OR jsonb_typeof(coalesce(p_derived -> 'summary', '{}')) <> 'object'
       OR coalesce(p_derived ->> 'timeliness', 'current') NOT IN ('current', 'late', 'delayed')
    THEN
        PERFORM _refuse('EC005', 'bad_derived', 'data');
    END IF;
END $$;

-- ------------------------------------------------------------------ drafting
CREATE FUNCTION ecr.act_draft(p_token uuid, p_event_type text, p_data jsonb, p_derived jsonb,
                              OUT id bigint, OUT register_year integer,
                              OUT register_serial integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a actor := _actor(p_token, 'act.draft');
    st text := _transition('draft', 'new');
    y integer := extract(year FROM current_date)::integer;
    serial integer;
    new_id bigint;
BEGIN
    PERFORM _check_draft_input(p_event_type, p_data, p_derived);
    serial := _next_serial('register', p_event_type, y);
    INSERT INTO acts (event_type, status, register_year, register_serial, data, summary,
                      occurred_on, registered_on, timeliness, principal_key, principal_date,
                      mother_key, drafted_by)
    VALUES (p_event_type, st, y, serial, p_data, coalesce(p_derived -> 'summary', '{}'),
            (p_derived ->> 'occurred_on')::date, current_date, p_derived ->> 'timeliness',
            p_derived ->> 'principal_key', (p_derived ->> 'principal_date')::date,
            p_derived ->> 'mother_key', a.number)
    RETURNING acts.id INTO new_id;
    PERFORM _store_person_keys(new_id, p_derived -> 'person_keys');
    PERFORM _audit(a, 'act.draft', new_id, jsonb_build_object(
        'event_type', p_event_type, 'register', serial || ' / ' || y));
    id := new_id; register_year := y; register_serial := serial;
END $$;

CREATE FUNCTION ecr.act_update_draft(p_token uuid, p_id bigint, p_data jsonb, p_derived jsonb,
                                     OUT id bigint, OUT register_year integer,
                                     OUT register_serial integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a actor := _actor(p_token, 'act.update_draft');
    r acts := _find_act(p_id, NULL, true);
    st text;
BEGIN
    IF r.drafted_by <> a.number THEN
        PERFORM _refuse('EC002', 'not_own_draft', 'act');
    END IF;
    st := _transition('update_draft', r.status);
    PERFORM _check_draft_input(r.event_type, p_data, p_derived);
    PERFORM _store_person_keys(r.id, p_derived -> 'person_keys');
    UPDATE acts SET data = p_data, summary = coalesce(p_derived -> 'summary', '{}'),
        occurred_on = (p_derived ->> 'occurred_on')::date,
        timeliness = p_derived ->> 'timeliness', principal_key = p_derived ->> 'principal_key',
        principal_date = (p_derived ->> 'principal_date')::date,
        mother_key = p_derived ->> 'mother_key', status = st, updated_at = now()
    WHERE acts.id = r.id;
    PERFORM _audit(a, CASE WHEN r.status = 'rejected' THEN 'act.resubmit'
                           ELSE 'act.update_draft' END, r.id, '{}');
    id := r.id; register_year := r.register_year; register_serial := r.register_serial;
END $$;

CREATE FUNCTION ecr.act_event_type(p_token uuid, p_id bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, NULL);
BEGIN
    RETURN (_find_act(p_id, NULL, false)).event_type;
END $$;

-- Acts of the same type with the same principal person (VITAL_EVENTS.md §3):
-- same name key, date within ±3 days, same mother (births).
CREATE FUNCTION ecr.act_find_duplicates(p_token uuid, p_event_type text, p_principal_key text,
                                        p_principal_date date, p_mother_key text)
RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.draft');
    ids bigint[];
BEGIN
    RETURN QUERY SELECT (_summary_of(x)).* FROM acts x
        WHERE x.event_type = p_event_type AND x.principal_key = p_principal_key
          AND (p_principal_date IS NULL OR x.principal_date
               BETWEEN p_principal_date - 3 AND p_principal_date + 3)
          AND (p_mother_key IS NULL OR x.mother_key = p_mother_key)
        ORDER BY x.id LIMIT 20;
    SELECT array_agg(x.id) INTO ids FROM (
        SELECT x.id FROM acts x
        WHERE x.event_type = p_event_type AND x.principal_key = p_principal_key
          AND (p_principal_date IS NULL OR x.principal_date
               BETWEEN p_principal_date - 3 AND p_principal_date + 3)
          AND (p_mother_key IS NULL OR x.mother_key = p_mother_key)
        ORDER BY x.id LIMIT 20) x;
    IF ids IS NOT NULL THEN
        PERFORM _audit(a, 'act.duplicates_read', NULL, jsonb_build_object('acts', ids));
    END IF;
END $$;

-- ----------------------------------------------------------------- workflow
-- The secretary verifies: the NIU is assigned here (kept if the act was
-- verified before and rejected since), its serial per year from a locked
-- counter row, so concurrent verifications never collide nor skip.
CREATE FUNCTION ecr.act_verify(p_token uuid, p_id bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.verify');
    r acts := _find_act(p_id, NULL, true);
    st text := _transition('verify', r.status);
    serial integer;
    the_niu text := r.niu;
BEGIN
    IF the_niu IS NULL THEN
        serial := _next_serial('niu', '', r.register_year);
        IF serial > 9999999 THEN
            PERFORM _refuse('EC006', 'niu_serials_exhausted', 'niu');
        END IF;
        the_niu := niu_make(_centre_code(), r.register_year, serial);
    END IF;
    UPDATE acts SET status = st, niu = the_niu, verified_by = a.number, verified_at = now(),
                    updated_at = now()
    WHERE id = r.id;
    PERFORM _audit(a, 'act.verify', r.id, jsonb_build_object('niu', the_niu));
    RETURN the_niu;
END $$;

CREATE FUNCTION ecr.act_reject(p_token uuid, p_id bigint, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.reject');
    r acts := _find_act(p_id, NULL, true);
    st text := _transition('reject', r.status);
BEGIN
    IF btrim(coalesce(p_reason, '')) = '' THEN
        PERFORM _refuse('EC005', 'reason_required', 'reason');
    END IF;
    UPDATE acts SET status = st, rejected_by = a.number, rejected_at = now(),
                    rejection_reason = left(btrim(p_reason), 2000), updated_at = now()
    WHERE id = r.id;
    PERFORM _audit(a, 'act.reject', r.id, jsonb_build_object('reason', btrim(p_reason),
                                                            'from', r.status));
END $$;

-- What the SCEC receives for a validated act.
CREATE FUNCTION ecr._act_envelope(r ecr.acts) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT jsonb_build_object(
        'niu', r.niu, 'event_type', r.event_type, 'centre_code', _centre_code(),
        'register_year', r.register_year, 'register_serial', r.register_serial,
        'registered_on', r.registered_on, 'occurred_on', r.occurred_on,
        'timeliness', r.timeliness, 'validated_at', r.validated_at,
        'validated_by', r.validated_by, 'data', r.data)
$$;

CREATE FUNCTION ecr._mention_json(m ecr.mentions) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT jsonb_build_object(
        'id', m.id, 'kind', m.kind, 'text', m.text,
        'court_decision_date', m.court_decision_date, 'court_reference', m.court_reference,
        'source_niu', m.source_niu, 'event_date', m.event_date, 'created_by', m.created_by,
        'created_at', m.created_at)
$$;

-- Write a mention on an act held here, queue it for the SCEC, audit it.
CREATE FUNCTION ecr._add_mention(a ecr.actor, target ecr.acts, p_kind text, p_text text,
                                 p_decision_date date, p_reference text, p_source_niu text,
                                 p_event_date date) RETURNS ecr.mentions
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    m mentions;
BEGIN
    INSERT INTO mentions (act_id, kind, text, court_decision_date, court_reference,
                          source_niu, event_date, created_by)
    VALUES (target.id, p_kind, nullif(btrim(coalesce(p_text, '')), ''), p_decision_date,
            nullif(btrim(coalesce(p_reference, '')), ''), p_source_niu, p_event_date, a.number)
    ON CONFLICT (act_id, kind, source_niu) WHERE source_niu IS NOT NULL DO NOTHING
    RETURNING * INTO m;
    IF m.id IS NULL THEN
        RETURN NULL;  -- already there
    END IF;
    INSERT INTO outbox (kind, act_id, niu, target_centre, payload)
    VALUES ('mention', target.id, target.niu, substr(target.niu, 1, 6),
            _mention_json(m) || jsonb_build_object('niu', target.niu));
    PERFORM _audit(a, 'act.mention', target.id, jsonb_build_object(
        'mention', m.id, 'kind', p_kind, 'source_niu', p_source_niu));
    RETURN m;
END $$;

-- The officer validates: the act becomes immutable (ecr._act_guard), its outbox
-- entry is written in this same transaction, and the earlier acts it links by
-- NIU get their mention (held here) or a routed mention (held elsewhere).
CREATE FUNCTION ecr.act_validate(p_token uuid, p_id bigint, OUT niu text,
                                 OUT mentions_added integer, OUT mentions_queued integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a actor := _actor(p_token, 'act.validate');
    r acts := _find_act(p_id, NULL, true);
    st text := _transition('validate', r.status);
    link record;
    linked text;
    target acts;
    m mentions;
BEGIN
    mentions_added := 0;
    mentions_queued := 0;
    UPDATE acts SET status = st, validated_by = a.number, validated_at = now(),
                    updated_at = now()
    WHERE id = r.id RETURNING * INTO r;
    INSERT INTO outbox (kind, act_id, niu, target_centre, payload)
    VALUES ('act', r.id, r.niu, _centre_code(), _act_envelope(r));
    PERFORM _audit(a, 'act.validate', r.id, jsonb_build_object('niu', r.niu));
    FOR link IN SELECT ml.mention_kind, v.value
                FROM mention_links ml, jsonb_path_query(r.data, ml.path::jsonpath) AS v(value)
                WHERE ml.event_type = r.event_type LOOP
        linked := link.value #>> '{}';
        CONTINUE WHEN linked IS NULL OR linked !~ '^[0-9]{19}$' OR linked = r.niu;
        SELECT * INTO target FROM acts x WHERE x.niu = linked FOR NO KEY UPDATE;
        IF target.id IS NOT NULL AND target.status IN ('validated', 'transmitted', 'acknowledged')
        THEN
            m := _add_mention(a, target, link.mention_kind, NULL, NULL, NULL, r.niu, r.occurred_on);
            IF m.id IS NOT NULL THEN
                mentions_added := mentions_added + 1;
            END IF;
        ELSE
            -- Held elsewhere (or not validated here): routed through the SCEC.
            INSERT INTO outbox (kind, act_id, niu, target_centre, payload)
            VALUES ('mention', r.id, linked, substr(linked, 1, 6), jsonb_build_object(
                'niu', linked, 'kind', link.mention_kind, 'source_niu', r.niu,
                'event_date', r.occurred_on, 'text', NULL));
            mentions_queued := mentions_queued + 1;
        END IF;
        target := NULL;
    END LOOP;
    niu := r.niu;
END $$;

CREATE FUNCTION ecr.act_add_mention(p_token uuid, p_id bigint, p_niu text, p_kind text,
                                    p_text text, p_decision_date date, p_reference text,
                                    OUT mention jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.mention');
    r acts := _find_act(p_id, p_niu, true);
    st text := _transition('mention', r.status);
    m mentions;
BEGIN
    IF btrim(coalesce(p_text, '')) = '' THEN
        PERFORM _refuse('EC005', 'text_required', 'text');
    END IF;
    IF p_kind = 'rectification' AND p_decision_date IS NULL THEN
        PERFORM _refuse('EC005', 'court_decision_required', 'court_decision_date');
    END IF;
    IF p_kind = 'rectification' AND btrim(coalesce(p_reference, '')) = '' THEN
        PERFORM _refuse('EC005', 'court_decision_required', 'court_reference');
    END IF;
    IF p_kind IS NULL OR p_kind NOT IN ('rectification', 'marriage', 'divorce', 'annulment',
            'judicial_separation', 'death', 'recognition', 'adoption', 'legitimation', 'other')
    THEN
        PERFORM _refuse('EC005', 'bad_mention_kind', 'kind', jsonb_build_object('kind', p_kind));
    END IF;
    IF p_decision_date > current_date THEN
        PERFORM _refuse('EC005', 'date_in_future', 'court_decision_date');
    END IF;
    m := _add_mention(a, r, p_kind, p_text, p_decision_date, p_reference, NULL, NULL);
    mention := _mention_json(m);
END $$;

-- ------------------------------------------------------------------ reading
CREATE FUNCTION ecr._act_json(r ecr.acts) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'event_type', r.event_type, 'status', r.status,
        'register_year', r.register_year, 'register_serial', r.register_serial,
        'niu', r.niu, 'timeliness', r.timeliness, 'registered_on', r.registered_on,
        'occurred_on', r.occurred_on, 'data', r.data, 'summary', r.summary,
        'drafted_by', r.drafted_by, 'drafted_at', r.drafted_at,
        'verified_by', r.verified_by, 'verified_at', r.verified_at,
        'validated_by', r.validated_by, 'validated_at', r.validated_at,
        'rejected_by', r.rejected_by, 'rejected_at', r.rejected_at,
        'rejection_reason', r.rejection_reason,
        'transmitted_at', r.transmitted_at, 'acknowledged_at', r.acknowledged_at,
        'mentions', coalesce((SELECT jsonb_agg(_mention_json(m) ORDER BY m.id)
                              FROM mentions m WHERE m.act_id = r.id), '[]'))
$$;

CREATE FUNCTION ecr.act_show(p_token uuid, p_id bigint, p_niu text) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.show');
    r acts := _find_act(p_id, p_niu, false);
BEGIN
    PERFORM _audit(a, 'act.show', r.id, '{}');
    RETURN _act_json(r);
END $$;

CREATE FUNCTION ecr.act_history(p_token uuid, p_id bigint, p_niu text)
RETURNS TABLE (seq bigint, at timestamptz, user_number integer, workstation text,
               action text, act_id bigint, detail jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a actor := _actor(p_token, 'act.history');
    r acts := _find_act(p_id, p_niu, false);
BEGIN
    RETURN QUERY SELECT l.seq, l.at, l.user_number, l.workstation, l.action, l.act_id, l.detail
                 FROM audit_log l WHERE l.act_id = r.id ORDER BY l.seq;
    PERFORM _audit(a, 'act.history', r.id, '{}');
END $$;

-- Work queues: an agent's own drafts and rejected acts, the secretary's acts to
-- verify, the officer's acts to validate.  Oldest first.
CREATE FUNCTION ecr._queue_filter(p_queue text, p_user integer)
RETURNS TABLE (st text, owner integer)
LANGUAGE sql IMMUTABLE SET search_path = ecr, pg_temp AS $$
    SELECT q.st, q.owner
    FROM (VALUES ('my_drafts', 'draft', p_user), ('rejected', 'rejected', p_user),
                 ('to_verify', 'draft', NULL::integer),
                 ('to_validate', 'verified', NULL::integer)) AS q(n, st, owner)
    WHERE q.n = p_queue
$$;

CREATE FUNCTION ecr.act_queue(p_token uuid, p_queue text, p_limit integer, p_offset integer)
RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor;
    f record;
    s act_summary;
    ids bigint[] := '{}';
BEGIN
    IF p_queue IS NULL OR p_queue NOT IN ('my_drafts', 'rejected', 'to_verify', 'to_validate') THEN
        PERFORM _actor(p_token, NULL);
        PERFORM _refuse('EC005', 'bad_queue', 'queue', jsonb_build_object('queue', p_queue));
    END IF;
    a := _actor(p_token, 'queue.' || p_queue);
    SELECT * INTO f FROM _queue_filter(p_queue, a.number);
    FOR s IN SELECT (_summary_of(x)).* FROM acts x
             WHERE x.status = f.st AND (f.owner IS NULL OR x.drafted_by = f.owner)
             ORDER BY x.id
             LIMIT greatest(1, least(coalesce(p_limit, 50), 500))
             OFFSET greatest(0, coalesce(p_offset, 0)) LOOP
        ids := ids || s.id;
        RETURN NEXT s;
    END LOOP;
    IF cardinality(ids) > 0 THEN
        PERFORM _audit(a, 'act.queue', NULL, jsonb_build_object('queue', p_queue, 'acts', ids));
    END IF;
END $$;

CREATE FUNCTION ecr.act_queue_counts(p_token uuid) RETURNS TABLE (queue text, count bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
#variable_conflict use_column
DECLARE
    a actor := _actor(p_token, NULL);
BEGIN
    RETURN QUERY
    SELECT q.n, (SELECT count(*) FROM acts x, _queue_filter(q.n, a.number) f
                 WHERE x.status = f.st AND (f.owner IS NULL OR x.drafted_by = f.owner))
    FROM unnest(ARRAY['my_drafts', 'rejected', 'to_verify', 'to_validate']) AS q(n)
    WHERE EXISTS (SELECT 1 FROM permissions p WHERE p.role = a.role AND p.action = 'queue.' || q.n);
END $$;
