-- Centre database, part 7: search, copies, the transmitter's functions, and the grants.
--
-- (Before the first release, migrations 0007-0014 were squashed into this file:
-- it creates what they produced, each object in its final form.)
--
-- ecr.act_search returns one page of acts matching every criterion, newest
-- first.  On a million acts the order in which criteria are applied is what
-- makes it fast or slow, and PostgreSQL's planner cannot know it (a surname's
-- frequency, the correlation of two name words), so the function decides:
--
--  1. NIU or register number: an exact lookup on a unique index; the other
--     criteria are checked on that act.
--  2. Each name word (a prefix, or fuzzy, a sound) is expanded on
--     ecr.name_vocabulary to the whole keys it stands for; the vocabulary holds
--     each distinct (role, part, key, phonetic) once with the number of key rows
--     of ecr.act_person_keys holding it (an upper bound of the acts it names),
--     kept by ecr._store_person_keys in the same transaction as the keys,
--     locking the vocabulary rows in key order (two drafts naming the same
--     people wait for each other, they never deadlock).  A count is a planning
--     hint, never a result.  A word no act has ends the search at once.
--  3. The driver is the most selective of: the rarest name word, the
--     occurrence or the registration date range (counted on its (date, id)
--     index, up to a cap).  A name word expanding to few keys drives by merging
--     one backward index scan per key, newest first, so a page stops as soon as
--     it is full; one expanding to many keys (a short prefix) is read whole from
--     the index and sorted if that is small, and otherwise left to a
--     newest-first scan of the acts, which a common prefix fills quickly.
--  4. Every other criterion is checked per candidate: act columns on the act
--     row, name words with EXISTS on the covering (act_id, role, part, key)
--     index (index-only).  When the rarest word has used its budget of probes
--     without filling the page, going on probing costs about 9 us a candidate,
--     intersecting posting lists of each act's name words (ecr.act_name_words,
--     a GIN index updated in place, without a pending list) about 0.1 us a
--     posting: the intersection is chosen only when it reads less, with the two
--     rarest words of few keys, against the probes the match rate so far
--     predicts (docs/performance.md).
--
-- Duplicates (an act naming two persons alike) are removed with DISTINCT ON,
-- which PostgreSQL always does on sorted input.  JIT is off for the call:
-- compiling a plan whose estimated cost is high costs more than running it.
-- PostgreSQL's plan cache is kept (forcing custom plans cost 0.45 ms a call);
-- the dynamic page queries (EXECUTE) are planned for their values anyway.
-- Malformed criteria are refused naming the criterion (bad_search), whoever
-- the caller.  The read is audited (the criteria and the acts returned), under
-- the audit chain lock, with synchronous_commit off for that transaction only:
-- a read's audit row may be lost in a crash within a fraction of a second,
-- never reordered or forged (the WAL is sequential, the chain is computed
-- before commit).

