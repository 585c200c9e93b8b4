-- AlterTable
ALTER TABLE "communities"
    ADD COLUMN "scoring_lease_until" TIMESTAMPTZ(3),
    ADD COLUMN "scoring_lease_owner" UUID;

-- AlterTable
ALTER TABLE "notes"
    ADD COLUMN "score" JSONB,
    ADD COLUMN "scored_run_id" UUID;

-- AlterTable
ALTER TABLE "scoring_runs"
    ADD COLUMN "rating_count" INTEGER,
    ADD COLUMN "algorithm_version" VARCHAR(32),
    ADD COLUMN "seed" INTEGER,
    ADD COLUMN "status_counts" JSONB;

-- CreateTable
CREATE TABLE "note_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "note_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "previous" "NoteStatus" NOT NULL,
    "next" "NoteStatus" NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "note_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "note_status_changes_note_id_changed_at_idx" ON "note_status_changes"("note_id", "changed_at");

-- AddForeignKey
ALTER TABLE "note_status_changes" ADD CONSTRAINT "note_status_changes_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "notes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note_status_changes" ADD CONSTRAINT "note_status_changes_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
