-- CreateTable
CREATE TABLE "pseudonym_daily_counts" (
    "community_id" UUID NOT NULL,
    "pseudonym" VARCHAR(80) NOT NULL,
    "day" DATE NOT NULL,
    "notes" INTEGER NOT NULL DEFAULT 0,
    "note_requests" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "pseudonym_daily_counts_pkey" PRIMARY KEY ("community_id","pseudonym","day")
);
