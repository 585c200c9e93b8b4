-- Proof-of-work on OPEN joins (0: none) and per-community daily quotas (null: the instance's).
ALTER TABLE "communities" ADD COLUMN "join_work_difficulty" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "notes_per_day" INTEGER,
ADD COLUMN "note_requests_per_day" INTEGER;
