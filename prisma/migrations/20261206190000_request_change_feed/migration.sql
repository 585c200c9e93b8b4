-- The requests stream joins the export's change feed (docs/operations.md, "Mirrors"): a mirror
-- reads only the requests sealed since its cursor instead of the whole stream on every pull.
-- A request takes the batch of the transaction that stores it, from the counter notes and
-- ratings use (`change_batch()`), so its batch is below a horizon only once it has committed.
-- Requests are never updated once stored: no trigger moves the batch. The feed's index is the
-- next migration's: each migration is one transaction, and the column change's exclusive lock
-- would otherwise stop every read of the table for the whole index build.

-- Existing requests: batch 0, below every batch the counter gives, so a mirror reading the
-- feed from its start (every mirror: none had a requests cursor) finds them first. A constant
-- default adds the column without rewriting the table; new rows then take their batch.
ALTER TABLE "note_requests" ADD COLUMN "changed_batch" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "note_requests" ALTER COLUMN "changed_batch" SET DEFAULT change_batch();
