-- Statistics, part 4 (centre only): keep the statistics facts in step with the acts.
--
-- When an act becomes registered (validated; or inserted already registered),
-- stats.refresh_act (generated, shared with the SCEC) writes its typed,
-- name-free row into stats.<event>_facts, in the same transaction: a validated
-- act is in the statistics the moment its validation commits.  The SCEC adds the
-- same trigger on its central act table.  A bulk load that bypasses triggers
-- (session_replication_role = replica) must call stats.rebuild_facts() after.

CREATE FUNCTION stats._act_registered() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = stats, pg_temp AS $$
BEGIN
    PERFORM stats.refresh_act(NEW.id);
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
