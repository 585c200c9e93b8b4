-- When a webhook delivery's last attempt failed and no retry follows: `db:copy` sends back to the
-- outbox only deliveries neither made nor given up (it re-sent those that had used their 12
-- attempts), and the operator sees which deliveries were given up.
ALTER TABLE "webhook_deliveries" ADD COLUMN "gave_up_at" TIMESTAMPTZ(3);
