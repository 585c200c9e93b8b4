-- The scoring loader reads each rating as of its run's cut: a rating replaced since is read as
-- its version current then, looked up by note and pseudonym (`ScoringInputLoader`).
-- CreateIndex
CREATE INDEX "replaced_ratings_note_id_rater_pseudonym_idx" ON "replaced_ratings"("note_id", "rater_pseudonym");
