-- A community-wide daily cap on the invite codes members create by proof (MEMBER_INVITES_PER_DAY,
-- docs/admission.md): without it each invitee gets a fresh quota of its own, and one member's
-- identities can multiply without bound. One row per community holding its latest UTC day and
-- how many codes its members created on it; counted in the code's transaction. No pseudonym and
-- nothing finer than the day.
-- CreateTable
CREATE TABLE "member_invite_days" (
    "community_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "created" INTEGER NOT NULL,

    CONSTRAINT "member_invite_days_pkey" PRIMARY KEY ("community_id")
);

-- AddForeignKey
ALTER TABLE "member_invite_days" ADD CONSTRAINT "member_invite_days_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "communities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
