-- AlterTable
ALTER TABLE "communities" ADD COLUMN     "embed_origins" VARCHAR(255)[] DEFAULT ARRAY[]::VARCHAR(255)[];
