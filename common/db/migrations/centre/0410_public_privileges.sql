-- Nothing in a centre database is PUBLIC's (issue 11, finding 15).
--
-- 0001 said "ALTER DEFAULT PRIVILEGES IN SCHEMA ecr REVOKE EXECUTE ON
-- FUNCTIONS FROM PUBLIC", which records nothing: a per-schema default can only
-- add to the global default, and the global default grants EXECUTE on every
-- new function to PUBLIC.  So six SECURITY DEFINER functions of 0200
-- (template_*, calibration_*) and the helpers of schema stats were executable
-- by PUBLIC, and the database itself granted CONNECT and TEMPORARY to PUBLIC:
-- any role of the server could connect and create temporary tables.
--
-- Now: the global default of the migrating role in this database (the one
-- that creates every later function) is "not PUBLIC", everything existing is
-- revoked, and what a role needs is granted to it by name.
-- tests/centre/test_grants.py reads the catalogue and asserts that PUBLIC
-- holds nothing.

ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ecr, stats, stats_source FROM PUBLIC;

-- The pure helpers the views of schema stats call: whoever reads a view needs
-- EXECUTE on them (the statisticians' role; the centre API reads as owner).
GRANT EXECUTE ON FUNCTION
    stats.icd10_chapter(text),
    stats.age_group(integer, integer, integer),
    stats.age_group_death(integer),
    stats.weight_group(integer),
    stats.duration_group(integer),
    stats.count_group(integer),
    stats.urban_rural(text)
TO ecr_stats;

-- CONNECT and TEMPORARY only by name (the application and statistics roles
-- hold CONNECT by their own grants; the owner holds everything).
DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END $$;
