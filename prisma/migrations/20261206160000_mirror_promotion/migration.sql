-- Promoting a stopped mirror into a writable community of this instance (docs/verifiability.md,
-- "Leaving an operator"): `pulled_through` is where the last pull that ran to its end left the
-- cursors, with the origin's change horizon it read up to; `promoted_at` and `promotion` record
-- the promotion (the root, tree size and change horizons it took the community at), exported in
-- the manifest so that verifiers and other mirrors see the community's lineage.
-- AlterTable
ALTER TABLE "mirrors" ADD COLUMN "pulled_through" JSONB,
ADD COLUMN "promoted_at" TIMESTAMPTZ(3),
ADD COLUMN "promotion" JSONB;
