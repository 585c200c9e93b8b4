-- MEMBER_INVITES_PER_DAY bounds the identities member invites add in a day, not only the codes
-- created: a member's code is good for a week, so codes made over several days could otherwise
-- all be redeemed on one (docs/admission.md). A code says whether members made it (nothing says
-- which member), and the community's row counts the joins by member codes on its latest join
-- day, at their seal. Only the day is kept, and no commitment.
ALTER TABLE "invite_codes" ADD COLUMN "by_member" BOOLEAN NOT NULL DEFAULT false;

-- The member codes made before this migration: their week, from a whole hour, is theirs alone
-- (an operator's code starts at its millisecond of creation).
UPDATE "invite_codes" SET "by_member" = true
 WHERE "expires_at" - "created_at" = INTERVAL '169 hours'
   AND date_trunc('hour', "created_at") = "created_at";

ALTER TABLE "member_invite_days" ADD COLUMN "joined_day" DATE,
ADD COLUMN "joined" INTEGER NOT NULL DEFAULT 0;
