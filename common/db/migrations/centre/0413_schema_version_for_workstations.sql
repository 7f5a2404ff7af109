-- Workstations do not migrate (issue 11, finding 6, first half).
--
-- A networked centre's workstations connect as the application role only; they
-- never hold the owner's credential nor connect as the owner.  The schema is
-- upgraded by an explicit administrator step (`ecr db upgrade`, on the server
-- or wherever the owner's access is); a workstation asks which version the
-- database has and refuses to work on a schema older (or newer) than its own.

-- The versions applied (common/db/migrate.py records them), in order.
CREATE FUNCTION ecr.schema_versions(p_target text) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ecr, pg_temp AS $$
    SELECT coalesce(array_agg(version ORDER BY version), '{}')
    FROM public.ecr_schema_migrations WHERE target = p_target
$$;
REVOKE ALL ON FUNCTION ecr.schema_versions(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ecr.schema_versions(text) TO ecr_app;
