-- Centre database: no act the data dictionary refuses is stored, verified or
-- validated, whatever the client (issue 11, finding 4; DESIGN.md §2).
--
-- Until now ecr.act_draft took the act's data and its derived values (summary,
-- search keys, timeliness, duplicate keys) from the client and checked only
-- that the data was a JSON object; verification and validation checked
-- nothing.  A modified client, or anyone holding ecr_app's password and a
-- login, could store any content and have it validated.  Now:
--
--  * ecr.act_draft and ecr.act_update_draft take the data only (the versions
--    that took derived values are dropped); an act larger than an act may be
--    is refused before anything else (act_too_large);
--  * a trigger on ecr.acts (acts_content, whoever writes the row) checks the
--    data with ecr._act_check (0402) whenever it may have changed (a new act, a
--    draft or rejected act updated) and when the act is verified or
--    validated: refused with SQLSTATE EC009 naming the field and the rule of
--    the first problem; a link to an act held here must name an act of the
--    right type and, for a birth act, of the same person.  Only sending an act
--    back (rejected) is never refused: an act that cannot be saved must still
--    be returnable to its agent;
--  * the same trigger writes the derived values of a draft or rejected act
--    from its data, and acts_person_keys writes its search keys from that
--    summary: what a client sends in those columns is never kept.
--
-- Acts stored before this migration carry derived values their client
-- computed: they are derived again below (see there).

CREATE FUNCTION ecr._act_content() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    cap constant integer := (_act_constants() ->> 'max_act_bytes')::integer;
    open_ constant boolean := TG_OP = 'INSERT' OR OLD.status IN ('draft', 'rejected');
    size integer;
    checked jsonb;
    derived jsonb;
BEGIN
    IF NOT open_ AND NOT (NEW.status = 'validated' AND OLD.status <> 'validated') THEN
        RETURN NEW;  -- a verified act sent back, a validated one transmitted: checked already
    END IF;
    size := octet_length(NEW.data::text);
    IF size > cap THEN
        IF NEW.status <> 'rejected' THEN
            PERFORM _refuse('EC005', 'act_too_large', 'data',
                            jsonb_build_object('size', size, 'limit', cap));
        END IF;
        RETURN NEW;
    END IF;
    checked := _act_check(NEW.event_type, NEW.data, NEW.registered_on);
    IF jsonb_array_length(checked -> 'errors') > 0 AND NEW.status <> 'rejected' THEN
        PERFORM _refuse_act(NEW.event_type, checked -> 'errors');
    END IF;
    derived := checked -> 'stored';
    IF open_ AND jsonb_typeof(derived) = 'object' THEN
        NEW.summary := derived -> 'summary';
        NEW.occurred_on := (derived ->> 'occurred_on')::date;
        NEW.timeliness := derived ->> 'timeliness';
        NEW.principal_key := derived ->> 'principal_key';
        NEW.principal_date := (derived ->> 'principal_date')::date;
        NEW.mother_key := derived ->> 'mother_key';
    END IF;
    RETURN NEW;
END $$;
-- (Named to fire before acts_guard: PostgreSQL fires a table's triggers by name.)
CREATE TRIGGER acts_content BEFORE INSERT OR UPDATE ON ecr.acts
    FOR EACH ROW EXECUTE FUNCTION ecr._act_content();

-- The search keys follow the summary the database derived.
CREATE FUNCTION ecr._act_person_keys_follow() RETURNS trigger
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    PERFORM _store_person_keys(NEW.id, _act_person_keys(NEW.summary));
    RETURN NULL;
END $$;
CREATE TRIGGER acts_person_keys AFTER INSERT ON ecr.acts
    FOR EACH ROW EXECUTE FUNCTION ecr._act_person_keys_follow();
CREATE TRIGGER acts_person_keys_change AFTER UPDATE ON ecr.acts
    FOR EACH ROW WHEN (OLD.summary IS DISTINCT FROM NEW.summary
                       AND NEW.status IN ('draft', 'rejected'))
    EXECUTE FUNCTION ecr._act_person_keys_follow();

-- What an act's data must be before any number is given to it.
CREATE FUNCTION ecr._check_act_input(p_event_type text, p_data jsonb) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = ecr, pg_temp AS $$
DECLARE
    cap constant integer := (_act_constants() ->> 'max_act_bytes')::integer;
    size integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM event_types WHERE key = p_event_type) THEN
        PERFORM _refuse('EC005', 'bad_event_type', 'type',
                        jsonb_build_object('event_type', p_event_type));
    END IF;
    IF p_data IS NULL OR jsonb_typeof(p_data) <> 'object' THEN
        PERFORM _refuse('EC005', 'bad_data', 'data');
    END IF;
    size := octet_length(p_data::text);
    IF size > cap THEN
        PERFORM _refuse('EC005', 'act_too_large', 'data',
                        jsonb_build_object('size', size, 'limit', cap));
    END IF;
END $$;

DROP FUNCTION ecr.act_draft(uuid, text, jsonb, jsonb);
DROP FUNCTION ecr.act_update_draft(uuid, bigint, jsonb, jsonb);
DROP FUNCTION ecr._check_draft_input(text, jsonb, jsonb);

