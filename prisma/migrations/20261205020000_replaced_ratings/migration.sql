-- The versions of ratings replaced since the latest full run read them: a rating is replaced in
-- place, so without them the version a full run read is gone and a verifier cannot rebuild that
-- run to check the rater parameters the incremental runs after it froze (docs/verifiability.md).
-- Each row is one version as it was stored, proof included, between the batch that wrote it and
-- the batch that replaced it; no time finer than those batches is kept. The next full run's
-- publication purges those replaced at or before what it read (`ReplacedRatingsStore`).
CREATE TABLE "replaced_ratings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "community_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "rater_pseudonym" VARCHAR(80) NOT NULL,
    "helpfulness" "Helpfulness" NOT NULL,
    "tags" VARCHAR(64)[],
    "client_minute" INTEGER NOT NULL,
    "proof" JSONB NOT NULL,
    "changed_batch" BIGINT NOT NULL,
    "replaced_batch" BIGINT NOT NULL,

    CONSTRAINT "replaced_ratings_pkey" PRIMARY KEY ("id")
);

-- The export reads a community's versions in id order; the purge by replacing batch.
CREATE INDEX "replaced_ratings_community_id_id_idx" ON "replaced_ratings"("community_id", "id");
CREATE INDEX "replaced_ratings_community_id_replaced_batch_idx" ON "replaced_ratings"("community_id", "replaced_batch");

ALTER TABLE "replaced_ratings" ADD CONSTRAINT "replaced_ratings_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "replaced_ratings" ADD CONSTRAINT "replaced_ratings_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "notes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Kept in the statement that replaces the rating, whatever writes it (the sealed upsert, a
-- mirror's pull): a version written and replaced in one batch was never read by a run.
CREATE FUNCTION "keep_replaced_rating"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "replaced_ratings" ("community_id", "note_id", "rater_pseudonym", "helpfulness",
                                  "tags", "client_minute", "proof", "changed_batch", "replaced_batch")
  VALUES (OLD.community_id, OLD.note_id, OLD.rater_pseudonym, OLD.helpfulness, OLD.tags,
          OLD.client_minute, OLD.proof, OLD.changed_batch, NEW.changed_batch);
  RETURN NULL;
END
$$;

CREATE TRIGGER "ratings_keep_replaced" AFTER UPDATE ON "ratings"
  FOR EACH ROW WHEN (OLD.changed_batch <> NEW.changed_batch)
  EXECUTE FUNCTION "keep_replaced_rating"();
