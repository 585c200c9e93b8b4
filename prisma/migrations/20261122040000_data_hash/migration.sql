-- A second hash per run over only what members submitted (notes with their post by key,
-- ratings with tags; no run time, status history or post row id), so an origin and its mirror,
-- which score at different times from histories and post ids of their own, can tell whether
-- they scored the same data. The mirror keeps the origin's, and for each note the origin's
-- status before stabilisation and what decided its shown status, to tell a note held back by
-- stabilisation on one side from a disagreement of the scores.
-- AlterTable
ALTER TABLE "scoring_runs" ADD COLUMN "data_hash" CHAR(64);
-- AlterTable
ALTER TABLE "mirrors" ADD COLUMN "origin_run_data_hash" CHAR(64);
-- AlterTable
ALTER TABLE "mirror_origin_results"
    ADD COLUMN "pre_stabilization_status" VARCHAR(32),
    ADD COLUMN "decided_by" VARCHAR(64);
