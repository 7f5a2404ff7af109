-- Centre database, part 10: what name search needs to pick its most selective
-- criterion.
--
--  * ecr.name_vocabulary counts, for each (role, part, key), the search-key rows
--    of ecr.act_person_keys holding it (an upper bound of the acts it names):
--    a typed word is expanded to whole keys on this small table, and the sum of
--    their counts tells how many acts the word can match before any act is read.
--    The counts follow every change of an act's keys, in the same transaction,
--    locking the vocabulary rows in key order (two drafts naming the same
--    people wait for each other, they never deadlock).  A count is a planning
--    hint, never a result: search still reads the keys themselves.
--  * occurred_on and registered_on are indexed with the act id, so one day's
--    acts come newest first from the index and a date range is counted from
--    the index alone.

ALTER TABLE ecr.name_vocabulary ADD COLUMN entries integer NOT NULL DEFAULT 0;

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
REVOKE ALL ON FUNCTION ecr._rebuild_name_vocabulary() FROM PUBLIC;
SELECT ecr._rebuild_name_vocabulary();

CREATE OR REPLACE FUNCTION ecr._store_person_keys(p_act bigint, p_keys jsonb) RETURNS void
LANGUAGE plpgsql SET search_path = ecr, pg_temp AS $$
BEGIN
    IF p_keys IS NOT NULL AND (jsonb_typeof(p_keys) <> 'array' OR jsonb_array_length(p_keys) > 400)
    THEN
        PERFORM _refuse('EC005', 'bad_derived', 'person_keys');
    END IF;
    -- The act's old keys go, its new ones come, and the vocabulary counts move by
    -- the difference, in one statement (the sub-statements share one snapshot).
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
    -- EXCLUDED.entries carries the signed difference; a count never goes below 0.
    INSERT INTO name_vocabulary AS v (role, part, key, phonetic, entries)
    SELECT role, part, key, phonetic, d FROM delta
    ORDER BY role, part, key
    ON CONFLICT (role, part, key) DO UPDATE SET entries = greatest(v.entries + EXCLUDED.entries, 0);
END $$;

CREATE INDEX acts_occurred_id ON ecr.acts (occurred_on, id);
CREATE INDEX acts_registered_id ON ecr.acts (registered_on, id);
DROP INDEX ecr.acts_occurred;
DROP INDEX ecr.acts_registered;
