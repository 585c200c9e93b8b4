-- The minimum anonymity set of proofs (PROOF_MIN_MEMBERS) is the instance's; an operator may set
-- one community's own, for a deliberately small group that accepts a small anonymity set (the
-- demo, whose members' identities are public). Null, every existing community: the instance's.
-- At least 1 (a root of no member proves nothing), at most a full tree of depth 20.
ALTER TABLE "communities" ADD COLUMN "proof_min_members" INTEGER;
ALTER TABLE "communities" ADD CONSTRAINT "communities_proof_min_members_check"
  CHECK ("proof_min_members" BETWEEN 1 AND 1048576);
