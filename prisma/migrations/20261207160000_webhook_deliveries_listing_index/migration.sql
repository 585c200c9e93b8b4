-- A community's deliveries are listed by (sequence, page, created_at, id), newest first (a run's
-- pages together): each page of the listing reads its rows in that order instead of sorting all
-- the community's deliveries. The (community_id, created_at) index served the listing's old order
-- and nothing else.
DROP INDEX "webhook_deliveries_community_id_created_at_idx";
CREATE INDEX "webhook_deliveries_community_id_sequence_page_created_at_id_idx"
    ON "webhook_deliveries"("community_id", "sequence", "page", "created_at", "id");
