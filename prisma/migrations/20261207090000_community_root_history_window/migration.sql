-- The export states the root history window each community's proofs were accepted under, which a
-- verifier and a mirror check every proof against. Stating the instance's current
-- ROOT_HISTORY_WINDOW_SECONDS made a narrowed window apply to the past, failing honest proofs
-- accepted under the wider one; each community now keeps the widest window applied to it,
-- raised at every API start (CommunitiesService) and never lowered. The windows applied before
-- this migration are not recorded anywhere: existing communities start from 0, raised at the
-- next API start to the window the instance runs (not to the setting's default hour, which an
-- instance that always ran a narrower window would then state, for good, as its widest).
ALTER TABLE "communities" ADD COLUMN "root_history_window_seconds" INTEGER NOT NULL DEFAULT 3600;
UPDATE "communities" SET "root_history_window_seconds" = 0;
ALTER TABLE "communities" ADD CONSTRAINT "communities_root_history_window_seconds_check"
  CHECK ("root_history_window_seconds" >= 0);
