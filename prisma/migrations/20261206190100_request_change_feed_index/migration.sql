-- The requests change feed's order (previous migration). Built in a transaction of its own, which
-- holds only the lock an index build takes: reads of the requests go on, stores wait for it.
-- IF NOT EXISTS: a development database may have run the first version of the previous
-- migration, which built it.
CREATE INDEX IF NOT EXISTS "note_requests_community_id_changed_batch_id_idx" ON "note_requests"("community_id", "changed_batch", "id");
