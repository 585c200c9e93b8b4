-- CreateEnum
CREATE TYPE "Helpfulness" AS ENUM ('HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL');

-- AlterTable
ALTER TABLE "notes"
    ADD COLUMN "proof" JSONB,
    ADD COLUMN "client_minute" INTEGER,
    ADD COLUMN "message" VARCHAR(80),
    ADD COLUMN "delete_proof" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "notes_community_id_author_pseudonym_message_key" ON "notes"("community_id", "author_pseudonym", "message");

-- CreateIndex
CREATE INDEX "notes_community_id_status_created_at_idx" ON "notes"("community_id", "status", "created_at");

-- CreateTable
CREATE TABLE "ratings" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "rater_pseudonym" VARCHAR(80) NOT NULL,
    "helpfulness" "Helpfulness" NOT NULL,
    "tags" VARCHAR(64)[],
    "client_minute" INTEGER NOT NULL,
    "proof" JSONB NOT NULL,

    CONSTRAINT "ratings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scoring_events" (
    "id" BIGSERIAL NOT NULL,
    "community_id" UUID NOT NULL,
    "kind" VARCHAR(32) NOT NULL,

    CONSTRAINT "scoring_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ratings_note_id_rater_pseudonym_key" ON "ratings"("note_id", "rater_pseudonym");

-- CreateIndex
CREATE INDEX "ratings_community_id_rater_pseudonym_idx" ON "ratings"("community_id", "rater_pseudonym");

-- CreateIndex
CREATE INDEX "ratings_community_id_id_idx" ON "ratings"("community_id", "id");

-- CreateIndex
CREATE INDEX "scoring_events_community_id_idx" ON "scoring_events"("community_id");

-- AddForeignKey
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_note_id_fkey" FOREIGN KEY ("note_id") REFERENCES "notes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scoring_events" ADD CONSTRAINT "scoring_events_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
