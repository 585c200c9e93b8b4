-- A proof hides its member among the live members of the root it proves against, and a
-- pseudonym's anonymity set is the smallest one it ever used, forever: the API refuses proofs
-- against a root of fewer live members than PROOF_MIN_MEMBERS (403 PROOF_ROOT_TOO_SMALL). `size`
-- counts every leaf, removed (zeroed) members' too, so each root now keeps its live members (its
-- non-zero leaves) beside it, and the community its current count.
ALTER TABLE "group_roots" ADD COLUMN "live_members" INTEGER;
ALTER TABLE "communities" ADD COLUMN "tree_members" INTEGER NOT NULL DEFAULT 0;

-- The current tree's count, exactly: its non-zero leaves (level 0 of tree_nodes).
UPDATE "communities" c SET "tree_members" = (
  SELECT count(*) FROM "tree_nodes" n
   WHERE n."community_id" = c."id" AND n."level" = 0 AND n."hash" <> '0');

-- Each root's count: the current root's is the tree's. A superseded root's live members are not
-- recorded anywhere exactly (a removal's time and its root's differ by milliseconds), so it is
-- given a lower bound, never more than it had: its leaves whose member is still not removed. A
-- root so undercounted can only be refused as too small while it stays in the proof window (an
-- hour by default); the member's client proves again against the current root.
UPDATE "group_roots" r SET "live_members" = c."tree_members"
  FROM "communities" c
 WHERE r."community_id" = c."id" AND r."superseded_at" IS NULL AND r."root" = c."tree_root";
-- Roots are never pruned and a community can have one per member, so a count per root would be
-- quadratic (minutes to hours, at startup, under this migration's locks): each leaf instead gets
-- its community's running count of members not removed up to it, once, and a root takes the
-- count at its last leaf (the largest leaf index below its size; none: 0).
CREATE TEMP TABLE "live_up_to" ON COMMIT DROP AS
  SELECT m."community_id", m."leaf_index",
         count(*) FILTER (WHERE m."removed_at" IS NULL)
           OVER (PARTITION BY m."community_id" ORDER BY m."leaf_index") AS "live"
    FROM "members" m;
CREATE UNIQUE INDEX ON "live_up_to" ("community_id", "leaf_index");
ANALYZE "live_up_to";
UPDATE "group_roots" r SET "live_members" = COALESCE((
  SELECT l."live" FROM "live_up_to" l
   WHERE l."community_id" = r."community_id" AND l."leaf_index" < r."size"
   ORDER BY l."leaf_index" DESC LIMIT 1), 0)
 WHERE r."live_members" IS NULL;

ALTER TABLE "group_roots" ALTER COLUMN "live_members" SET NOT NULL;
