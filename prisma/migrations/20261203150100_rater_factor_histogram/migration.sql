-- AlterTable
ALTER TABLE "scoring_runs" ADD COLUMN     "rater_factor_histogram" JSONB;
