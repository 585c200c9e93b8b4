-- The status history each note had when the latest full run started, kept for the notes that
-- incremental runs rescored since (they overwrite the note's `previous_status_history`): with it
-- and the changed-batch marks, a verifier rebuilds the full run's input and checks the frozen
-- rater parameters the incremental runs scored against. Dropped with the frozen raters when the
-- next full run publishes.
CREATE TABLE "scoring_base_histories" (
    "run_id" UUID NOT NULL,
    "note_id" UUID NOT NULL,
    "status_history" JSONB,

    CONSTRAINT "scoring_base_histories_pkey" PRIMARY KEY ("run_id","note_id")
);

ALTER TABLE "scoring_base_histories" ADD CONSTRAINT "scoring_base_histories_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scoring_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The export's results stream reads them by note, a batch of notes at a time.
CREATE INDEX "scoring_base_histories_note_id_idx" ON "scoring_base_histories"("note_id");
