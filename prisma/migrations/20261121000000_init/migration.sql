-- CreateEnum
CREATE TYPE "NoteClassification" AS ENUM ('MISINFORMED_OR_POTENTIALLY_MISLEADING', 'NOT_MISLEADING');

-- CreateEnum
CREATE TYPE "NoteStatus" AS ENUM ('NEEDS_MORE_RATINGS', 'CURRENTLY_RATED_HELPFUL', 'CURRENTLY_RATED_NOT_HELPFUL');

-- CreateEnum
CREATE TYPE "ScoringRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "communities" (
    "id" UUID NOT NULL,
    "slug" VARCHAR(64) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "communities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posts" (
    "id" UUID NOT NULL,
    "canonical_url" VARCHAR(2048),
    "platform" VARCHAR(64),
    "external_id" VARCHAR(256),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notes" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "post_id" UUID NOT NULL,
    "author_pseudonym" VARCHAR(80) NOT NULL,
    "classification" "NoteClassification" NOT NULL,
    "reasons" VARCHAR(64)[],
    "text" VARCHAR(1000) NOT NULL,
    "sources" VARCHAR(2048)[],
    "status" "NoteStatus" NOT NULL DEFAULT 'NEEDS_MORE_RATINGS',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scoring_runs" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "status" "ScoringRunStatus" NOT NULL DEFAULT 'QUEUED',
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "note_count" INTEGER,
    "input_hash" CHAR(64),
    "error" VARCHAR(2000),

    CONSTRAINT "scoring_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "communities_slug_key" ON "communities"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "posts_canonical_url_key" ON "posts"("canonical_url");

-- CreateIndex
CREATE UNIQUE INDEX "posts_platform_external_id_key" ON "posts"("platform", "external_id");

-- CreateIndex
CREATE INDEX "notes_community_id_post_id_idx" ON "notes"("community_id", "post_id");

-- CreateIndex
CREATE INDEX "notes_post_id_idx" ON "notes"("post_id");

-- CreateIndex
CREATE INDEX "scoring_runs_community_id_requested_at_idx" ON "scoring_runs"("community_id", "requested_at" DESC);

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notes" ADD CONSTRAINT "notes_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scoring_runs" ADD CONSTRAINT "scoring_runs_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A post is known by its canonical URL, by a platform's own id, or both; never by half an id.
ALTER TABLE "posts" ADD CONSTRAINT "posts_identity_check" CHECK (
    ("platform" IS NULL) = ("external_id" IS NULL)
    AND ("canonical_url" IS NOT NULL OR "platform" IS NOT NULL)
);
