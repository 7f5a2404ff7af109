-- Statistics, part 4 (centre only): keep the statistics facts in step with the acts.
--
-- When an act becomes registered (validated; or inserted already registered),
-- stats.refresh_act (generated, shared with the SCEC) writes its typed,
-- name-free row into stats.<event>_facts, in the same transaction: a validated
-- act is in the statistics the moment its validation commits.  The SCEC adds the
-- same trigger on its central act table.  A bulk load that bypasses triggers
-- (session_replication_role = replica) must call stats.rebuild_facts() after.
--
-- Statistics never block a registration: if an act's facts cannot be written
-- (a bug, data no validator should have let through), the validation still
-- commits, the act is listed in stats_source.refresh_failures with the reason, and a
-- warning is raised; the administrator fixes the cause and rebuilds.

CREATE TABLE stats_source.refresh_failures (
    act_id bigint NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now(),
    sqlstate text NOT NULL,
    reason text NOT NULL
);
REVOKE ALL ON stats_source.refresh_failures FROM PUBLIC;

CREATE FUNCTION stats._act_registered() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp AS $$
BEGIN
    BEGIN
        PERFORM stats.refresh_act(NEW.id);
    EXCEPTION WHEN OTHERS THEN
        INSERT INTO stats_source.refresh_failures (act_id, sqlstate, reason)
        VALUES (NEW.id, SQLSTATE, SQLERRM);
        RAISE WARNING 'statistics: act % left out of the facts (%): see stats_source.refresh_failures',
            NEW.id, SQLSTATE;
    END;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION stats._act_registered() FROM PUBLIC;

CREATE TRIGGER acts_statistics_insert AFTER INSERT ON ecr.acts
    FOR EACH ROW WHEN (NEW.status IN ('validated', 'transmitted', 'acknowledged'))
    EXECUTE FUNCTION stats._act_registered();
CREATE TRIGGER acts_statistics_update AFTER UPDATE OF status ON ecr.acts
    FOR EACH ROW WHEN (NEW.status IN ('validated', 'transmitted', 'acknowledged')
                       AND OLD.status NOT IN ('validated', 'transmitted', 'acknowledged'))
    EXECUTE FUNCTION stats._act_registered();
