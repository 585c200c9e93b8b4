-- Each published run's number among its community's publications (1, 2, …, in commit order;
-- null for a run not published, or published before this migration). A run's load notes the
-- latest before it reads the status histories, and its publication is refused once another run
-- has published since: the histories it started from were replaced (ScoringRunStore).
ALTER TABLE "scoring_runs" ADD COLUMN "publication" INTEGER;

CREATE INDEX "scoring_runs_community_id_publication_idx" ON "scoring_runs"("community_id", "publication");
