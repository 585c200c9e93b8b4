-- The scorer's state between runs (Community Notes' note status history: holds, locks, the
-- previous status) and the run time it was computed at, so a verifier can recompute a run from
-- the open data: each note keeps the history row the latest run left and the one it started
-- from; each run keeps its time.
-- AlterTable
ALTER TABLE "notes"
    ADD COLUMN "status_history" JSONB,
    ADD COLUMN "previous_status_history" JSONB;
-- AlterTable
ALTER TABLE "scoring_runs" ADD COLUMN "now_at" TIMESTAMPTZ(3);
