-- AlterTable
ALTER TABLE "scoring_runs" ADD COLUMN     "base_run_id" UUID,
ADD COLUMN     "changed_through" BIGINT,
ADD COLUMN     "kind" VARCHAR(16) NOT NULL DEFAULT 'FULL';

-- CreateTable
CREATE TABLE "scoring_run_raters" (
    "run_id" UUID NOT NULL,
    "state" BYTEA NOT NULL,

    CONSTRAINT "scoring_run_raters_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "staged_note_results" (
    "run_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "status" "NoteStatus" NOT NULL,
    "score" JSONB NOT NULL,
    "status_history" JSONB NOT NULL,
    "previous_status_history" JSONB,

    CONSTRAINT "staged_note_results_pkey" PRIMARY KEY ("run_id","note_id")
);

-- CreateTable
CREATE TABLE "staged_standings" (
    "run_id" UUID NOT NULL,
    "pseudonym" VARCHAR(80) NOT NULL,
    "rating_impact" INTEGER NOT NULL,
    "writing_impact" INTEGER NOT NULL,
    "successful_ratings" INTEGER NOT NULL,
    "unsuccessful_ratings" INTEGER NOT NULL,
    "notes_helpful" INTEGER NOT NULL,
    "notes_not_helpful" INTEGER NOT NULL,
    "notes_needing_ratings" INTEGER NOT NULL,
    "recent_not_helpful" INTEGER NOT NULL,
    "impact_since_lock" INTEGER NOT NULL,

    CONSTRAINT "staged_standings_pkey" PRIMARY KEY ("run_id","pseudonym")
);

-- CreateIndex
CREATE INDEX "scoring_runs_community_id_kind_finished_at_idx" ON "scoring_runs"("community_id", "kind", "finished_at" DESC);

-- AddForeignKey
ALTER TABLE "scoring_run_raters" ADD CONSTRAINT "scoring_run_raters_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staged_note_results" ADD CONSTRAINT "staged_note_results_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "staged_standings" ADD CONSTRAINT "staged_standings_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
