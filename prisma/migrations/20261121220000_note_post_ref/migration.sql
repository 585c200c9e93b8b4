-- The post exactly as the author submitted it (the note.create payload's "post"): the canonical
-- URL alone cannot reproduce the proven message, so without it a note could not be re-verified.
-- AlterTable
ALTER TABLE "notes" ADD COLUMN "post_ref" JSONB;
