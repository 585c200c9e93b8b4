-- Rows written before writes were sealed in batches (20261203170000_sealed_writes) kept what that
-- migration left them: each its own transaction id (xmin), a place in its table's file in arrival
-- order, and, for notes and ratings, a `changed_batch` that is the id of the one write's own
-- transaction, which the export serves. Ordered together (joins, notes, ratings, requests) they
-- still told which pseudonym wrote right after which join (docs/threat-model.md). This rewrites
-- every such row in this one transaction, then each table's file in the order of its random
-- primary key, and gives notes and ratings as few batches as the export's verifiability allows:
-- a row takes the first mark at or above its batch among its community's published runs
-- (`changed_through`, what each run read), so every run still read exactly what it read and the
-- verifier rebuilds its input; rows no run read take one new batch. Followers pull the moved rows
-- again.

CREATE TEMPORARY TABLE "reseal_marks" ON COMMIT DROP AS
SELECT DISTINCT "community_id", "changed_through"
  FROM "scoring_runs"
 WHERE "status" = 'SUCCEEDED' AND "changed_through" IS NOT NULL;
CREATE INDEX ON "reseal_marks" ("community_id", "changed_through");

-- Not a change of any rating: no kept version (`ratings_keep_replaced`), and the batch is set
-- once here rather than by the update trigger.
ALTER TABLE "ratings" DISABLE TRIGGER "ratings_keep_replaced";
ALTER TABLE "ratings" DISABLE TRIGGER "ratings_changed_batch";
UPDATE "ratings" AS r SET "changed_batch" = coalesce(
  (SELECT min(m."changed_through") FROM "reseal_marks" m
    WHERE m."community_id" = r."community_id" AND m."changed_through" >= r."changed_batch"),
  change_batch());
ALTER TABLE "ratings" ENABLE TRIGGER "ratings_changed_batch";
ALTER TABLE "ratings" ENABLE TRIGGER "ratings_keep_replaced";

-- The notes' trigger moves the batch only when an exported field changes: set directly.
UPDATE "notes" AS n SET "changed_batch" = coalesce(
  (SELECT min(m."changed_through") FROM "reseal_marks" m
    WHERE m."community_id" = n."community_id" AND m."changed_through" >= n."changed_batch"),
  change_batch());
UPDATE "note_requests" SET "client_minute" = "client_minute";
UPDATE "members" SET "leaf_index" = "leaf_index";

-- The updates appended the new row versions in the old order; these rewrite each file in the
-- order of random ids (the old versions go with the old files).
CLUSTER "notes" USING "notes_pkey";
CLUSTER "ratings" USING "ratings_pkey";
CLUSTER "note_requests" USING "note_requests_pkey";
CLUSTER "members" USING "members_pkey";
