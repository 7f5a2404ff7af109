-- SCEC central database, part 4: folding stored acts into the statistics' facts.
-- Called by the workers when idle (and by tests); SKIP LOCKED lets several
-- workers share the queue.  An act whose facts cannot be computed is kept in
-- stats_source.refresh_failures, like at the centres, and leaves the queue.
CREATE TABLE stats_source.refresh_failures (
    act_id bigint NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now(),
    sqlstate text NOT NULL,
    reason text NOT NULL
);

CREATE FUNCTION stats.refresh_pending(p_limit integer DEFAULT 1000) RETURNS integer
LANGUAGE plpgsql SET search_path = stats, pg_temp AS $$
DECLARE
    r record;
    n integer := 0;
BEGIN
    FOR r IN SELECT act_id FROM stats_source.pending ORDER BY act_id LIMIT p_limit
             FOR UPDATE SKIP LOCKED
    LOOP
        BEGIN
            PERFORM stats.refresh_act(r.act_id);
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO stats_source.refresh_failures (act_id, sqlstate, reason)
            VALUES (r.act_id, SQLSTATE, SQLERRM);
        END;
        DELETE FROM stats_source.pending WHERE act_id = r.act_id;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;
REVOKE ALL ON FUNCTION stats.refresh_pending(integer) FROM PUBLIC;
