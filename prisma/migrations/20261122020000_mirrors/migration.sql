-- Mirroring (issue 9): following a community of another instance.

-- Every note and rating carries the id of the transaction that last changed what the export
-- shows of it. Reading in that order, and only below the oldest transaction still running
-- (pg_snapshot_xmin), a follower sees every change exactly once, including ratings replaced in
-- place and notes deleted later, which an id-ordered read cannot show. Existing rows share the
-- migration's transaction id.
ALTER TABLE "notes" ADD COLUMN "changed_xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint;
ALTER TABLE "ratings" ADD COLUMN "changed_xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint;

CREATE INDEX "notes_community_id_changed_xid_id_idx" ON "notes"("community_id", "changed_xid", "id");
CREATE INDEX "ratings_community_id_changed_xid_id_idx" ON "ratings"("community_id", "changed_xid", "id");

CREATE FUNCTION "bump_changed_xid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_xid := (pg_current_xact_id())::text::bigint;
  RETURN NEW;
END
$$;

-- A rating is only ever updated when a newer one replaces it.
CREATE TRIGGER "ratings_changed_xid" BEFORE UPDATE ON "ratings"
  FOR EACH ROW EXECUTE FUNCTION "bump_changed_xid"();

-- A note is updated by every scoring run (status, score): only a change of what the export
-- shows of it (its deletion, in practice) counts as a change.
CREATE TRIGGER "notes_changed_xid" BEFORE UPDATE ON "notes"
  FOR EACH ROW
  WHEN (ROW(OLD.author_pseudonym, OLD.post_id, OLD.classification, OLD.reasons, OLD.text, OLD.sources,
            OLD.created_at, OLD.deleted_at, OLD.proof, OLD.post_ref, OLD.client_minute, OLD.delete_proof)
        IS DISTINCT FROM
        ROW(NEW.author_pseudonym, NEW.post_id, NEW.classification, NEW.reasons, NEW.text, NEW.sources,
            NEW.created_at, NEW.deleted_at, NEW.proof, NEW.post_ref, NEW.client_minute, NEW.delete_proof))
  EXECUTE FUNCTION "bump_changed_xid"();

-- CreateTable
CREATE TABLE "mirrors" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "origin_url" VARCHAR(2048) NOT NULL,
    "origin_slug" VARCHAR(64) NOT NULL,
    "origin_rules" JSONB NOT NULL,
    "cursors" JSONB NOT NULL DEFAULT '{}',
    "stopped_at" TIMESTAMPTZ(3),
    "last_pull_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_error" VARCHAR(2000),
    "origin_run_id" UUID,
    "origin_run_finished_at" TIMESTAMPTZ(3),
    "origin_run_input_hash" CHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mirrors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mirror_refusals" (
    "id" BIGSERIAL NOT NULL,
    "mirror_id" UUID NOT NULL,
    "stream" VARCHAR(16) NOT NULL,
    "subject" VARCHAR(160) NOT NULL,
    "code" VARCHAR(40) NOT NULL,
    "message" VARCHAR(500) NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "times" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "mirror_refusals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mirror_origin_results" (
    "mirror_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "status" "NoteStatus" NOT NULL,
    "run_id" UUID,

    CONSTRAINT "mirror_origin_results_pkey" PRIMARY KEY ("mirror_id","note_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mirrors_community_id_key" ON "mirrors"("community_id");

-- CreateIndex
CREATE UNIQUE INDEX "mirror_refusals_mirror_id_subject_code_key" ON "mirror_refusals"("mirror_id", "subject", "code");

-- CreateIndex
CREATE INDEX "mirror_refusals_mirror_id_last_seen_at_idx" ON "mirror_refusals"("mirror_id", "last_seen_at" DESC);

-- AddForeignKey
ALTER TABLE "mirrors" ADD CONSTRAINT "mirrors_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mirror_refusals" ADD CONSTRAINT "mirror_refusals_mirror_id_fkey" FOREIGN KEY ("mirror_id") REFERENCES "mirrors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mirror_origin_results" ADD CONSTRAINT "mirror_origin_results_mirror_id_fkey" FOREIGN KEY ("mirror_id") REFERENCES "mirrors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
