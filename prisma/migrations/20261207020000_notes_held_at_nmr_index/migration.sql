-- The notes a stabilisation hold keeps at NEEDS_MORE_RATINGS (§10.2), which every incremental
-- run rescores though nobody rated them: their hold ends with time, not with a write. A few rows
-- of a community's notes; without this index each incremental run read every note's status
-- history (stored out of line) to find them. Partial, which the Prisma schema cannot say (its
-- @@index([communityId, id]) on Note stands for this one); the predicate is the loader's own
-- (libs/scoring-store `ScoringInputLoader`), word for word, for the planner to match it. Built in
-- the migration's transaction, which holds only the lock an index build takes: reads of the notes
-- go on, writes of them wait for it.
CREATE INDEX "notes_community_id_id_idx" ON "notes"("community_id", "id")
 WHERE jsonb_typeof("status_history"->'timestampMillisOfNmrDueToMinStableCrhTime') = 'number';
