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
 * and the run's cut: the last change batch committed before loading began. Every rating is read
 * as it was at the cut, whatever is written while the load goes on; every note changed up to it
 * is in the input, and a note changed since may be too, as it is now (a verifier includes it by
 * its result; the next incremental run rescores it again). `publications`: the community's
 * latest publication (`scoring_runs.publication`, 0 for none) before the notes, and their status
 * histories, were read: a run published after it replaced the histories the run starts from.
 */
export type LoadedInput = RunInput & { changedThrough: bigint; publications: number };

/** How a load is split into statements; the defaults serve the worker. */
export interface ScoringLoadOptions {
  notesPerCopy?: number;
  ratingsPerCopy?: number;
  /**
   * Awaited before each COPY statement (`page` counts from 0 per table), once the cut is taken:
   * where a test writes, as members do between the load's statements.
   */
  beforeCopy?: (table: 'notes' | 'ratings', page: number) => Promise<void>;
  /**
   * Ends the load: its connection is destroyed at once (a statement waiting on a connection
   * that hangs never answers, nor would a polite end), and the load rejects.
   */
  signal?: AbortSignal;
}

/** A rating's version at the cut as the ratings statement gives it: helpfulness, tags, minute. */
type RatingVersion = [RatingHelpfulness, string[], number];

/**
 * Rows per COPY statement. One COPY of a whole community would be a little faster, but on the
 * embedded database a statement holds the one session until it ends, so every API request would
 * wait for the whole load; between two of these statements others get their turn.
 */
const NOTES_PER_COPY = 50_000;
const RATINGS_PER_COPY = 200_000;

/** Idle time before the load's connection sends its first TCP keepalive probe. */
const KEEPALIVE_DELAY_MS = 10_000;

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
      signal,
    }: ScoringLoadOptions,
  ): Promise<LoadedInput> {
    signal?.throwIfAborted();
    const community = sqlLiteral(communityId);
    // Without JIT: the ratings statement's cost estimate counts the as-of lookup for every row
    // (it runs for the few changed since the cut only), which would have each statement compile
    // for about a second longer than it runs on 1M ratings. A startup option, so that on the
    // embedded database it stays this connection's.
    // A statement the server runs longer than SCORING_STATEMENT_TIMEOUT_SECONDS is cancelled
    // (a startup option too), and TCP keepalives end a connection whose peer went without a word
    // (a half-open socket would otherwise wait for ever); a connection that hangs otherwise (its
    // peer alive but silent) is the run's deadline's to end (`signal`).
    const client = new Client({
      connectionString: this.env.DATABASE_URL,
      options: `-c jit=off -c statement_timeout=${this.env.SCORING_STATEMENT_TIMEOUT_SECONDS * 1_000}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
      connectionTimeoutMillis: this.env.DATABASE_POOL_WAIT_SECONDS * 1_000,
    });
    // A connection lost between statements is an 'error' event, which unheard would end the
    // worker: the next statement fails instead, and the run with it.
    client.on('error', () => undefined);
    const abort = () => client.connection.stream.destroy();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
    } catch (error) {
      signal?.removeEventListener('abort', abort);
      throw error;
    }
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
      // Before the notes: a run publishing once this is read is seen by the run's publication.
      const published = await client.query<{ publications: number }>(
        'SELECT coalesce(max(publication), 0)::int AS publications FROM scoring_runs WHERE community_id = $1',
        [communityId],
      );
      const publications = published.rows[0]?.publications ?? 0;
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
          : `AND r.note_id = ANY(${sqlLiteral(`{${noteIds.join(',')}}`)}::uuid[])`;
      if (since !== undefined && noteIds.length === 0)
        return { ...builder.build(), changedThrough, publications };
      // Each rating as it was at the cut, as a verifier rebuilds the run from the export
      // (libs/open-data `versionAt`), however long the load takes: one changed since comes with
      // the version of `replaced_ratings` current at the cut (`[helpfulness, tags, minute]`, in
      // the rating's place: a replacement keeps the id), or `null` when it was first written
      // since. Looked up in the rating's own statement, which sees a replacement's two rows
      // together; the versions a load needs stay until a full run with a later cut publishes,
      // and a community's runs hold its scoring lease one at a time.
      const cut = changedThrough.toString();
      await keysetCopy(
        client,
        ratingsPerCopy,
        (page) => beforeCopy?.('ratings', page),
        (after) => `
          SELECT r.id, r.note_id, r.rater_pseudonym, r.helpfulness, array_to_json(r.tags)::text,
                 r.client_minute,
                 CASE WHEN r.changed_batch > ${cut} THEN coalesce(
                   (SELECT json_build_array(o.helpfulness, o.tags, o.client_minute)::text
                      FROM replaced_ratings o
                     WHERE o.note_id = r.note_id AND o.rater_pseudonym = r.rater_pseudonym
                       AND o.changed_batch <= ${cut} AND o.replaced_batch > ${cut}),
                   'null') END
            FROM ratings r
           WHERE r.community_id = ${community}::uuid ${ofNotes} ${after ? `AND r.id > ${sqlLiteral(after)}::uuid` : ''}
           ORDER BY r.id LIMIT ${ratingsPerCopy}`,
        (row) => {
          const [id, noteId, rater, helpfulness, tags, clientMinute, atCut] = row as [
            string,
            string,
            string,
            RatingHelpfulness,
            string,
            string,
            string | null,
          ];
          const changed = atCut === null ? undefined : (JSON.parse(atCut) as RatingVersion | null);
          if (changed === null) return id;
          const [read, readTags, readMinute] = changed ?? [
            helpfulness,
            tags === '[]' ? [] : (JSON.parse(tags) as string[]),
            Number(clientMinute),
          ];
          builder.addRating({
            noteId,
            raterPseudonym: rater,
            helpfulness: read,
            tags: readTags,
            clientMinute: readMinute,
          });
          return id;
        },
      );
      return { ...builder.build(), changedThrough, publications };
    } finally {
      signal?.removeEventListener('abort', abort);
      // A destroyed connection has nothing left to end.
      if (!signal?.aborted) await client.end();
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
