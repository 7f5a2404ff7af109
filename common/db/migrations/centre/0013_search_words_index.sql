-- Centre database, part 13: act_name_words' GIN index without a pending list.
--
-- With fastupdate (PostgreSQL's default for GIN), new entries wait in a
-- pending list that every search scans linearly until a vacuum or a full
-- list merges them; a search-latency index is better updated in place (one
-- draft adds about ten entries).  A clean index intersects posting lists at
-- about 0.02–0.07 µs a posting on a million acts (docs/performance.md), so
-- 0012's estimate of an intersection is lowered from 1 µs to 0.1 µs a posting
-- (it was measured on an index bloated by repeated rebuilds).  The rebuild
-- for bulk loads builds the index anew after filling the table (a GIN build
-- sorts; inserting a million rows one by one does not).

ALTER INDEX ecr.act_name_words_words SET (fastupdate = off);
SELECT gin_clean_pending_list('ecr.act_name_words_words');

CREATE OR REPLACE FUNCTION ecr._rebuild_name_words() RETURNS bigint
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
REVOKE ALL ON FUNCTION ecr._rebuild_name_words() FROM PUBLIC;

CREATE OR REPLACE FUNCTION ecr.act_search(p_token uuid, p_query jsonb)
RETURNS SETOF ecr.act_summary
LANGUAGE plpgsql SECURITY DEFINER SET search_path = ecr, pg_temp SET jit = off
SET plan_cache_mode = force_custom_plan AS $$
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

GRANT EXECUTE ON FUNCTION ecr.act_search(uuid, jsonb) TO ecr_app;
