-- Moderation (docs/moderation.md): reports, moderator keys, the public log and blocks. A hidden
-- or redacted note keeps its row; `hidden` and `redacted` are not part of what bumps the note's
-- changed_xid, but a redaction empties text and sources, which does: mirrors see the change.

-- CreateEnum
CREATE TYPE "ReportReason" AS ENUM ('PERSONAL_DATA', 'ILLEGAL', 'SPAM', 'HARASSMENT', 'OTHER');

-- CreateEnum
CREATE TYPE "ModerationAction" AS ENUM ('HIDE', 'RESTORE', 'REDACT', 'BLOCK', 'UNBLOCK');

-- AlterTable
ALTER TABLE "notes" ADD COLUMN "hidden" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "redacted" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "note_reports" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "reporter_pseudonym" VARCHAR(80) NOT NULL,
    "reason" "ReportReason" NOT NULL,
    "text" VARCHAR(500) NOT NULL DEFAULT '',
    "message" VARCHAR(80) NOT NULL,
    "day" DATE NOT NULL,

    CONSTRAINT "note_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderator_keys" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "label" VARCHAR(120) NOT NULL,
    "key_hash" VARCHAR(64) NOT NULL,
    "created_day" DATE NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "moderator_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "moderation_log" (
    "community_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "action" "ModerationAction" NOT NULL,
    "target" VARCHAR(100) NOT NULL,
    "reason_code" VARCHAR(32) NOT NULL,
    "moderator_key_id" VARCHAR(64) NOT NULL,
    "day" DATE NOT NULL,
    "message" VARCHAR(80),
    "previous_hash" VARCHAR(64) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,

    CONSTRAINT "moderation_log_pkey" PRIMARY KEY ("community_id","seq")
);

-- CreateTable
CREATE TABLE "blocked_pseudonyms" (
    "community_id" UUID NOT NULL,
    "pseudonym" VARCHAR(80) NOT NULL,

    CONSTRAINT "blocked_pseudonyms_pkey" PRIMARY KEY ("community_id","pseudonym")
);

-- CreateIndex
CREATE UNIQUE INDEX "note_reports_note_id_reporter_pseudonym_key" ON "note_reports"("note_id", "reporter_pseudonym");

-- CreateIndex
CREATE INDEX "note_reports_community_id_note_id_idx" ON "note_reports"("community_id", "note_id");

-- CreateIndex
CREATE UNIQUE INDEX "moderator_keys_key_hash_key" ON "moderator_keys"("key_hash");

-- CreateIndex
CREATE INDEX "moderator_keys_community_id_idx" ON "moderator_keys"("community_id");

-- The log is append-only: no statement may change or remove an entry once written.
CREATE FUNCTION "moderation_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'moderation_log is append-only';
END
$$;

CREATE TRIGGER "moderation_log_append_only" BEFORE UPDATE OR DELETE ON "moderation_log"
  FOR EACH ROW EXECUTE FUNCTION "moderation_log_append_only"();