-- A LIKE pattern matching strings that start with p (wildcards escaped).
CREATE FUNCTION ecr._prefix_pattern(p text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = ecr, pg_temp AS $$
    SELECT replace(replace(replace(p, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;


-- ------------------------------------------------------------- name search
CREATE TABLE ecr.name_vocabulary (
    role text NOT NULL,
    part text NOT NULL,
    key text COLLATE "C" NOT NULL,
    phonetic text COLLATE "C" NOT NULL,
    entries integer NOT NULL DEFAULT 0,
    PRIMARY KEY (role, part, key)
);
CREATE INDEX name_vocabulary_phonetic ON ecr.name_vocabulary (role, part, phonetic);

-- Each act's name words in one array, under a GIN index (core PostgreSQL):
-- "S:" principal surname, "G:" principal given name, "P:" a parent's name.
-- Two words that are each common but rarely together (a double surname and a
-- given name: Kouassi-Diop Seydou) are intersected here from their posting
-- lists instead of probing thousands of candidates one by one.
CREATE TABLE ecr.act_name_words (
    act_id bigint PRIMARY KEY REFERENCES ecr.acts,
    words text[] COLLATE "C" NOT NULL
);
CREATE INDEX act_name_words_words ON ecr.act_name_words USING gin (words)
    WITH (fastupdate = off);

DROP INDEX ecr.act_person_keys_act;
CREATE INDEX act_person_keys_act ON ecr.act_person_keys (act_id, role, part, key);
CREATE INDEX acts_occurred_id ON ecr.acts (occurred_on, id);
CREATE INDEX acts_registered_id ON ecr.acts (registered_on, id);
DROP INDEX ecr.acts_occurred;
DROP INDEX ecr.acts_registered;

-- Recount the vocabulary from the keys (here, and after a bulk load that
-- bypassed ecr._store_person_keys, e.g. a benchmark fixture).  Owner only.
CREATE FUNCTION ecr._rebuild_name_vocabulary() RETURNS bigint
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE name_vocabulary IN EXCLUSIVE MODE;
    DELETE FROM name_vocabulary;
    INSERT INTO name_vocabulary (role, part, key, phonetic, entries)
    SELECT role, part, key, min(phonetic), count(*) FROM act_person_keys
    GROUP BY role, part, key;
    GET DIAGNOSTICS n = ROW_COUNT;
    ANALYZE name_vocabulary;
    RETURN n;
END $$;

-- The word of a key row, as act_name_words holds it.
CREATE FUNCTION ecr._name_word(p_role text, p_part text, p_key text) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = ecr, pg_temp AS $$
    SELECT CASE WHEN p_role = 'principal' THEN CASE p_part WHEN 'surname' THEN 'S:' ELSE 'G:' END
                ELSE 'P:' END || p_key
$$;

-- Refill act_name_words from the key rows (here, and after a bulk load that
-- bypassed ecr._store_person_keys, e.g. a benchmark fixture).  Owner only.
CREATE FUNCTION ecr._rebuild_name_words() RETURNS bigint
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    LOCK TABLE act_name_words IN ACCESS EXCLUSIVE MODE;
    DROP INDEX act_name_words_words;
    DELETE FROM act_name_words;
    INSERT INTO act_name_words (act_id, words)
    SELECT act_id, array_agg(DISTINCT _name_word(role, part, key) ORDER BY _name_word(role, part, key))
    FROM act_person_keys GROUP BY act_id;
    GET DIAGNOSTICS n = ROW_COUNT;
    CREATE INDEX act_name_words_words ON act_name_words USING gin (words)
        WITH (fastupdate = off);
    ANALYZE act_name_words;
    RETURN n;
END $$;

-- The search keys of an act, the vocabulary's counts and the act's name words,
-- kept together.
CREATE OR REPLACE FUNCTION ecr._store_person_keys(p_act bigint, p_keys jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_keys IS NOT NULL AND (jsonb_typeof(p_keys) <> 'array' OR jsonb_array_length(p_keys) > 400)
    THEN
        PERFORM _refuse('EC005', 'bad_derived', 'person_keys');
    END IF;
    WITH gone AS (
        DELETE FROM act_person_keys WHERE act_id = p_act
        RETURNING role, part, key, phonetic
    ), added AS (
        INSERT INTO act_person_keys (act_id, role, part, key, phonetic)
        SELECT p_act, k ->> 'role', k ->> 'part', left(k ->> 'key', 100),
               left(coalesce(k ->> 'phonetic', ''), 100)
        FROM jsonb_array_elements(coalesce(p_keys, '[]')) AS k
        WHERE coalesce(k ->> 'key', '') <> ''
        RETURNING role, part, key, phonetic
    ), delta AS (
        SELECT role, part, key, min(phonetic) AS phonetic, sum(d)::integer AS d
        FROM (SELECT role, part, key, phonetic, -1 AS d FROM gone
              UNION ALL SELECT role, part, key, phonetic, 1 FROM added) AS x
        GROUP BY role, part, key
        HAVING sum(d) <> 0
    )
    INSERT INTO name_vocabulary AS v (role, part, key, phonetic, entries)
    SELECT role, part, key, phonetic, d FROM delta
    ORDER BY role, part, key
    ON CONFLICT (role, part, key) DO UPDATE SET entries = greatest(v.entries + EXCLUDED.entries, 0);
    INSERT INTO act_name_words AS w (act_id, words)
    SELECT p_act, coalesce(array_agg(DISTINCT _name_word(k ->> 'role', k ->> 'part',
                                                         left(k ->> 'key', 100))), '{}')
    FROM jsonb_array_elements(coalesce(p_keys, '[]')) AS k
    WHERE coalesce(k ->> 'key', '') <> ''
    ON CONFLICT (act_id) DO UPDATE SET words = EXCLUDED.words;
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

-- The thresholds of the choice of driver, measured on a million generated acts
-- (docs/performance.md): a word of up to merge_max_keys keys is merged key by
-- key; a word of more keys is read whole and sorted up to sort_max_entries key
-- rows (a few ms); a date range is counted on its index up to date_cap acts.
-- Tests replace this function to drive every query each way and compare.
CREATE FUNCTION ecr._search_tuning(OUT merge_max_keys integer, OUT sort_max_entries bigint,
                                   OUT date_cap integer, OUT probe_cap integer)
LANGUAGE sql STABLE SET search_path = ecr, pg_temp AS $$
    SELECT 48, 40000::bigint, 10000, 300
$$;

-- The page query: act ids from p_driver (newest first; NULL: the acts table
-- itself), kept when every probe (a condition on key rows k of the candidate)
-- finds a row and the act's own columns meet p_conds.
CREATE FUNCTION ecr._search_query(p_cols text, p_driver text, p_probes text[], p_conds text[],
                                  p_lim integer, p_off integer) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = ecr, pg_temp AS $$
    -- OFFSET 0 keeps each EXISTS a per-candidate probe: pulled up into a hash
    -- semi-join it would read every key row of the word first.
    SELECT CASE WHEN p_driver IS NULL THEN format(
            'SELECT %s FROM acts a WHERE %s ORDER BY a.id DESC LIMIT %s OFFSET %s',
            p_cols, array_to_string(p_conds || probes, ' AND '), p_lim, p_off)
        ELSE format(
            'SELECT %s FROM (SELECT c.act_id FROM (%s) c WHERE %s) c CROSS JOIN LATERAL'
            ' (SELECT * FROM acts a WHERE a.id = c.act_id AND %s) a'
            ' ORDER BY c.act_id DESC LIMIT %s OFFSET %s',
            p_cols, p_driver, array_to_string(ARRAY['true'] || probes, ' AND '),
            array_to_string(p_conds, ' AND '), p_lim, p_off) END
    FROM (SELECT coalesce(array_agg(format(
              'EXISTS (SELECT 1 FROM act_person_keys k WHERE %s OFFSET 0)', x)), '{}') AS probes
          FROM unnest(p_probes) AS x) AS p
$$;

-- A date criterion as a date, or a refusal naming it.
CREATE FUNCTION ecr._search_date(p_query jsonb, p_name text) RETURNS date
LANGUAGE plpgsql IMMUTABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF NOT p_query ? p_name THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(p_query -> p_name) = 'string'
       AND (p_query ->> p_name) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        BEGIN
            RETURN (p_query ->> p_name)::date;
        EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
            NULL;  -- 2026-02-30: refused below
        END;
    END IF;
    PERFORM _refuse('EC005', 'bad_search', p_name, jsonb_build_object('criterion', p_name));
    RETURN NULL;
END $$;

-- An integer criterion in [p_min, p_max], its default when absent, or a refusal.
CREATE FUNCTION ecr._search_int(p_query jsonb, p_name text, p_default integer, p_min integer,
                                p_max integer) RETURNS integer
LANGUAGE plpgsql IMMUTABLE SET search_path = ecr, pg_temp AS $$
BEGIN
    IF NOT p_query ? p_name THEN
        RETURN p_default;
    END IF;
    IF jsonb_typeof(p_query -> p_name) = 'number'
       AND (p_query ->> p_name) ~ '^[0-9]{1,9}$'
       AND (p_query ->> p_name)::integer BETWEEN p_min AND p_max THEN
        RETURN (p_query ->> p_name)::integer;
    END IF;
    PERFORM _refuse('EC005', 'bad_search', p_name, jsonb_build_object('criterion', p_name));
    RETURN NULL;
END $$;

-- Search: see the head of this file.
CREATE FUNCTION ecr.act_search(p_token uuid, p_query jsonb)
RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp SET jit = off AS $$
DECLARE
    tuning record := _search_tuning();
    merge_max_keys integer := tuning.merge_max_keys;
    probe_cap integer := tuning.probe_cap;
    sort_max_entries bigint := tuning.sort_max_entries;
    date_cap integer := tuning.date_cap;
    a actor := _actor(p_token, 'act.search');
    q jsonb := coalesce(p_query, '{}');
    cols constant text := 'a.id, a.event_type, a.status, a.register_year, a.register_serial,'
                          ' a.niu, a.summary, a.occurred_on, a.registered_on';
    conds text[] := ARRAY['true'];
    crit record;
    w jsonb;
    word_key text;
    pred text;
    w_parts text[];
    w_keys text[];
    w_n integer;
    w_entries bigint;
    fuzzy boolean;
    lim integer;
    off integer;
    exact boolean := false;
    -- per name word, in the order given:
    scan_preds text[] := '{}';    -- as a condition on key rows k, for an index scan
    probe_preds text[] := '{}';   -- as a condition on one act's key rows k
    word_entries bigint[] := '{}';  -- how many key rows it can match
    word_drivers text[] := '{}';  -- its act ids newest first (NULL: too many keys)
    word_kinds text[] := '{}';    -- 'merge' or 'sort'
    word_sets text[] := '{}';     -- its act_name_words, as an array literal (NULL: too many)
    n_words integer := 0;
    order_ integer[];             -- the words, rarest first
    probes text[] := '{}';        -- the words checked per candidate
    best_entries bigint;
    kind text;                    -- the driver: merge, sort, date, intersect or acts
    sql text;
    found act_summary[] := '{}';
    done boolean := false;        -- found holds the page
    gin_words integer[];          -- the words intersected on act_name_words
    d_from date;
    d_to date;
    r_from date;
    r_to date;
    date_count integer;
    n integer;
    driver text;
    s act_summary;
    ids bigint[] := '{}';
    empty boolean := false;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    IF jsonb_typeof(q) <> 'object' THEN
        PERFORM _refuse('EC005', 'bad_search', 'criteria', '{"criterion": "criteria"}');
    END IF;
    SELECT min(k) INTO word_key FROM jsonb_object_keys(q) AS k
    WHERE k NOT IN ('niu', 'register_serial', 'register_year', 'surname', 'given_names',
                    'parent_name', 'event_type', 'status', 'occurred_from', 'occurred_to',
                    'registered_from', 'registered_to', 'fuzzy', 'limit', 'offset');
    IF word_key IS NOT NULL THEN
        PERFORM _refuse('EC005', 'bad_search', word_key, jsonb_build_object('criterion', word_key));
    END IF;
    IF q ? 'fuzzy' AND jsonb_typeof(q -> 'fuzzy') <> 'boolean' THEN
        PERFORM _refuse('EC005', 'bad_search', 'fuzzy', '{"criterion": "fuzzy"}');
    END IF;
    fuzzy := coalesce((q ->> 'fuzzy')::boolean, false);
    lim := _search_int(q, 'limit', 20, 1, 200);
    off := _search_int(q, 'offset', 0, 0, 1000000);

    -- Exact numbers.
    IF q ? 'niu' THEN
        IF jsonb_typeof(q -> 'niu') <> 'string' OR (q ->> 'niu') !~ '^[0-9]{19}$' THEN
            PERFORM _refuse('EC005', 'bad_search', 'niu', '{"criterion": "niu"}');
        END IF;
        conds := conds || format('a.niu = %L', q ->> 'niu');
        exact := true;
    END IF;
    IF q ? 'register_serial' OR q ? 'register_year' THEN
        conds := conds || format('a.register_serial = %s AND a.register_year = %s',
                                 _search_int(q, 'register_serial', NULL, 1, 9999999),
                                 _search_int(q, 'register_year', NULL, 1, 9999));
        IF NOT (q ? 'register_serial' AND q ? 'register_year') THEN
            PERFORM _refuse('EC005', 'bad_search', 'register_number',
                            '{"criterion": "register_number"}');
        END IF;
        exact := true;
    END IF;
    FOR crit IN SELECT * FROM (VALUES ('event_type'), ('status')) AS c(name) LOOP
        CONTINUE WHEN NOT q ? crit.name;
        IF jsonb_typeof(q -> crit.name) <> 'string' THEN
            PERFORM _refuse('EC005', 'bad_search', crit.name,
                            jsonb_build_object('criterion', crit.name));
        END IF;
        conds := conds || format('a.%I = %L', crit.name, q ->> crit.name);
    END LOOP;
    d_from := _search_date(q, 'occurred_from');
    d_to := _search_date(q, 'occurred_to');
    r_from := _search_date(q, 'registered_from');
    r_to := _search_date(q, 'registered_to');
    IF d_from IS NOT NULL THEN conds := conds || format('a.occurred_on >= %L', d_from); END IF;
    IF d_to IS NOT NULL THEN conds := conds || format('a.occurred_on <= %L', d_to); END IF;
    IF r_from IS NOT NULL THEN conds := conds || format('a.registered_on >= %L', r_from); END IF;
    IF r_to IS NOT NULL THEN conds := conds || format('a.registered_on <= %L', r_to); END IF;

    -- Name words: expand, count, and keep the rarest as the candidate driver.
    FOR crit IN SELECT * FROM (VALUES ('surname', 'principal', '{surname}'::text[]),
                                      ('given_names', 'principal', '{given}'::text[]),
                                      ('parent_name', 'parent', '{surname,given}'::text[]))
                AS c(name, role, parts) LOOP
        CONTINUE WHEN NOT q ? crit.name;
        IF jsonb_typeof(q -> crit.name) <> 'array' OR jsonb_array_length(q -> crit.name) > 8
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(q -> crit.name) AS e
                      WHERE jsonb_typeof(e) <> 'object'
                         OR jsonb_typeof(e -> 'key') IS DISTINCT FROM 'string'
                         OR length(e ->> 'key') > 100
                         OR (e ? 'phonetic' AND (jsonb_typeof(e -> 'phonetic') <> 'string'
                                                 OR length(e ->> 'phonetic') > 100))) THEN
            PERFORM _refuse('EC005', 'bad_search', crit.name,
                            jsonb_build_object('criterion', crit.name));
        END IF;
        CONTINUE WHEN empty;
        FOR w IN SELECT jsonb_array_elements(q -> crit.name) LOOP
            word_key := w ->> 'key';
            CONTINUE WHEN word_key = '';
            SELECT coalesce(array_agg(v.part ORDER BY v.part, v.key), '{}'),
                   coalesce(array_agg(v.key ORDER BY v.part, v.key), '{}'),
                   count(*), coalesce(sum(greatest(v.entries, 0)), 0)
            INTO w_parts, w_keys, w_n, w_entries
            FROM name_vocabulary v
            WHERE v.role = crit.role AND v.part = ANY (crit.parts)
              AND (v.key LIKE _prefix_pattern(word_key)
                   OR (fuzzy AND coalesce(w ->> 'phonetic', '') <> ''
                       AND v.phonetic = w ->> 'phonetic'));
            IF w_n = 0 THEN
                empty := true;  -- no act names anyone so: nothing to look for
                EXIT;
            END IF;
            -- The word as a condition on a key row k: scan (index range or keys)
            -- and probe (one act's rows: no per-key index descent).
            pred := format('k.role = %L AND k.part = ANY (%L::text[]) AND ', crit.role, crit.parts)
                || CASE WHEN w_n <= merge_max_keys
                        THEN format('k.key = ANY (%L::text[])', w_keys)
                        WHEN fuzzy AND coalesce(w ->> 'phonetic', '') <> ''
                        THEN format('(k.key LIKE %L OR k.phonetic = %L)',
                                    _prefix_pattern(word_key), w ->> 'phonetic')
                        ELSE format('k.key LIKE %L', _prefix_pattern(word_key)) END;
            n_words := n_words + 1;
            scan_preds := scan_preds || pred;
            probe_preds := probe_preds || CASE WHEN w_n <= merge_max_keys THEN format(
                'k.role = %L%s AND ARRAY[k.key] <@ %L::text[]', crit.role,
                CASE WHEN cardinality(crit.parts) = 1 THEN format(' AND k.part = %L', crit.parts[1])
                     ELSE '' END, w_keys) ELSE pred END;
            word_entries := word_entries || w_entries;
            -- (only a word of few keys: a long list of posting lists costs more
            -- to merge than it saves)
            word_sets := word_sets || CASE WHEN w_n <= least(merge_max_keys, 12) THEN
                (SELECT quote_literal(array_agg(_name_word(crit.role, p, k)))
                 FROM unnest(w_parts, w_keys) AS x(p, k)) END;
            IF w_n <= merge_max_keys THEN
                -- one backward index scan per key, merged newest first
                SELECT 'SELECT DISTINCT ON (u.act_id) u.act_id FROM (' || string_agg(format(
                    '(SELECT k.act_id FROM act_person_keys k WHERE k.role = %L'
                    ' AND k.part = %L AND k.key = %L ORDER BY k.act_id DESC)',
                    crit.role, p, k), ' UNION ALL ') || ') u ORDER BY u.act_id DESC'
                INTO pred
                FROM unnest(w_parts, w_keys) AS x(p, k);
                word_drivers := word_drivers || pred;
                word_kinds := word_kinds || 'merge'::text;
            ELSIF w_entries <= sort_max_entries THEN
                word_drivers := word_drivers || format(
                    'SELECT DISTINCT ON (k.act_id) k.act_id FROM act_person_keys k'
                    ' WHERE %s ORDER BY k.act_id DESC', scan_preds[n_words]);
                word_kinds := word_kinds || 'sort'::text;
            ELSE
                word_drivers := word_drivers || NULL::text;
                word_kinds := word_kinds || NULL::text;
            END IF;
        END LOOP;
    END LOOP;

    IF NOT empty THEN
        -- The words, rarest first: the rarest may drive, the others are probes.
        SELECT coalesce(array_agg(i ORDER BY e, i), '{}') INTO order_ FROM
            unnest(word_entries) WITH ORDINALITY AS x(e, i);
        date_count := date_cap;
        IF NOT exact AND n_words > 0 AND word_drivers[order_[1]] IS NOT NULL THEN
            driver := word_drivers[order_[1]];
            kind := word_kinds[order_[1]];
            best_entries := word_entries[order_[1]];
        END IF;
        IF NOT exact THEN
            -- A date range drives when it holds fewer acts than the rarest word.
            FOR crit IN SELECT * FROM (VALUES ('occurred_on', d_from, d_to),
                                              ('registered_on', r_from, r_to))
                        AS c(col, lo, hi) LOOP
                CONTINUE WHEN crit.lo IS NULL AND crit.hi IS NULL;
                EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM acts x WHERE x.%I >= %L'
                               ' AND x.%I <= %L LIMIT %s) c', crit.col,
                               coalesce(crit.lo, '-infinity'::date), crit.col,
                               coalesce(crit.hi, 'infinity'::date), date_cap)
                INTO n;
                IF n < date_count AND (driver IS NULL OR n < best_entries) THEN
                    date_count := n;
                    kind := 'date';
                    driver := CASE WHEN crit.lo = crit.hi
                        THEN format('SELECT x.id AS act_id FROM acts x WHERE x.%I = %L'
                                    ' ORDER BY x.id DESC', crit.col, crit.lo)
                        ELSE format('SELECT x.id AS act_id FROM acts x WHERE x.%I >= %L'
                                    ' AND x.%I <= %L ORDER BY x.id DESC', crit.col,
                                    coalesce(crit.lo, '-infinity'::date), crit.col,
                                    coalesce(crit.hi, 'infinity'::date)) END;
                END IF;
            END LOOP;
        END IF;
        kind := coalesce(kind, 'acts');
        -- The words checked per candidate (all but a word that drives), rarest first.
        FOR n IN SELECT unnest(order_) LOOP
            CONTINUE WHEN kind IN ('merge', 'sort') AND n = order_[1];
            probes := probes || format('k.act_id = %s AND %s',
                                       CASE WHEN kind = 'acts' THEN 'a.id' ELSE 'c.act_id' END,
                                       probe_preds[n]);
        END LOOP;
        -- A common word that rarely goes with the others (Kouassi-Diop Seydou)
        -- would probe thousands of candidates.  So the driver first gets a
        -- budget of probe_cap candidates; if the page is not full by then, the
        -- rate of matches so far says how many more probes it would take: few,
        -- and probing goes on past the budget; many, and the words of few keys
        -- are intersected on act_name_words' index instead (the others probed
        -- on what that leaves).
        IF kind = 'merge' AND best_entries > probe_cap AND n_words > 1 THEN
            sql := _search_query(cols, driver || format(' LIMIT %s', probe_cap), probes, conds,
                                 lim + off, 0);
            RAISE DEBUG 'act_search query: %', sql;
            FOR s IN EXECUTE sql LOOP
                found := found || s;
            END LOOP;
            n := lim + off - cardinality(found);  -- still wanted
            -- the two rarest words of few keys, and what intersecting them reads
            SELECT coalesce(array_agg(i ORDER BY e, i), '{}') INTO gin_words
            FROM (SELECT i, e FROM unnest(word_entries) WITH ORDINALITY AS x(e, i)
                  WHERE word_sets[i] IS NOT NULL ORDER BY e, i LIMIT 2) AS g;
            IF n > 0 AND cardinality(gin_words) = 2
               AND 0.1 * (word_entries[gin_words[1]] + word_entries[gin_words[2]])
                   < 9.0 * least(n::bigint * probe_cap / greatest(cardinality(found), 1),
                                 best_entries - probe_cap) THEN
                found := '{}';
                kind := 'intersect';
                driver := format('SELECT w.act_id FROM act_name_words w WHERE w.words && %s::text[]'
                                 ' AND w.words && %s::text[] ORDER BY w.act_id DESC',
                                 word_sets[gin_words[1]], word_sets[gin_words[2]]);
                probes := '{}';
                FOR n IN SELECT unnest(order_) LOOP
                    CONTINUE WHEN n = ANY (gin_words);
                    probes := probes || format('k.act_id = c.act_id AND %s', probe_preds[n]);
                END LOOP;
            ELSE
                IF n > 0 THEN
                    sql := _search_query(cols, driver || format(' OFFSET %s', probe_cap), probes,
                                         conds, n, 0);
                    RAISE DEBUG 'act_search query: %', sql;
                    FOR s IN EXECUTE sql LOOP
                        found := found || s;
                    END LOOP;
                END IF;
                found := coalesce(found[off + 1 : off + lim], '{}');
                done := true;
            END IF;
        END IF;
        RAISE DEBUG 'act_search driver: %', kind;
        IF NOT done THEN
            sql := _search_query(cols, CASE WHEN kind = 'acts' THEN NULL ELSE driver END,
                                 probes, conds, lim, off);
            RAISE DEBUG 'act_search query: %', sql;
            FOR s IN EXECUTE sql LOOP
                found := found || s;
            END LOOP;
        END IF;
        FOREACH s IN ARRAY found LOOP
            ids := ids || s.id;
            RETURN NEXT s;
        END LOOP;
    END IF;
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
