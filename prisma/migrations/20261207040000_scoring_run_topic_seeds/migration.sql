-- The topic seeds each run scored with: an incremental run is planned only on a full run of the
-- community's current seeds (its frozen raters and input hash are of the seeds it read). Null for
-- the runs before: their seeds are unknown, so the next run after this migration is full.
ALTER TABLE "scoring_runs" ADD COLUMN "topic_seeds" JSONB;
