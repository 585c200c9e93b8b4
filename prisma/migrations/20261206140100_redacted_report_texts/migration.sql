-- A redaction now empties the texts of the note's reports too, in its transaction
-- (docs/moderation.md): one could quote what it removed. Notes redacted before lose their
-- reports' texts here.
UPDATE "note_reports" AS r SET "text" = ''
  FROM "notes" AS n
 WHERE n."id" = r."note_id" AND n."redacted" AND r."text" <> '';
