-- Statistics, part 1 (centre only): the source relation of every statistics view.
--
-- All statistics SQL (0101, 0102 and later generated files) reads ONE relation,
-- stats_source.acts(act_id, centre_code, event_type, status, registered_on,
-- occurred_on, timeliness, data jsonb).  The centre defines it here over its own
-- act table; the SCEC defines the same relation over its central table, and then
-- applies the very same 0101/0102 files: that is how the national level reuses
-- the centre's statistics unchanged.
--
-- Only registered acts count: validated, transmitted or acknowledged.  Drafts,
-- verified-but-not-validated and rejected acts never appear in statistics.
-- act_id is the technical key, never the NIU.  The schema is readable by its
-- owner only: the data column holds names, and no role but the owner may read it.

CREATE SCHEMA stats_source;
REVOKE ALL ON SCHEMA stats_source FROM PUBLIC;

CREATE VIEW stats_source.acts AS
SELECT a.id AS act_id,
       (SELECT c.code FROM ecr.centre c) AS centre_code,
       a.event_type,
       a.status,
       a.registered_on,
       a.occurred_on,
       a.timeliness,
       a.data
FROM ecr.acts a
WHERE a.status IN ('validated', 'transmitted', 'acknowledged');

COMMENT ON VIEW stats_source.acts IS
    'Registered acts (validated, transmitted, acknowledged) as the statistics views read them';
