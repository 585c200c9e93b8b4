-- A failed run kept its last error's text in "error": for an unexpected error, whatever a library
-- put in its message (SQL, a row's values, the database's host, file paths). The runs are public
-- records, so a run now keeps only a code (its fixed sentence is in the code); the text goes to
-- the worker's log alone. Each stored text becomes the code the API already answered for it
-- (libs/database run-failures.ts), then the texts go with their column.
CREATE TYPE "RunFailureCode" AS ENUM (
  'STALLED', 'JOB_LOST', 'JOB_COMPLETED_UNPUBLISHED', 'RUN_NOT_PENDING', 'SUPERSEDED',
  'BASE_REPLACED', 'COPIED_UNFINISHED', 'WORKER_ERROR');

ALTER TABLE "scoring_runs" ADD COLUMN "error_code" "RunFailureCode";

UPDATE "scoring_runs" SET "error_code" = (CASE
    WHEN "error" ~ '^job stalled more than allowable limit' THEN 'STALLED'
    WHEN "error" ~ '^Its job \S+ is no longer in the queue' THEN 'JOB_LOST'
    WHEN "error" ~ '^Its job \S+ completed without publishing the run$' THEN 'JOB_COMPLETED_UNPUBLISHED'
    WHEN "error" ~ '^Scoring run \S+ of community \S+ is not pending$' THEN 'RUN_NOT_PENDING'
    WHEN "error" ~ '^Scoring run \S+ was superseded: run \S+ already published' THEN 'SUPERSEDED'
    WHEN "error" ~ '^Scoring run \S+ scored on run \S+, which a newer full run has replaced$' THEN 'BASE_REPLACED'
    WHEN "error" = 'Not finished when the data was copied to another database' THEN 'COPIED_UNFINISHED'
    ELSE 'WORKER_ERROR'
  END)::"RunFailureCode"
 WHERE "error" IS NOT NULL;

ALTER TABLE "scoring_runs" DROP COLUMN "error";
