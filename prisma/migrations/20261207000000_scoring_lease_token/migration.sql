-- The attempt holding a community's scoring lease, beside the run: a retry of the run takes the
-- lease over with its own token, and an attempt it overtook (still running on a worker that lost
-- the job's lock) can then neither renew nor release it, so no other run starts meanwhile.
ALTER TABLE "communities" ADD COLUMN "scoring_lease_token" UUID;
