-- Sybil resistance and earned standing (docs/admission.md):
-- a CREDENTIAL admission policy (trusted issuers, one membership per issuer account kept only as
-- a keyed hash, used tickets kept only as keyed hashes until they expire), invite quotas (codes a
-- member creates by proof), and each pseudonym's rating and writing impact as the latest scoring
-- run computed them, with the community's earn-in impact.
-- AlterEnum
ALTER TYPE "AdmissionPolicy" ADD VALUE 'CREDENTIAL' BEFORE 'CLOSED';

-- AlterTable: no earn-in unless the operator opts in (Community Notes uses a rating impact of
-- 5): in a new community nobody could earn one before its first note, which nobody could write.
ALTER TABLE "communities"
    ADD COLUMN "earn_in_impact" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "invite_quota" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "invite_quota_uses" (
    "community_id" UUID NOT NULL,
    "pseudonym" VARCHAR(80) NOT NULL,
    "used" INTEGER NOT NULL,

    CONSTRAINT "invite_quota_uses_pkey" PRIMARY KEY ("community_id","pseudonym")
);

-- CreateTable
CREATE TABLE "credential_issuers" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "issuer" VARCHAR(512) NOT NULL,
    "jwks_url" VARCHAR(2048),
    "jwks" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credential_issuers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credential_accounts" (
    "community_id" UUID NOT NULL,
    "account_hash" CHAR(64) NOT NULL,
    "member_id" UUID NOT NULL,

    CONSTRAINT "credential_accounts_pkey" PRIMARY KEY ("community_id","account_hash")
);

-- CreateTable
CREATE TABLE "credential_ticket_uses" (
    "ticket_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "credential_ticket_uses_pkey" PRIMARY KEY ("ticket_hash")
);

-- CreateTable
CREATE TABLE "pseudonym_standings" (
    "community_id" UUID NOT NULL,
    "pseudonym" VARCHAR(80) NOT NULL,
    "run_id" UUID NOT NULL,
    "rating_impact" INTEGER NOT NULL,
    "writing_impact" INTEGER NOT NULL,
    "successful_ratings" INTEGER NOT NULL,
    "unsuccessful_ratings" INTEGER NOT NULL,
    "notes_helpful" INTEGER NOT NULL,
    "notes_not_helpful" INTEGER NOT NULL,
    "notes_needing_ratings" INTEGER NOT NULL,
    "recent_not_helpful" INTEGER NOT NULL,
    "impact_since_lock" INTEGER NOT NULL,

    CONSTRAINT "pseudonym_standings_pkey" PRIMARY KEY ("community_id","pseudonym")
);

-- CreateIndex
CREATE UNIQUE INDEX "credential_issuers_community_id_issuer_key" ON "credential_issuers"("community_id", "issuer");

-- CreateIndex
CREATE UNIQUE INDEX "credential_accounts_member_id_key" ON "credential_accounts"("member_id");

-- CreateIndex
CREATE INDEX "credential_ticket_uses_expires_at_idx" ON "credential_ticket_uses"("expires_at");

-- CreateIndex
CREATE INDEX "pseudonym_standings_run_id_idx" ON "pseudonym_standings"("run_id");

-- AddForeignKey
ALTER TABLE "invite_quota_uses" ADD CONSTRAINT "invite_quota_uses_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credential_issuers" ADD CONSTRAINT "credential_issuers_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credential_accounts" ADD CONSTRAINT "credential_accounts_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credential_accounts" ADD CONSTRAINT "credential_accounts_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pseudonym_standings" ADD CONSTRAINT "pseudonym_standings_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pseudonym_standings" ADD CONSTRAINT "pseudonym_standings_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
