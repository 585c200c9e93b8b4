-- Each delivery's place in its community's stream of events: its run's publication number
-- (scoring_runs.publication, 1, 2, … in commit order), sent as the event's `sequence`, and which
-- page of the run's changes it carries (WEBHOOK_PAGE_CHANGES a page). Receivers order events by
-- them, and the worker hands a community's deliveries to the queue in that order, one at a time.
-- Deliveries recorded before: their run's number, 0 for a run published before runs were
-- numbered (those came first), page 1 of 1; those still to make carry both in their body too.
ALTER TABLE "webhook_deliveries" ADD COLUMN "sequence" INTEGER, ADD COLUMN "page" INTEGER;

UPDATE "webhook_deliveries" d SET "sequence" = coalesce(r."publication", 0), "page" = 1
  FROM "scoring_runs" r WHERE r."id" = d."run_id";

UPDATE "webhook_deliveries"
   SET "payload" = "payload" || jsonb_build_object('sequence', "sequence", 'page', 1, 'pages', 1)
 WHERE "delivered_at" IS NULL AND "gave_up_at" IS NULL;

ALTER TABLE "webhook_deliveries" ALTER COLUMN "sequence" SET NOT NULL,
                                 ALTER COLUMN "page" SET NOT NULL;

-- The deliveries still to make only: the dispatcher looks for an earlier one of the community at
-- every pass, and the made ones (kept, listed) only grow.
CREATE INDEX "webhook_deliveries_community_id_sequence_page_idx"
    ON "webhook_deliveries"("community_id", "sequence", "page")
 WHERE "delivered_at" IS NULL AND "gave_up_at" IS NULL;
