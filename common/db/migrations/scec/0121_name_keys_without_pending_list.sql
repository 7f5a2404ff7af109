-- SCEC central database: the national register's name index without a pending list
-- (issue 15, measured by bench/national_search.py).
--
-- A GIN index with fastupdate (PostgreSQL's default) queues new entries in a pending
-- list that every search scans linearly until a vacuum merges it: right after a
-- load of 200,000 acts a national name search took 168 ms (p50) instead of 10 ms,
-- and continuous ingest keeps such a list growing between autovacuums.  Without
-- it, each stored act updates the index at once: searches stay fast whatever the
-- vacuum schedule, at a small cost per insert (docs/performance.md).  Storage
-- parameters cannot be altered on a partitioned index, so it is built again; the
-- partitions created later (ensure_act_partition) inherit it.
DROP INDEX act_name_keys;
CREATE INDEX act_name_keys ON act USING gin (name_keys) WITH (fastupdate = off);
