import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { copyOutRows, sqlLiteral } from '@bridgenotes/database';
import {
  parseTopicSeeds,
  RunInputBuilder,
  type RatingHelpfulness,
  type RunInput,
  type ShownStatus,
  startingStatusHistory,
} from '@bridgenotes/scoring';
import { Client } from 'pg';

/**
 * The scorer's input and the run's counts, time, input and data hashes (see `RunInputBuilder`),
 * and the last change batch committed before loading began: every note and rating changed up to
 * it is in the input (a later one may be too; the next incremental run rescores its note again).
 */
export type LoadedInput = RunInput & { changedThrough: bigint };

/** How a load is split into statements; the defaults serve the worker. */
export interface ScoringLoadOptions {
  notesPerCopy?: number;
  ratingsPerCopy?: number;
  /**
   * Awaited before each COPY statement (`page` counts from 0 per table), once the cut is taken:
   * where a test writes, as members do between the load's statements.
   */
  beforeCopy?: (table: 'notes' | 'ratings', page: number) => Promise<void>;
}

/**
 * Rows per COPY statement. One COPY of a whole community would be a little faster, but on the
 * embedded database a statement holds the one session until it ends, so every API request would
 * wait for the whole load; between two of these statements others get their turn.
 */
const NOTES_PER_COPY = 50_000;
const RATINGS_PER_COPY = 200_000;

/**
 * Streams a community's notes and ratings from PostgreSQL with `COPY … TO STDOUT` in id order,
 * straight into the scorer's typed-array input: no object per rating outlives its line, so
 * memory stays flat however large the community grows. The input and its hash are built by
 * libs/scoring's `RunInputBuilder`, the same code a verifier of the open data runs.
 */
@Injectable()
export class ScoringInputLoader {
  /** COPY needs a connection of its own (Prisma has no COPY): `DATABASE_URL`'s, per load. */
  constructor(private readonly env: Environment) {}

  /** `nowMs` is the run's time: it is part of the input (stabilisation, locking). */
  load(communityId: string, nowMs: number, options: ScoringLoadOptions = {}): Promise<LoadedInput> {
    return this.read(communityId, nowMs, undefined, options);
  }

  /**
   * An incremental run's input: only the notes written or rated after change batch `since`
   * (the previous run's `changedThrough`), each with all its ratings. Its cost follows what
   * changed, not the community's size: both lookups use the `(community_id, changed_batch)`
   * indexes and the ratings are read by note.
   */
  loadChanged(
    communityId: string,
    nowMs: number,
    since: bigint,
    options: ScoringLoadOptions = {},
  ): Promise<LoadedInput> {
    return this.read(communityId, nowMs, since, options);
  }

