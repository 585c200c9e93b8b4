-- CreateEnum
CREATE TYPE "AdmissionPolicy" AS ENUM ('OPEN', 'INVITE', 'CLOSED');

-- AlterTable: communities created before this migration get their scope from their id, exactly as
-- the application derives it (see docs/protocol.md): SHA-256 over a domain tag and the UUID text.
ALTER TABLE "communities"
    ADD COLUMN "admission" "AdmissionPolicy" NOT NULL DEFAULT 'INVITE',
    ADD COLUMN "scope" VARCHAR(80),
    ADD COLUMN "tree_size" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "tree_root" VARCHAR(80) NOT NULL DEFAULT '0';

UPDATE "communities" SET "scope" = (
    SELECT sum(get_byte(d, i)::numeric * power(256::numeric, 31 - i))::numeric(80, 0)::text
      FROM (SELECT sha256(convert_to('bridgenotes/v1/scope:' || "communities"."id"::text, 'UTF8')) AS d) AS digest,
           generate_series(0, 31) AS i
);

ALTER TABLE "communities" ALTER COLUMN "scope" SET NOT NULL;

-- CreateTable
CREATE TABLE "members" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "commitment" VARCHAR(80) NOT NULL,
    "leaf_index" INTEGER NOT NULL,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "members_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tree_nodes" (
    "community_id" UUID NOT NULL,
    "level" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "hash" VARCHAR(80) NOT NULL,

    CONSTRAINT "tree_nodes_pkey" PRIMARY KEY ("community_id","level","index")
);

-- CreateTable
CREATE TABLE "group_roots" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "root" VARCHAR(80) NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_at" TIMESTAMPTZ(3),

    CONSTRAINT "group_roots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invite_codes" (
    "id" UUID NOT NULL,
    "community_id" UUID NOT NULL,
    "code_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invite_codes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "communities_scope_key" ON "communities"("scope");

-- CreateIndex
CREATE UNIQUE INDEX "members_community_id_commitment_key" ON "members"("community_id", "commitment");

-- CreateIndex
CREATE UNIQUE INDEX "members_community_id_leaf_index_key" ON "members"("community_id", "leaf_index");

-- CreateIndex
CREATE INDEX "group_roots_community_id_root_idx" ON "group_roots"("community_id", "root");

-- CreateIndex
CREATE INDEX "group_roots_community_id_created_at_idx" ON "group_roots"("community_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "invite_codes_code_hash_key" ON "invite_codes"("code_hash");

-- CreateIndex
CREATE INDEX "invite_codes_community_id_idx" ON "invite_codes"("community_id");

-- AddForeignKey
ALTER TABLE "members" ADD CONSTRAINT "members_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tree_nodes" ADD CONSTRAINT "tree_nodes_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "group_roots" ADD CONSTRAINT "group_roots_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invite_codes" ADD CONSTRAINT "invite_codes_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
