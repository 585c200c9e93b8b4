-- A root's place in its community's history. The export ordered roots by time, then size, then
-- id, a random uuid: a mirror keeps its origin's times, and two roots of the same time and size
-- (two removals the origin dated alike) could be stored, and exported, in another order than
-- the origin's, from which a verifier derives every root's window. The history's order is now
-- kept as a number given under the tree lock, in the order the roots were recorded.
ALTER TABLE "group_roots" ADD COLUMN "seq" INTEGER;

-- The existing rows in the order the export gave them, so that no served history changes.
UPDATE "group_roots" r SET "seq" = o."seq"
  FROM (SELECT "id", row_number() OVER (PARTITION BY "community_id"
                                        ORDER BY "created_at", "size", "id") - 1 AS "seq"
          FROM "group_roots") o
 WHERE r."id" = o."id";

ALTER TABLE "group_roots" ALTER COLUMN "seq" SET NOT NULL;
CREATE UNIQUE INDEX "group_roots_community_id_seq_key" ON "group_roots"("community_id", "seq");
