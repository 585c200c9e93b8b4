-- §8.6 of the reference: the topics whose notes Core leaves to CoreWithTopics, each with the seed
-- terms that label a post (libs/scoring `TopicSeed`). The default is the reference's own four
-- topics; an operator may replace them (or set [] for none).
-- AlterTable
ALTER TABLE "communities" ADD COLUMN "topic_seeds" JSONB NOT NULL DEFAULT '[{"topic":"UkraineConflict","terms":["ukrain","russia","kiev","kyiv","moscow","zelensky","putin"]},{"topic":"GazaConflict","terms":["israel","palestin","gaza","jerusalem","\\bhamas\\b"]},{"topic":"MessiRonaldo","terms":["messi\\b","\\bronaldo"]},{"topic":"Scams","terms":["scam","undisclosed\\s+ad","terms of service","help\\.x\\.com","x\\.com/tos","engagement\\s+farm","spam","gambling","apostas","apuestas","dropship","drop\\s+ship","promotion"]}]';
