-- AlterTable
ALTER TABLE "communities"
    ADD COLUMN "webhook_url" VARCHAR(2048),
    ADD COLUMN "webhook_secret" VARCHAR(128);

-- CreateTable
CREATE TABLE "note_scores" (
    "run_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "status" "NoteStatus" NOT NULL,
    "score" JSONB NOT NULL,

    CONSTRAINT "note_scores_pkey" PRIMARY KEY ("run_id","note_id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enqueued_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "note_scores_note_id_idx" ON "note_scores"("note_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_community_id_created_at_idx" ON "webhook_deliveries"("community_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_enqueued_at_idx" ON "webhook_deliveries"("enqueued_at");

-- AddForeignKey
ALTER TABLE "note_scores" ADD CONSTRAINT "note_scores_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "note_scores" ADD CONSTRAINT "note_scores_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "notes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
