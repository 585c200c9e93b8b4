-- A report's proof message was written and never read, and it outlived a redaction of the note:
-- the SHA-256 of the canonical `note.report` action, text included, so the emptied text could be
-- confirmed or guessed from it (the row's day leaves 1,440 minutes to try). Dropped.
ALTER TABLE "note_reports" DROP COLUMN "message";
