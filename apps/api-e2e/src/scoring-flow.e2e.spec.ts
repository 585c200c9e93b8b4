import { createHash, randomUUID } from 'node:crypto';

import type { Identity } from '@semaphore-protocol/core';
import { Client } from 'pg';

import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
  pseudonymOf,
} from '@bridgenotes/client';
import { JsonValue, releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import {
  generateSyntheticCommunity,
  HelpfulnessLevel,
  orderedId,
  RaterKind,
} from '@bridgenotes/scoring';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { callApi, untilReady } from './support/http';
import { RunningApp, startBuiltApi, startBuiltApp } from './support/processes';
import { untilRunOver } from './support/scoring-runs';

const OPERATOR_KEY = 'e2e-flow-operator-key';
type Helpfulness = 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL';
const LEVEL_NAME: Record<HelpfulnessLevel, Helpfulness> = {
  [HelpfulnessLevel.Helpful]: 'HELPFUL',
  [HelpfulnessLevel.SomewhatHelpful]: 'SOMEWHAT_HELPFUL',
  [HelpfulnessLevel.NotHelpful]: 'NOT_HELPFUL',
};

/**
 * The whole product path with real parts: members prove their notes and ratings to the built
 * API, the outbox turns the writes into one debounced job, the built worker scores the community
 * (every safeguard, at the run's time) and publishes, and the API shows the outcome. The community has a history (its members'
 * earlier ratings, planted in the database under the same pseudonyms their proofs carry), so
 * the scorer knows which side each rater usually takes.
 */
describe('from proven ratings to published statuses', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let worker: RunningApp;
  let baseUrl: string;
  let database: Client;

  beforeAll(async () => {
    await useSingleThreadedCurve();
    const env = {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: `${run.queuePrefix}-flow`,
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(OPERATOR_KEY).digest('hex'),
      SCORING_DEBOUNCE_SECONDS: '1',
      SCORING_CRON: 'off',
      // A run asked for while another run of the community holds its lease comes back this
      // soon (the default, 5 s, is waited for in full by the requested run below).
      SCORING_BUSY_RETRY_MS: '250',
      // Every run is full: this flow reads whole-community runs (incremental runs are covered by
      // the worker's incremental-scoring.spec.ts).
      SCORING_FULL_RUN_INTERVAL_SECONDS: '0',
    };
    worker = startBuiltApp('worker', env);
    ({ api, apiUrl: baseUrl } = await startBuiltApi(env));
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await untilReady(baseUrl);
  });

  afterAll(async () => {
    for (const app of [api, worker]) if (app?.child.exitCode === null) app.child.kill('SIGKILL');
    await database?.end();
    await releaseCurve();
  });

  const call = (method: string, path: string, body?: unknown, operator = false) =>
    callApi(baseUrl, method, path, body, operator ? OPERATOR_KEY : undefined);

  it('publishes CRH for a note both camps prove helpful once it has been stable, and not for a one-sided note', async () => {
    const slug = `flow-${randomUUID().slice(0, 8)}`;
    const community = await call(
      'POST',
      '/communities',
      { slug, name: 'Flow', admission: 'OPEN', earnInImpact: 0 },
      true,
    );

    // Two camps of six members who will rate through the API, and an author.
    const history: { noteId: string; rater: string; level: HelpfulnessLevel; atMs: number }[] = [];
    const notes: { id: string; author: string; atMs: number; misleading: boolean }[] = [];
    const noteIds = new Map<string, string>();
    const truth = generateSyntheticCommunity(
      { seed: 7, raters: 400, notes: 300, ratings: 12_000 },
      {
        note(id, author, atMs, misleading) {
          noteIds.set(id, orderedId(noteIds.size));
          notes.push({ id: noteIds.get(id) as string, author, atMs, misleading });
        },
        rating(noteId, rater, level, atMs) {
          history.push({ noteId: noteIds.get(noteId) as string, rater, level, atMs });
        },
      },
    );
    const campOf = (kind: RaterKind, count = 6) =>
      truth.raterIds.filter((_, index) => truth.raterKind[index] === kind).slice(0, count);
    const members = new Map<string, Identity>();
    for (const rater of [...campOf(RaterKind.CampA), ...campOf(RaterKind.CampB)])
      members.set(rater, createIdentity());
    const author = createIdentity();
    await call(
      'POST',
      `/communities/${slug}/members/batch`,
      { commitments: [...members.values(), author].map(commitmentOf) },
      true,
    );
    // Their earlier activity, under the pseudonyms their proofs will carry.
    const pseudonym = (rater: string) => {
      const identity = members.get(rater);
      return identity ? pseudonymOf(identity, community.scope) : `history-${rater}`;
    };
    const {
      rows: [post],
    } = await database.query<{ id: string }>(
      `INSERT INTO posts (id, platform, external_id) VALUES (gen_random_uuid(), 'e2e', $1) RETURNING id`,
      [slug],
    );
    await database.query(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources, created_at)
       SELECT id, $1, $2, author, classification::"NoteClassification", '{}', 'earlier note', '{}', created_at
         FROM unnest($3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) AS v(id, author, classification, created_at)`,
      [
        community.id,
        post?.id,
        notes.map((note) => note.id),
        notes.map((note) => pseudonym(note.author)),
        notes.map((note) =>
          note.misleading ? 'MISINFORMED_OR_POTENTIALLY_MISLEADING' : 'NOT_MISLEADING',
        ),
        notes.map((note) => new Date(note.atMs).toISOString()),
      ],
    );
    await database.query(
      `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
       SELECT gen_random_uuid(), $1, note_id, rater, helpfulness::"Helpfulness", '{}', minute, '{}'
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[]) AS v(note_id, rater, helpfulness, minute)
       ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
      [
        community.id,
        history.map((rating) => rating.noteId),
        history.map((rating) => pseudonym(rating.rater)),
        history.map((rating) => LEVEL_NAME[rating.level]),
        history.map((rating) => Math.floor(rating.atMs / 60_000)),
      ],
    );

    // From here on, writes go through the API with proofs, as the widget or a client makes them,
    // but for the ratings stored below as the API stores them.
    const group = groupFromLeaves(await call('GET', `/communities/${slug}/group/leaves`));
    const artifacts = nodeArtifacts();
    const prove = (
      identity: Identity,
      kind: string,
      target: string,
      payload: { [key: string]: JsonValue },
    ) => proveAction(identity, group, { kind, community, target, payload }, artifacts);
    const proveNote = async (path: string, text: string) => {
      const payload = {
        post: { url: `https://news.example/${slug}/${path}` },
        classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
        reasons: ['MISSING_IMPORTANT_CONTEXT'],
        text,
        sources: ['https://source.example/report'],
      };
      const { action, proof } = await prove(author, 'note.create', '', payload);
      return { ...payload, clientMinute: action.clientMinute, proof };
    };
    const write = async (body: Awaited<ReturnType<typeof proveNote>>) =>
      (await call('POST', `/communities/${slug}/notes`, body)) as { id: string };
    // Raters say why: a note is only shown as helpful with two explanation tags, each given by
    // two of its ratings.
    const proveRating = async (rater: string, noteId: string, helpfulness: Helpfulness) => {
      const payload = {
        helpfulness,
        tags: helpfulness === 'HELPFUL' ? ['CLEAR', 'INFORMATIVE'] : ['MISSING_KEY_POINTS'],
      };
      const { action, proof } = await prove(
        members.get(rater) as Identity,
        'rating.put',
        `note:${noteId}`,
        payload,
      );
      return {
        path: `/communities/${slug}/notes/${noteId}/rating`,
        body: { ...payload, clientMinute: action.clientMinute, proof },
      };
    };
    // Both notes are proven and written through the API, as the widget does: the notes' rows
    // (proof, message, post, minute) are the API's own.
    const bridging = await write(
      await proveNote('bridging', 'Both camps find this context helpful'),
    );
    const oneSided = await write(await proveNote('one-sided', 'Only one camp finds this helpful'));
    // One member of each camp proves a helpful rating of the bridging note through the API, as
    // the widget does: the proven path from both sides of the community. Both are proven first
    // (seconds each), then sent together, as members rating at once would: they meet in one
    // debounced run instead of a full run of the whole community after each.
    const [provingA, ...restOfA] = campOf(RaterKind.CampA);
    const [provingB, ...restOfB] = campOf(RaterKind.CampB);
    const proven = [];
    for (const rater of [provingA, provingB] as string[])
      proven.push(await proveRating(rater, bridging.id, 'HELPFUL'));
    // The other ten members' helpful ratings of the bridging note, and the one-sided note's as
    // many helpful ratings, all from one camp (the six members and six earlier raters of camp A),
    // are stored as the API stores a proven rating (pseudonym, tags, minute) rather than proven:
    // the claim under test is the scorer's, the two proofs above carry the proven path, and each
    // further proof would cost about two CPU-seconds competing with the worker for the cores.
    const stored = (noteId: string, raters: string[]) =>
      database.query(
        `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
         SELECT gen_random_uuid(), $1, $2, rater, 'HELPFUL', '{CLEAR,INFORMATIVE}', $4, '{}'
           FROM unnest($3::text[]) AS v(rater)`,
        [community.id, noteId, raters.map(pseudonym), Math.floor(Date.now() / 60_000)],
      );
    await stored(bridging.id, [...restOfA, ...restOfB]);
    await stored(oneSided.id, campOf(RaterKind.CampA, 12));
    for (const { path, body } of proven) await call('PUT', path, body);
    // The two proven ratings are stored as the API received them: each under its rater's
    // pseudonym, with its helpfulness, tags and that rater's proof.
    const { rows: provenRows } = await database.query<{
      rater_pseudonym: string;
      helpfulness: string;
      tags: string[];
      proven_by_rater: boolean;
    }>(
      // The proof's nullifier is the rater's pseudonym; a Groth16 proof has eight points.
      `SELECT rater_pseudonym, helpfulness, tags,
              proof->>'nullifier' = rater_pseudonym AND jsonb_array_length(proof->'points') = 8
                AS proven_by_rater
         FROM ratings WHERE note_id = $1 AND rater_pseudonym = ANY($2::text[])
        ORDER BY rater_pseudonym`,
      [bridging.id, [provingA, provingB].map((rater) => pseudonym(rater as string))],
    );
    expect(provenRows).toEqual(
      [provingA, provingB]
        .map((rater) => pseudonym(rater as string))
        .sort()
        .map((rater_pseudonym) => ({
          rater_pseudonym,
          helpfulness: 'HELPFUL',
          tags: ['CLEAR', 'INFORMATIVE'],
          proven_by_rater: true,
        })),
    );

    // The debounced run that saw every proven rating.
    const {
      rows: [{ total }],
    } = await database.query<{ total: number }>(
      `SELECT count(*)::int AS total FROM ratings WHERE community_id = $1`,
      [community.id],
    );
    await untilRunOver(baseUrl, slug, total);

    // A new helpful note is held at NEEDS_MORE_RATINGS until it has been stable for an hour.
    const held = await call('GET', `/communities/${slug}/notes/${bridging.id}`);
    expect(held).toMatchObject({
      status: 'NEEDS_MORE_RATINGS',
      ratingCount: 12,
      score: {
        preStabilizationStatus: 'CURRENTLY_RATED_HELPFUL',
        decidedBy: 'NmrDueToMinStableCrhTime',
      },
      statusHistory: [],
    });

    // An hour later (the hold moved back an hour rather than waited for), the next run shows it.
    // A debounced run may still be on its way and store the history it read before the move:
    // then the move and the request are simply made again.
    const moveHoldBack = () =>
      database.query(
        `UPDATE notes SET status_history = jsonb_set(status_history, '{timestampMillisOfNmrDueToMinStableCrhTime}',
                to_jsonb(LEAST((status_history->>'timestampMillisOfNmrDueToMinStableCrhTime')::bigint,
                               (extract(epoch FROM now()) * 1000)::bigint - $2)))
          WHERE id = $1 AND jsonb_typeof(status_history->'timestampMillisOfNmrDueToMinStableCrhTime') = 'number'`,
        [bridging.id, 61 * 60_000],
      );
    // A requested run that ends FAILED fails the test at once, whatever a later run would do:
    // the worker marks a run FAILED only after its job's last attempt (5), and its code
    // (WORKER_ERROR for any unexpected error) marks no cause as transient (ScoringRunStore.fail,
    // ScoreCommunityHandler.failed; the error itself is in the worker's log). Asking for another run instead would let a scoring failure
    // pass whenever a later run succeeded; waiting for SUCCEEDED would hide it behind the wait's
    // patience. Only a run still on its way, or a note still held, sends the loop round again.
    const outcome = await eventually(
      async () => {
        await moveHoldBack();
        const requested = await call('POST', `/communities/${slug}/scoring-runs`, undefined, true);
        const later = await eventually(
          async () => {
            const latest = await call('GET', `/scoring-runs/${requested.id}`);
            if (latest.status !== 'SUCCEEDED' && latest.status !== 'FAILED')
              throw new Error(`the requested run is ${latest.status}`);
            return latest;
          },
          PATIENCE_MS,
          250,
        );
        if (later.status === 'FAILED') return { failedRun: later };
        expect(later).toMatchObject({
          algorithmVersion: 'meta/7',
          nowAt: expect.any(String),
        });
        const note = await call('GET', `/communities/${slug}/notes/${bridging.id}`);
        if (note.status !== 'CURRENTLY_RATED_HELPFUL') throw new Error(`still ${note.status}`);
        return { note };
      },
      PATIENCE_MS,
      1_000,
    );
    if ('failedRun' in outcome) {
      throw new Error(
        `the requested run ${outcome.failedRun.id} failed: ${outcome.failedRun.errorCode}`,
      );
    }
    // Nor did any other run of the community (the debounced ones the ratings asked for) fail.
    const { rows: failedRuns } = await database.query<{ id: string; error_code: string | null }>(
      `SELECT id, error_code FROM scoring_runs WHERE community_id = $1 AND status = 'FAILED'`,
      [community.id],
    );
    expect(failedRuns).toEqual([]);
    const shown = outcome.note;
    expect(shown).toMatchObject({
      status: 'CURRENTLY_RATED_HELPFUL',
      ratingCount: 12,
      score: { decidedBy: 'GeneralCRH' },
      statusHistory: [
        {
          runId: expect.any(String),
          previous: 'NEEDS_MORE_RATINGS',
          next: 'CURRENTLY_RATED_HELPFUL',
        },
      ],
    });
    expect([shown.score.firstTag, shown.score.secondTag].sort()).toEqual([
      'helpfulClear',
      'helpfulInformative',
    ]);
    const other = await call('GET', `/communities/${slug}/notes/${oneSided.id}`);
    expect(other.ratingCount).toBe(12);
    // Its verdict before the hour's hold, which would otherwise hide a helpful verdict.
    expect(other.score.preStabilizationStatus).not.toBe('CURRENTLY_RATED_HELPFUL');
    expect(other.status).not.toBe('CURRENTLY_RATED_HELPFUL');
    // The post's readers see the helpful note first.
    const { notes: onPost } = await call(
      'GET',
      `/posts?url=${encodeURIComponent(`https://news.example/${slug}/bridging`)}`,
    );
    expect(onPost[0]).toMatchObject({ id: bridging.id, status: 'CURRENTLY_RATED_HELPFUL' });
  });
});
