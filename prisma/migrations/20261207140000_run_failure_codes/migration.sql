-- Two more reasons a scoring run fails: an attempt that passed SCORING_RUN_TIMEOUT_SECONDS (a
-- connection that hung held its run, its community's lease and a scoring slot for good), and
-- an attempt whose database connection was lost. Both runs' communities are asked for again.
-- (PostgreSQL 12 and later add an enum value inside a transaction; it is used only after.)
ALTER TYPE "RunFailureCode" ADD VALUE IF NOT EXISTS 'TIMED_OUT' BEFORE 'COPIED_UNFINISHED';
ALTER TYPE "RunFailureCode" ADD VALUE IF NOT EXISTS 'DATABASE_UNAVAILABLE' BEFORE 'COPIED_UNFINISHED';
