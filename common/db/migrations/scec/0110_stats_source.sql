-- SCEC central database, part 3: the national statistics' source.
--
-- The statistics SQL of the centres (centre/0101 and the generated views, applied
-- unchanged by 0111/0112) reads one relation, stats_source.acts; here it is the
-- national register.  act_id is a technical key (never the NIU) from a sequence:
-- identity columns are not available on partitioned tables.
CREATE SEQUENCE act_id_seq;
ALTER TABLE act ADD COLUMN act_id bigint NOT NULL DEFAULT nextval('act_id_seq');
CREATE INDEX act_act_id ON act (act_id);

CREATE SCHEMA stats_source;
REVOKE ALL ON SCHEMA stats_source FROM PUBLIC;

-- Every act of the register is registered (only validated acts travel).
CREATE VIEW stats_source.acts AS
SELECT a.act_id,
       a.centre AS centre_code,
       a.event_type,
       'acknowledged'::text AS status,
       a.registered_on,
       a.occurred_on,
       a.record->>'timeliness' AS timeliness,
       a.record->'data' AS data
FROM public.act a;

-- Acts stored but not yet in the statistics' facts.  Ingest only adds their ids
-- (a statement trigger on the COPY); the workers, when idle, fold them into the
-- facts (stats.refresh_pending, 0113), so that statistics never slow ingest down.
CREATE TABLE stats_source.pending (act_id bigint PRIMARY KEY);

CREATE FUNCTION stats_source._acts_stored() RETURNS trigger
LANGUAGE plpgsql SET search_path = stats_source, pg_temp AS $$
BEGIN
    INSERT INTO stats_source.pending (act_id) SELECT act_id FROM new_acts
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER act_statistics AFTER INSERT ON public.act
    REFERENCING NEW TABLE AS new_acts
    FOR EACH STATEMENT EXECUTE FUNCTION stats_source._acts_stored();
