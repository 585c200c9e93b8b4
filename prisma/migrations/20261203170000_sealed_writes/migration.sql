-- Unlinkable at rest (issue 25): proven writes and joins wait in `write_buffer` and are sealed
-- into their tables in batches, one transaction per batch, in shuffled order, so transaction
-- ids, row order and times say only the batch (docs/threat-model.md).

-- The export's change feed is ordered by batch instead of by transaction id: one counter row,
-- advanced once by every transaction that changes what the export shows of a note or rating.
-- Its row lock is held until that transaction ends, so batch numbers are taken in commit order:
-- a reader that sees batch n committed has every batch below n.
CREATE TABLE "change_batches" (
    "id" INTEGER NOT NULL,
    "last" BIGINT NOT NULL,

    CONSTRAINT "change_batches_pkey" PRIMARY KEY ("id")
);

-- Existing positions stay valid (followers keep their cursors): numbering carries on above them.
INSERT INTO "change_batches" ("id", "last")
SELECT 1, greatest((SELECT coalesce(max("changed_xid"), 0) FROM "notes"),
                   (SELECT coalesce(max("changed_xid"), 0) FROM "ratings"));

-- The transaction's batch: taken from the counter on first use, then kept in a setting local to
-- the transaction (reset at its end).
CREATE FUNCTION "change_batch"() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  taken text := current_setting('bridgenotes.change_batch', true);
  batch bigint;
BEGIN
  IF taken IS NOT NULL AND taken <> '' THEN
    RETURN taken::bigint;
  END IF;
  UPDATE "change_batches" SET "last" = "last" + 1 WHERE "id" = 1 RETURNING "last" INTO batch;
  PERFORM set_config('bridgenotes.change_batch', batch::text, true);
  RETURN batch;
END
$$;

ALTER TABLE "notes" RENAME COLUMN "changed_xid" TO "changed_batch";
ALTER TABLE "ratings" RENAME COLUMN "changed_xid" TO "changed_batch";
ALTER TABLE "notes" ALTER COLUMN "changed_batch" SET DEFAULT change_batch();
ALTER TABLE "ratings" ALTER COLUMN "changed_batch" SET DEFAULT change_batch();
ALTER INDEX "notes_community_id_changed_xid_id_idx" RENAME TO "notes_community_id_changed_batch_id_idx";
ALTER INDEX "ratings_community_id_changed_xid_id_idx" RENAME TO "ratings_community_id_changed_batch_id_idx";
ALTER TRIGGER "notes_changed_xid" ON "notes" RENAME TO "notes_changed_batch";
ALTER TRIGGER "ratings_changed_xid" ON "ratings" RENAME TO "ratings_changed_batch";

CREATE OR REPLACE FUNCTION "bump_changed_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_batch := change_batch();
  RETURN NEW;
END
$$;
ALTER FUNCTION "bump_changed_xid"() RENAME TO "bump_changed_batch";

-- Proven writes and joins answered 201 and not sealed yet. A row holds what its write will
-- store; it is deleted in the batch that seals it. `arrived_window` (arrival time divided by the
-- sealing window) only tells the sealer how long a quiet community's rows have waited.
CREATE TABLE "write_buffer" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "actor" VARCHAR(80) NOT NULL,
    "dedupe_key" VARCHAR(200) NOT NULL,
    "payload" JSONB NOT NULL,
    "arrived_window" BIGINT NOT NULL,

    CONSTRAINT "write_buffer_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "write_buffer_dedupe_key_key" ON "write_buffer"("dedupe_key");
CREATE INDEX "write_buffer_community_id_kind_idx" ON "write_buffer"("community_id", "kind");

ALTER TABLE "write_buffer" ADD CONSTRAINT "write_buffer_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Times finer than needed, beside rows a member's write creates: kept to the hour.
UPDATE "posts" SET "created_at" = date_trunc('hour', "created_at");
UPDATE "invite_codes" SET "redeemed_at" = date_trunc('hour', "redeemed_at") WHERE "redeemed_at" IS NOT NULL;
