-- Why a mirror's last pull stopped, as a code beside the message (`last_error`): an origin over
-- one of the limits a mirror reads it within (ORIGIN_RECORD_TOO_LARGE, ORIGIN_STALLED…),
-- unreachable, or invalid.
-- AlterTable
ALTER TABLE "mirrors" ADD COLUMN "last_error_code" VARCHAR(40);