CREATE FUNCTION ecr.act_draft(p_token uuid, p_event_type text, p_data jsonb,
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
    PERFORM _check_act_input(p_event_type, p_data);
    serial := _next_serial('register', p_event_type, y);
    INSERT INTO acts (event_type, status, register_year, register_serial, data, registered_on,
                      drafted_by)
    VALUES (p_event_type, st, y, serial, p_data, current_date, a.number)
    RETURNING acts.id INTO new_id;
    PERFORM _audit(a, 'act.draft', new_id, jsonb_build_object(
        'event_type', p_event_type, 'register', serial || ' / ' || y));
    id := new_id; register_year := y; register_serial := serial;
END $$;

CREATE FUNCTION ecr.act_update_draft(p_token uuid, p_id bigint, p_data jsonb,
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
    PERFORM _check_act_input(r.event_type, p_data);
    UPDATE acts SET data = p_data, status = st, updated_at = now() WHERE acts.id = r.id;
    PERFORM _audit(a, CASE WHEN r.status = 'rejected' THEN 'act.resubmit'
                           ELSE 'act.update_draft' END, r.id, '{}');
    id := r.id; register_year := r.register_year; register_serial := r.register_serial;
END $$;

REVOKE ALL ON FUNCTION ecr._act_content(), ecr._act_person_keys_follow(),
    ecr._check_act_input(text, jsonb), ecr.act_draft(uuid, text, jsonb),
    ecr.act_update_draft(uuid, bigint, jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.act_draft(uuid, text, jsonb),
    ecr.act_update_draft(uuid, bigint, jsonb) TO ecr_app;

-- ------------------------------------------------------- acts drafted before
-- The stored derived values of every act were its client's.  They are derived
-- again here, under the owner, the guards lifted for this migration only (an
-- act's data is not touched): the sound keys of the name vocabulary and of the
-- search keys; then, for every act the dictionary accepts, its summary, its
-- duplicate keys and its search keys, and for an act not yet validated its
-- occurrence date and timeliness too (a validated act keeps the timeliness it
-- was transmitted with).  An act the dictionary refuses keeps what it had: it
-- can be sent back, not verified nor validated (ecr.acts_the_dictionary_refuses
-- lists them for the administrator).
ALTER TABLE ecr.acts DISABLE TRIGGER acts_guard;
ALTER TABLE ecr.act_person_keys DISABLE TRIGGER act_person_keys_guard;
UPDATE ecr.name_vocabulary SET phonetic = ecr._key_phonetic(key)
WHERE phonetic IS DISTINCT FROM ecr._key_phonetic(key);
UPDATE ecr.act_person_keys k SET phonetic = v.phonetic
FROM ecr.name_vocabulary v
WHERE v.role = k.role AND v.part = k.part AND v.key = k.key AND v.phonetic <> k.phonetic;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id, status, ecr._act_check(event_type, data, registered_on) -> 'stored' AS d
             FROM ecr.acts
             WHERE octet_length(data::text)
                   <= (ecr._act_constants() ->> 'max_act_bytes')::integer LOOP
        CONTINUE WHEN jsonb_typeof(r.d) IS DISTINCT FROM 'object';
        UPDATE ecr.acts SET summary = r.d -> 'summary', principal_key = r.d ->> 'principal_key',
            principal_date = (r.d ->> 'principal_date')::date, mother_key = r.d ->> 'mother_key'
        WHERE id = r.id;
        IF r.status IN ('draft', 'rejected', 'verified') THEN
            UPDATE ecr.acts SET occurred_on = (r.d ->> 'occurred_on')::date,
                timeliness = r.d ->> 'timeliness'
            WHERE id = r.id;
        END IF;
        PERFORM ecr._store_person_keys(r.id, ecr._act_person_keys(r.d -> 'summary'));
    END LOOP;
END $$;
ALTER TABLE ecr.act_person_keys ENABLE TRIGGER act_person_keys_guard;
ALTER TABLE ecr.acts ENABLE TRIGGER acts_guard;

-- For the administrator (owner only): the acts stored before this migration
-- that the dictionary refuses, with their first problem.
CREATE FUNCTION ecr.acts_the_dictionary_refuses()
RETURNS TABLE (act_id bigint, status text, field text, rule text)
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT a.id, a.status, c -> 'errors' -> 0 ->> 'path', c -> 'errors' -> 0 ->> 'rule'
    FROM acts a, LATERAL (SELECT CASE
        WHEN octet_length(a.data::text) > (_act_constants() ->> 'max_act_bytes')::integer
        THEN jsonb_build_object('errors', jsonb_build_array(
                 jsonb_build_object('path', '', 'rule', 'act_too_large')))
        ELSE _act_check(a.event_type, a.data, a.registered_on) END) AS x(c)
    WHERE jsonb_array_length(c -> 'errors') > 0
    ORDER BY a.id
$$;
REVOKE ALL ON FUNCTION ecr.acts_the_dictionary_refuses() FROM PUBLIC;
