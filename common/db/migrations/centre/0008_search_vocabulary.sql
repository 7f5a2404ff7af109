-- Centre database, part 8: name search that stays fast on a million acts.
--
-- A name criterion is a prefix (or, fuzzy, a sound) of a word.  Matching it
-- directly against ecr.act_person_keys and sorting the matches is slow when a
-- surname is common (thousands of acts share it).  So:
--  1. ecr.name_vocabulary holds each distinct (role, part, key, phonetic) once
--     (a few thousand rows): a prefix or a sound is first expanded into the
--     list of whole keys it stands for, on this small table;
--  2. the first name word then drives the search: one backward index scan per
--     key on (role, part, key, act_id), merged newest first (Merge Append),
--     so a page of 20 stops after about 20 index entries per key;
--  3. every other criterion is checked on those candidates only.
-- Reads are audited as before, with synchronous_commit off for that
-- transaction only: a read's audit row may be lost in a crash within a fraction
-- of a second, never reordered or forged (the WAL is sequential, the chain is
-- computed before commit).

CREATE TABLE ecr.name_vocabulary (
    role text NOT NULL,
    part text NOT NULL,
    key text COLLATE "C" NOT NULL,
    phonetic text COLLATE "C" NOT NULL,
    PRIMARY KEY (role, part, key)
);
CREATE INDEX name_vocabulary_phonetic ON ecr.name_vocabulary (role, part, phonetic);
INSERT INTO ecr.name_vocabulary (role, part, key, phonetic)
SELECT DISTINCT ON (role, part, key) role, part, key, phonetic FROM ecr.act_person_keys
ORDER BY role, part, key;
REVOKE ALL ON ecr.name_vocabulary FROM PUBLIC;

CREATE OR REPLACE FUNCTION ecr._store_person_keys(p_act bigint, p_keys jsonb) RETURNS void
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
    INSERT INTO name_vocabulary (role, part, key, phonetic)
    SELECT DISTINCT k.role, k.part, k.key, k.phonetic FROM act_person_keys k
    WHERE k.act_id = p_act
    ON CONFLICT (role, part, key) DO NOTHING;
END $$;

-- The whole keys a typed word stands for: by prefix, and (fuzzy) by sound.
CREATE FUNCTION ecr._expand_word(p_role text, p_parts text[], p_word jsonb, p_fuzzy boolean)
RETURNS text[]
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT coalesce(array_agg(DISTINCT v.key), '{}')
    FROM name_vocabulary v
    WHERE v.role = p_role AND v.part = ANY (p_parts)
      AND (v.key LIKE _prefix_pattern(p_word ->> 'key')
           OR (p_fuzzy AND coalesce(p_word ->> 'phonetic', '') <> ''
               AND v.phonetic = p_word ->> 'phonetic'))
$$;

CREATE OR REPLACE FUNCTION ecr.act_search(p_token uuid, p_query jsonb)
RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
DECLARE
    a actor := _actor(p_token, 'act.search');
    q jsonb := coalesce(p_query, '{}');
    conds text[] := ARRAY['true'];
    crit record;
    w jsonb;
    keys text[];
    driver text;
    fuzzy boolean := coalesce((q ->> 'fuzzy')::boolean, false);
    lim integer := greatest(1, least(coalesce((q ->> 'limit')::integer, 20), 200));
    off integer := greatest(0, coalesce((q ->> 'offset')::integer, 0));
    s act_summary;
    ids bigint[] := '{}';
    empty boolean := false;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
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
    FOR crit IN SELECT * FROM (VALUES ('surname', 'principal', '{surname}'::text[]),
                                      ('given_names', 'principal', '{given}'::text[]),
                                      ('parent_name', 'parent', '{surname,given}'::text[]))
                AS c(name, role, parts) LOOP
        CONTINUE WHEN NOT q ? crit.name;
        IF jsonb_typeof(q -> crit.name) <> 'array' OR jsonb_array_length(q -> crit.name) > 8 THEN
            PERFORM _refuse('EC005', 'bad_search', crit.name,
                            jsonb_build_object('criterion', crit.name));
        END IF;
        FOR w IN SELECT jsonb_array_elements(q -> crit.name) LOOP
            CONTINUE WHEN coalesce(w ->> 'key', '') = '';
            keys := _expand_word(crit.role, crit.parts, w, fuzzy);
            IF cardinality(keys) = 0 THEN
                empty := true;  -- no act has such a name: nothing to look for
                EXIT;
            END IF;
            IF driver IS NULL THEN
                -- the first word drives: newest first, merged from one scan per key
                SELECT string_agg(format(
                    'SELECT k.act_id FROM act_person_keys k WHERE k.role = %L'
                    ' AND k.part = %L AND k.key = %L', crit.role, p, k), ' UNION ALL ')
                INTO driver
                FROM unnest(keys) AS k, unnest(crit.parts) AS p;
            ELSE
                conds := conds || format(
                    'EXISTS (SELECT 1 FROM act_person_keys k WHERE k.act_id = a.id'
                    ' AND k.role = %L AND k.part = ANY (%L::text[]) AND k.key = ANY (%L::text[]))',
                    crit.role, crit.parts, keys);
            END IF;
        END LOOP;
        EXIT WHEN empty;
    END LOOP;
    IF NOT empty THEN
        FOR s IN EXECUTE CASE WHEN driver IS NULL THEN format(
                'SELECT a.id, a.event_type, a.status, a.register_year, a.register_serial, a.niu,'
                ' a.summary, a.occurred_on, a.registered_on FROM acts a WHERE %s'
                ' ORDER BY a.id DESC LIMIT %s OFFSET %s',
                array_to_string(conds, ' AND '), lim, off)
            ELSE format(
                'SELECT a.id, a.event_type, a.status, a.register_year, a.register_serial, a.niu,'
                ' a.summary, a.occurred_on, a.registered_on'
                ' FROM (SELECT DISTINCT u.act_id FROM (%s) u ORDER BY u.act_id DESC) c'
                ' CROSS JOIN LATERAL (SELECT * FROM acts a WHERE a.id = c.act_id AND %s) a'
                ' ORDER BY c.act_id DESC LIMIT %s OFFSET %s',
                driver, array_to_string(conds, ' AND '), lim, off) END LOOP
            ids := ids || s.id;
            RETURN NEXT s;
        END LOOP;
    END IF;
    PERFORM _audit(a, 'act.search', NULL, jsonb_build_object('criteria', q, 'acts', ids));
END $$;

REVOKE ALL ON FUNCTION ecr._expand_word(text, text[], jsonb, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.act_search(uuid, jsonb) TO ecr_app;
