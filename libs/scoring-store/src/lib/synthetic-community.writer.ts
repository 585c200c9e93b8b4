import { Helpfulness, NoteClassification } from '@bridgenotes/database';
import { HELPFUL_TAGS, NOT_HELPFUL_TAGS } from '@bridgenotes/protocol';
import {
  generateSyntheticCommunity,
  HelpfulnessLevel,
  orderedId,
  ratingTagOf,
  RatingTag,
  SyntheticOptions,
  TAG_NAMES,
} from '@bridgenotes/scoring';
import type { Client } from 'pg';

const LEVELS: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: Helpfulness.HELPFUL,
  [HelpfulnessLevel.SomewhatHelpful]: Helpfulness.SOMEWHAT_HELPFUL,
  [HelpfulnessLevel.NotHelpful]: Helpfulness.NOT_HELPFUL,
};

/** The name a member submits for each scorer tag, to write the synthetic tag masks as names. */
const TAG_NAME = new Map<RatingTag, string>();
for (const [helpfulness, names] of [
  ['HELPFUL', HELPFUL_TAGS],
  ['NOT_HELPFUL', NOT_HELPFUL_TAGS],
] as const) {
  for (const name of names) TAG_NAME.set(ratingTagOf(helpfulness, name) as RatingTag, name);
}
/** Members cannot submit notHelpfulOpinionSpeculationOrBias (no Bridgenotes name): dropped. */
const tagNames = (mask: number): string[] =>
  TAG_NAMES.flatMap((_, tag) => {
    const name = mask & (1 << tag) ? TAG_NAME.get(tag) : undefined;
    return name === undefined ? [] : [name];
  });

const BATCH = 50_000;

/**
 * Writes a synthetic community's posts, notes and ratings with their tags (libs/scoring's
 * generator) under an existing community, for the benchmarks that measure scoring runs against a
 * database. Plain SQL over unnest: the fastest way to put a million rows in without COPY.
 */
export async function writeSyntheticCommunity(
  client: Client,
  communityId: string,
  options: Pick<SyntheticOptions, 'seed' | 'ratings' | 'raters' | 'notes'>,
): Promise<void> {
  const noteIds = new Map<string, string>();
  const postIds = new Map<string, string>();
  const notes: [string[], string[], Date[], string[], string[]] = [[], [], [], [], []];
  const ratings: [string[], string[], string[], number[], string[]] = [[], [], [], [], []];
  generateSyntheticCommunity(options, {
    note(id, author, at, misleading, post) {
      const uuid = orderedId(noteIds.size);
      noteIds.set(id, uuid);
      if (!postIds.has(post)) postIds.set(post, orderedId(postIds.size));
      notes[0].push(uuid);
      notes[1].push(author);
      notes[2].push(new Date(at));
      notes[3].push(
        misleading
          ? NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING
          : NoteClassification.NOT_MISLEADING,
      );
      notes[4].push(postIds.get(post) as string);
    },
    rating(noteId, rater, level, at, tags) {
      ratings[0].push(noteIds.get(noteId) as string);
      ratings[1].push(rater);
      ratings[2].push(LEVELS[level]);
      ratings[3].push(Math.floor(at / 60_000));
      // A Postgres array literal: tag names never contain commas, quotes or braces.
      ratings[4].push(`{${tagNames(tags).join(',')}}`);
    },
  });
  const posts = [...postIds.values()];
  for (let start = 0; start < posts.length; start += BATCH) {
    await client.query(
      `INSERT INTO posts (id, platform, external_id)
       SELECT id, 'bench', id::text FROM unnest($1::uuid[]) AS v(id)`,
      [posts.slice(start, start + BATCH)],
    );
  }
  for (let start = 0; start < notes[0].length; start += BATCH) {
    await client.query(
      `INSERT INTO notes (id, community_id, author_pseudonym, created_at, classification, post_id, reasons, text, sources)
       SELECT id, $1, author, created_at, classification::"NoteClassification", post_id, '{}', 'synthetic', '{}'
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::uuid[]) AS v(id, author, created_at, classification, post_id)`,
      [communityId, ...notes.map((column) => column.slice(start, start + BATCH))],
    );
  }
  for (let start = 0; start < ratings[0].length; start += BATCH) {
    await client.query(
      `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
       SELECT gen_random_uuid(), $1, note_id, rater, helpfulness::"Helpfulness", minute, tags::varchar[], '{}'
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[]) AS v(note_id, rater, helpfulness, minute, tags)
       ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
      [communityId, ...ratings.map((column) => column.slice(start, start + BATCH))],
    );
  }
  // As autovacuum would soon after a bulk load: without statistics the planner misjudges the
  // fresh tables and a measurement would be of that, not of the run.
  await client.query('ANALYZE posts; ANALYZE notes; ANALYZE ratings');
}