  private async read(
    communityId: string,
    nowMs: number,
    since: bigint | undefined,
    {
      notesPerCopy = NOTES_PER_COPY,
      ratingsPerCopy = RATINGS_PER_COPY,
      beforeCopy,
    }: ScoringLoadOptions,
  ): Promise<LoadedInput> {
    const community = sqlLiteral(communityId);
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      // §8.6: the community's topic seeds decide which notes Core leaves to CoreWithTopics; the
      // API only stores valid seeds, so an invalid value means a hand-edited row: refuse it.
      const { rows } = await client.query<{ topic_seeds: unknown }>(
        'SELECT topic_seeds FROM communities WHERE id = $1',
        [communityId],
      );
      if (rows.length === 0) throw new Error(`community ${communityId} does not exist`);
      const topicSeeds = parseTopicSeeds(rows[0]?.topic_seeds);
      if (!topicSeeds) throw new Error(`community ${communityId} has invalid topic seeds`);
      const builder = new RunInputBuilder(nowMs, topicSeeds);
      // Batches commit in number order (each takes the counter's row lock until it commits), so
      // every batch up to the committed counter is visible to the statements below.
      const watermark = await client.query<{ last: string }>(
        'SELECT last::text AS last FROM change_batches WHERE id = 1',
      );
      const changedThrough = BigInt(watermark.rows[0]?.last ?? '0');
      const changed =
        since === undefined
          ? ''
          : // A note held at NMR (§10.2) is rescored too, though nobody rated it: its hold
            // ends with time, not with a rating.
            `AND (n.changed_batch > ${since}
                 OR jsonb_typeof(n.status_history->'timestampMillisOfNmrDueToMinStableCrhTime') = 'number'
                 OR n.id IN (SELECT note_id FROM ratings
                              WHERE community_id = ${community}::uuid AND changed_batch > ${since}))`;
      const noteIds: string[] = [];
      // Notes and ratings are read in separate statements while writes go on: a rating of a note
      // written after the notes were read waits for the next run rather than failing this one.
      await keysetCopy(
        client,
        notesPerCopy,
        (page) => beforeCopy?.('notes', page),
        (after) => `
          SELECT n.id, n.author_pseudonym, n.classification, n.post_id, p.canonical_url,
                 p.platform, p.external_id, n.status, n.status_history::text,
                 (extract(epoch FROM n.created_at) * 1000)::bigint, n.text
            FROM notes n JOIN posts p ON p.id = n.post_id
           WHERE n.community_id = ${community}::uuid ${changed} ${after ? `AND n.id > ${sqlLiteral(after)}::uuid` : ''}
           ORDER BY n.id LIMIT ${notesPerCopy}`,
        (row) => {
          const [
            id,
            author,
            classification,
            postId,
            url,
            platform,
            externalId,
            status,
            history,
            createdAt,
            text,
          ] = row as [
            string,
            string,
            string,
            string,
            string | null,
            string | null,
            string | null,
            ShownStatus,
            string | null,
            string,
            string,
          ];
          const createdAtMs = Number(createdAt);
          builder.addNote({
            id,
            authorPseudonym: author,
            classification,
            createdAtMs,
            postId,
            post: { canonicalUrl: url, platform, externalId },
            history: startingStatusHistory(history === null ? null : JSON.parse(history), {
              id,
              authorPseudonym: author,
              createdAtMs,
              publishedStatus: status,
            }),
            text,
          });
          if (since !== undefined) noteIds.push(id);
          return id;
        },
      );
      // An incremental run reads the ratings of its notes only (none when no note changed).
      const ofNotes =
        since === undefined
          ? ''
          : `AND note_id = ANY(${sqlLiteral(`{${noteIds.join(',')}}`)}::uuid[])`;
      if (since !== undefined && noteIds.length === 0)
        return { ...builder.build(), changedThrough };
      await keysetCopy(
        client,
        ratingsPerCopy,
        (page) => beforeCopy?.('ratings', page),
        (after) => `
          SELECT id, note_id, rater_pseudonym, helpfulness, array_to_json(tags)::text, client_minute
            FROM ratings
           WHERE community_id = ${community}::uuid ${ofNotes} ${after ? `AND id > ${sqlLiteral(after)}::uuid` : ''}
           ORDER BY id LIMIT ${ratingsPerCopy}`,
        (row) => {
          const [id, noteId, rater, helpfulness, tags, clientMinute] = row as [
            string,
            string,
            string,
            RatingHelpfulness,
            string,
            string,
          ];
          builder.addRating({
            noteId,
            raterPseudonym: rater,
            helpfulness,
            tags: tags === '[]' ? [] : (JSON.parse(tags) as string[]),
            clientMinute: Number(clientMinute),
          });
          return id;
        },
      );
      return { ...builder.build(), changedThrough };
    } finally {
      await client.end();
    }
  }
}

/**
 * Runs `query(after)` until a statement returns fewer than `batch` rows, awaiting `before(page)`
 * ahead of each; `add` returns the id.
 */
async function keysetCopy(
  client: Client,
  batch: number,
  before: (page: number) => Promise<void> | undefined,
  query: (after: string | undefined) => string,
  add: (row: (string | null)[]) => string,
): Promise<void> {
  for (let after: string | undefined, page = 0; ; page += 1) {
    await before(page);
    let rows = 0;
    for await (const row of copyOutRows(client, query(after))) {
      after = add(row);
      rows += 1;
    }
    if (rows < batch) return;
  }
}
