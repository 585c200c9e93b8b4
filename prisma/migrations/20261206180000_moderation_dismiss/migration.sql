-- DISMISS (docs/moderation.md): a moderator settles a harmless note's open reports with a public
-- log entry, without hiding and restoring it. PostgreSQL 12+ adds an enum value inside the
-- migration's transaction; nothing here uses it before the commit.
-- AlterEnum
ALTER TYPE "ModerationAction" ADD VALUE 'DISMISS';
