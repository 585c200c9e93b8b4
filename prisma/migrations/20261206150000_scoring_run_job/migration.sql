-- The queue job that serves each run, so that the worker can fail a run whose job BullMQ has
-- failed (a job stalled more often than allowed, its failure hook never run) or no longer has
-- (docs/operations.md, "Scoring runs that never end"). Runs recorded before stay null: the worker
-- looks their job up by the run's id (an operator's run) and names it at the run's next attempt.
ALTER TABLE "scoring_runs" ADD COLUMN "job_id" VARCHAR(255);

-- The pending runs, which the worker's sweep reads every minute: a few rows of a table that only
-- grows. Partial, which the Prisma schema cannot say (its @@index([status]) stands for this one).
CREATE INDEX "scoring_runs_status_idx" ON "scoring_runs"("status")
 WHERE "status" IN ('QUEUED', 'RUNNING');
