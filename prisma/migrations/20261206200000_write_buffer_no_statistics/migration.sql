-- The planner's statistics of a table are a sample of its values (most common values, histogram
-- bounds), kept in pg_statistic, and so in every backup, snapshot and WAL segment, until the next
-- ANALYZE. For the write buffer, which autovacuum analyzes after every fifty-odd writes, that is
-- the pseudonyms, commitments and dedupe keys waiting at that moment, and which invite code went
-- with which commitment: what sealing in shuffled batches exists to hide. Its queries need no
-- statistics (it holds a window's writes, read by community and kind, or by key), so none is
-- gathered for any of its columns; autovacuum still vacuums it (immediate mode seals writes one
-- by one, leaving a dead row each, and never rewrites the table).
ALTER TABLE "write_buffer"
  ALTER COLUMN "id" SET STATISTICS 0,
  ALTER COLUMN "community_id" SET STATISTICS 0,
  ALTER COLUMN "kind" SET STATISTICS 0,
  ALTER COLUMN "actor" SET STATISTICS 0,
  ALTER COLUMN "dedupe_key" SET STATISTICS 0,
  ALTER COLUMN "payload" SET STATISTICS 0,
  ALTER COLUMN "arrived_window" SET STATISTICS 0;

-- A sample taken before this migration stays until deleted: only a superuser may (the
-- migrations run as one in the shipped setups and in embedded mode); elsewhere the operator is
-- told to, by a notice here and in docs/operations.md.
DO $$
BEGIN
  DELETE FROM pg_statistic WHERE starelid = '"write_buffer"'::regclass;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'write_buffer''s old statistics kept: as a superuser, run DELETE FROM pg_statistic WHERE starelid = ''write_buffer''::regclass';
END
$$;
