import { Helpfulness, NoteClassification } from '@bridgenotes/database';
import {
  generateSyntheticCommunity,
  HelpfulnessLevel,
  SyntheticOptions,
} from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

const LEVELS: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: Helpfulness.HELPFUL,
  [HelpfulnessLevel.SomewhatHelpful]: Helpfulness.SOMEWHAT_HELPFUL,
  [HelpfulnessLevel.NotHelpful]: Helpfulness.NOT_HELPFUL,
};

const BATCH = 50_000;

/**
 * Writes a synthetic community's notes and ratings (libs/scoring's generator) under an existing
 * community and post, for the benchmarks that measure scoring runs against a database. Plain SQL
 * over unnest: the fastest way to put a million rows in without COPY.
 */
export async function writeSyntheticCommunity(
  client: Client,
  target: { communityId: string; postId: string },
  options: Pick<SyntheticOptions, 'seed' | 'ratings' | 'raters' | 'notes'>,
): Promise<void> {
  const noteIds = new Map<string, string>();
  const notes: [string[], string[], Date[], string[]] = [[], [], [], []];
  const ratings: [string[], string[], string[], number[]] = [[], [], [], []];
  generateSyntheticCommunity(options, {
    note(id, author, at, misleading) {
      const uuid = randomUUID();
      noteIds.set(id, uuid);
      notes[0].push(uuid);
      notes[1].push(author);
      notes[2].push(new Date(at));
      notes[3].push(
        misleading
          ? NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING
          : NoteClassification.NOT_MISLEADING,
      );
    },
    rating(noteId, rater, level, at) {
      ratings[0].push(noteIds.get(noteId) as string);
      ratings[1].push(rater);
      ratings[2].push(LEVELS[level]);
      ratings[3].push(Math.floor(at / 60_000));
    },
  });
  for (let start = 0; start < notes[0].length; start += BATCH) {
    await client.query(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources, created_at)
       SELECT id, $1, $2, author, classification::"NoteClassification", '{}', 'synthetic', '{}', created_at
         FROM unnest($3::uuid[], $4::text[], $5::timestamptz[], $6::text[]) AS v(id, author, created_at, classification)`,
      [
        target.communityId,
        target.postId,
        ...notes.map((column) => column.slice(start, start + BATCH)),
      ],
    );
  }
  for (let start = 0; start < ratings[0].length; start += BATCH) {
    await client.query(
      `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
       SELECT gen_random_uuid(), $1, note_id, rater, helpfulness::"Helpfulness", '{}', minute, '{}'
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[]) AS v(note_id, rater, helpfulness, minute)
       ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
      [target.communityId, ...ratings.map((column) => column.slice(start, start + BATCH))],
    );
  }
  // As autovacuum would soon after a bulk load: without statistics the planner misjudges the
  // fresh tables and a measurement would be of that, not of the run.
  await client.query('ANALYZE notes; ANALYZE ratings');
}
