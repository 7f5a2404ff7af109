-- Centre database, part 14: act_search keeps PostgreSQL's plan cache.
--
-- 0011 made every statement of the call planned anew (plan_cache_mode =
-- force_custom_plan), as a guard against a generic plan of the vocabulary
-- look-up.  Measured on a million acts, that guard cost about 0.45 ms a call
-- (the session check, the audit insert and every other static statement
-- replanned), and the default mode plans the look-up no worse: PostgreSQL
-- keeps custom plans when the generic one is estimated dearer.  The dynamic
-- page queries (EXECUTE) are planned for their values either way.
ALTER FUNCTION ecr.act_search(uuid, jsonb) RESET plan_cache_mode;
