-- Which model decided a run's statuses (libs/scoring `chooseRegime`): `core` or
-- `small-community`. Chosen from the run's own input, so a verifier recomputes it; null for runs
-- before the regimes existed (all Core).
-- AlterTable
ALTER TABLE "scoring_runs" ADD COLUMN "regime" VARCHAR(32);
