-- The moderation queue drains (docs/moderation.md, Reports): a report is `handled` once a
-- moderator acts on its note (HIDE, RESTORE, REDACT: set in the action's transaction), and the
-- queue holds only notes with a report that is not. A flag, not a time: reports keep their day
-- only.
ALTER TABLE "note_reports" ADD COLUMN "handled" BOOLEAN NOT NULL DEFAULT false;

-- Reports from before know only their day: one is handled if an action on its note came on a
-- later day. A report of the action's own day stays in the queue once more (it may have come
-- after the action), rather than be lost.
UPDATE "note_reports" AS r SET "handled" = true
 WHERE EXISTS (
   SELECT 1 FROM "moderation_log" AS l
    WHERE l."community_id" = r."community_id"
      AND l."target" = 'note:' || r."note_id"::text
      AND l."day" > r."day");

-- The queue's first step: the community's notes with an open report.
CREATE INDEX "note_reports_community_id_handled_note_id_idx" ON "note_reports"("community_id", "handled", "note_id");
