-- Centre database: ecr.act_search sends no personal data in its messages (issue 11, L17).
--
-- With client_min_messages = debug (which any client may set for its own
-- session), ecr.act_search sent the client every query it generated, and those
-- queries hold the name keys the search matched: a read of names that the
-- audit row of the search does not show, and that ends up in the server log
-- when log_min_messages is debug.  The function keeps one DEBUG message, the
-- name of the way it chose to search ("act_search driver: merge"), which the
-- search tests read and which holds nothing about anyone.
--
-- The function is rewritten from its current definition, less those
-- statements, rather than copied here whole: whatever its body has become,
-- only the debug statements go.  tests/centre/test_search_messages.py checks
-- that no API function raises a message below WARNING except that one.
DO $$
DECLARE
    def text := pg_get_functiondef('ecr.act_search(uuid, jsonb)'::regprocedure);
    cleaned text;
BEGIN
    cleaned := regexp_replace(def, '\n[ \t]*RAISE DEBUG ''act_search query: %'', sql;', '',
                              'g');
    IF cleaned <> def THEN
        EXECUTE cleaned;
    END IF;
END $$;
