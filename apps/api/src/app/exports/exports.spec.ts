// Over 400 lines on purpose: the streams, cursors, change feed, TSV files and the verifier's run
// over the same proven community, which is costly to build (real Semaphore proofs) once per file.
import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { Prisma, PrismaClient } from '@bridgenotes/database';
import {
  directorySource,
  httpSource,
  rescoreExport,
  saveExport,
  verifyExport,
  type ExportStream,
} from '@bridgenotes/open-data';
import {
  DEFAULT_SEED,
  NoteStatus,
  readCommunityNotes,
  scoreNotes,
  shownStatus,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';
import { eventually, resealExport } from '@bridgenotes/testing';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { atProcessTime } from '../../testing/clock';
import {
  backdateCommunity,
  communityWithMembers,
  createIdentity,
  prover,
  TestCommunity,
} from '../../testing/members';
import { publishScoringRun } from '../../testing/scoring';
import { createTestApp } from '../../testing/test-app';

const NOTE = {
  post: { url: 'https://Example.com/story?id=7&utm_source=feed' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'Only cars are affected; see https://example.org/notice',
  sources: ['https://example.org/notice'],
};

const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

type Json = Record<string, unknown>;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * A community with one note, two ratings and a note request, all with real proofs (four, made
 * once), scored
 * once; its export is read over HTTP, saved to a folder, and copies of that folder are tampered
 * with one way each.
 */
describe('open-data export and verification', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let baseUrl: string;
  let folder: string;
  let noteId: string;
  let runId: string;
  let secondRunAt: number;
  let writtenAt: number;
  let requestId: string;
  const ratingIds: string[] = [];
  const server = () => app.getHttpServer();

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createTestPrisma();
    const [author, first, second] = [createIdentity(), createIdentity(), createIdentity()];
    community = await communityWithMembers(app, [author, first, second]);
    // Two runs, the second an hour later: it starts from the status history the first left.
    // Both timed in the past, as a worker's are (a run's time is before it finished), and after
    // the writes they read, made half an hour before the first in a community two hours old.
    const firstRunAt = Date.now() - HOUR;
    writtenAt = firstRunAt - 30 * MINUTE;
    await backdateCommunity(prisma, community.id, 2 * HOUR);
    const prove = await prover(app, community);
    await atProcessTime(writtenAt, async () => {
      const note = await prove(author, 'note.create', '', NOTE);
      noteId = (
        await request(server())
          .post(`/communities/${community.slug}/notes`)
          .send(body(note))
          .expect(201)
      ).body.id;
      for (const [rater, helpfulness, tags] of [
        [first, 'HELPFUL', ['CLEAR']],
        [second, 'NOT_HELPFUL', ['INCORRECT', 'OTHER']],
      ] as const) {
        const rating = await prove(rater, 'rating.put', `note:${noteId}`, {
          helpfulness,
          tags: [...tags],
        });
        await request(server())
          .put(`/communities/${community.slug}/notes/${noteId}/rating`)
          .send(body(rating))
          .expect(201);
      }
      const asked = await prove(first, 'note.request', '', {
        post: { url: 'https://example.com/other-story' },
      });
      requestId = (
        await request(server())
          .post(`/communities/${community.slug}/note-requests`)
          .send(body(asked))
          .expect(201)
      ).body.id;
    });
    await publishScoringRun(prisma, community.id, firstRunAt);
    secondRunAt = firstRunAt + HOUR;
    runId = await publishScoringRun(prisma, community.id, secondRunAt);
    folder = await mkdtemp(join(tmpdir(), 'bn-export-'));
    await saveExport(httpSource(baseUrl, community.slug, { pageSize: 2 }), folder);
    for (const line of (await readFile(join(folder, 'ratings.ndjson'), 'utf8')).split('\n')) {
      if (line) ratingIds.push((JSON.parse(line) as { id: string }).id);
    }
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
    await rm(folder, { recursive: true, force: true });
  });

  /** A copy of the saved export with each record of `stream` passed through `edit`. */
  async function tampered(stream: ExportStream, edit: (record: Json) => Json): Promise<string> {
    const copy = await mkdtemp(join(tmpdir(), 'bn-tampered-'));
    await cp(folder, copy, { recursive: true });
    const path = join(copy, `${stream}.ndjson`);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    const edited = lines.map((line) => JSON.stringify(edit(JSON.parse(line) as Json)));
    await writeFile(path, `${edited.join('\n')}\n`);
    await resealExport(copy);
    return copy;
  }

  async function discrepanciesOf(copy: string) {
    try {
      const report = await verifyExport(directorySource(copy));
      expect(report.verdict).toBe('DISCREPANCIES');
      return report.discrepancies.map(({ code, subject }) => ({ code, subject }));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }

  const onlyRating = (id: string, edit: (rating: Json) => Json) => (rating: Json) =>
    rating['id'] === id ? edit(rating) : rating;

  it('verifies the live export clean: every proof, the root history and the rescored run', async () => {
    const report = await verifyExport(httpSource(baseUrl, community.slug));
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 3, roots: 1, notes: 1, ratings: 2, requests: 1, runs: 2 },
      proofs: { checked: 4, groth16Verified: 4, sampled: false },
      // The author and the two raters each have a standing, recomputed equal.
      run: { id: runId, recomputed: true, notesCompared: 1, standingsCompared: 3 },
    });
  });

  it('verifies the saved export the same way with worker threads, and a sample as INCOMPLETE', async () => {
    const threaded = await verifyExport(directorySource(folder), { threads: 1 });
    expect(threaded).toMatchObject({ verdict: 'VERIFIED', proofs: { groth16Verified: 4 } });
    // A sample leaves the other proofs' Groth16 equations unchecked, and says so.
    const sampled = await verifyExport(directorySource(folder), { sample: 1 });
    expect(sampled).toMatchObject({
      verdict: 'INCOMPLETE',
      proofs: { checked: 4, groth16Verified: 1, sampled: true },
      unchecked: ['the Groth16 equation of 3 proofs outside the random sample of 1'],
    });
    expect(sampled.discrepancies).toEqual([]);
    // One as large as the export checks them all.
    const whole = await verifyExport(directorySource(folder), { sample: 4 });
    expect(whole).toMatchObject({ verdict: 'VERIFIED', proofs: { groth16Verified: 4 } });
  });

  it("names a forged rating: a proof that is not a member's", async () => {
    const other = JSON.parse(await readFile(join(folder, 'notes.ndjson'), 'utf8')) as Json;
    const copy = await tampered(
      'ratings',
      onlyRating(ratingIds[0] as string, (rating) => ({
        ...rating,
        // Well-formed points of another valid proof: only the Groth16 check can tell.
        proof: { ...(rating['proof'] as Json), points: (other['proof'] as Json)['points'] },
      })),
    );
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'PROOF_INVALID', subject: `rating ${ratingIds[0]}` },
    ]);
  });

  it('names a rating whose payload was edited after it was proven', async () => {
    const copy = await tampered(
      'ratings',
      onlyRating(ratingIds[1] as string, (rating) => ({
        ...rating,
        helpfulness: rating['helpfulness'] === 'HELPFUL' ? 'NOT_HELPFUL' : 'HELPFUL',
        tags: [],
      })),
    );
    const found = await discrepanciesOf(copy);
    expect(found).toContainEqual({ code: 'PROOF_MESSAGE', subject: `rating ${ratingIds[1]}` });
    // The edited rating also changes the latest run's input, which nothing newer explains.
    expect(found.map(({ code }) => code).sort()).toEqual(['PROOF_MESSAGE', 'RUN_INPUT_MISMATCH']);
  });

  const latestRun = (edit: (run: Json) => Json) => (run: Json) =>
    run['id'] === runId ? edit(run) : run;

  it('names a run whose published time is not the one its statuses were computed at', async () => {
    const copy = await tampered(
      'runs',
      latestRun((run) => ({
        ...run,
        nowAt: new Date(Date.parse(run['nowAt'] as string) + 1).toISOString(),
      })),
    );
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'RUN_INPUT_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a run whose published starting history is not the one it hashed', async () => {
    const copy = await tampered('results', (result) => ({
      ...result,
      previousHistory: {
        ...(result['previousHistory'] as Json),
        currentStatus: 'CURRENTLY_RATED_HELPFUL',
      },
    }));
    // Nor is it the status the status changes left the note at.
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${noteId}` },
      { code: 'RUN_INPUT_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a published status history the run did not leave', async () => {
    const copy = await tampered('results', (result) => ({
      ...result,
      history: { ...(result['history'] as Json), lockedStatus: 'CURRENTLY_RATED_HELPFUL' },
    }));
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'HISTORY_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names a published explanation that credits another scorer than the one that decided', async () => {
    const copy = await tampered('results', (result) => ({
      ...result,
      score: { ...(result['score'] as Json), decidingModel: 'GaussianModel' },
    }));
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'DECIDING_MODEL_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names a published explanation stripped of the scorer that decided', async () => {
    const copy = await tampered('results', (result) => {
      const score = { ...(result['score'] as Json) };
      delete score['decidingModel'];
      return { ...result, score };
    });
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'DECIDING_MODEL_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names a run whose input is not the data as of its changedThrough, however recent the writes', async () => {
    // A run that claims to have started a minute after the writes, with an invented input, data
    // hash and status: the records changed up to its cut are exactly what it read, so no later
    // write can explain another input.
    const invented = (run: Json) => ({
      ...run,
      startedAt: new Date(writtenAt + MINUTE).toISOString(),
      nowAt: new Date(writtenAt + MINUTE).toISOString(),
      inputHash: 'e'.repeat(64),
      dataHash: 'e'.repeat(64),
    });
    // Timed before the run that finished before it, too.
    expect(await discrepanciesOf(await tampered('runs', latestRun(invented)))).toEqual([
      { code: 'RUN_TIME_IMPLAUSIBLE', subject: `run ${runId}` },
      { code: 'RUN_INPUT_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('rebuilds a run that read a rating committed after its cut, and only the data it read', async () => {
    const batches = (await readFile(join(folder, 'ratings.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => BigInt((JSON.parse(line) as { changedBatch: string }).changedBatch));
    const last = batches.reduce((a, b) => (b > a ? b : a));
    // As if the loader took its cut just before the last rating's batch committed, and read
    // that rating all the same (its ratings statement came after the commit).
    const early = (run: Json) => ({ ...run, changedThrough: String(last - 1n) });
    const copy = await tampered('runs', latestRun(early));
    try {
      const report = await verifyExport(directorySource(copy));
      expect(report.discrepancies).toEqual([]);
      expect(report).toMatchObject({ verdict: 'VERIFIED', run: { recomputed: true } });
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
    // No later state of the data gives an invented input.
    const invented = (run: Json) => ({ ...early(run), inputHash: 'e'.repeat(64) });
    expect(await discrepanciesOf(await tampered('runs', latestRun(invented)))).toEqual([
      { code: 'RUN_INPUT_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a run whose data hash is not the hash of the data it scored', async () => {
    const copy = await tampered(
      'runs',
      latestRun((run) => ({ ...run, dataHash: 'f'.repeat(64) })),
    );
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'RUN_DATA_HASH_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a run whose regime is not the one its input gives', async () => {
    // Three members: the small-community regime decides; a run claiming the Core did is caught.
    const copy = await tampered(
      'runs',
      latestRun((run) => ({ ...run, regime: 'core' })),
    );
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'REGIME_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a note request whose post was changed after it was proven, or counted for another, and a duplicated one', async () => {
    const moved = await tampered('requests', (asked) => ({
      ...asked,
      postRef: { url: 'https://example.com/story?id=7' },
    }));
    // Its proof no longer checks, and the post it counts for is not the one it now names.
    expect(await discrepanciesOf(moved)).toEqual([
      { code: 'PROOF_MESSAGE', subject: `request ${requestId}` },
      { code: 'REQUEST_POST_MISMATCH', subject: `request ${requestId}` },
    ]);
    // Counted for another post than the one proven: the proof still checks, the post does not.
    const recounted = await tampered('requests', (asked) => ({
      ...asked,
      post: { canonicalUrl: 'https://example.com/story?id=7', platform: null, externalId: null },
    }));
    expect(await discrepanciesOf(recounted)).toEqual([
      { code: 'REQUEST_POST_MISMATCH', subject: `request ${requestId}` },
    ]);
    const copy = await mkdtemp(join(tmpdir(), 'bn-tampered-'));
    await cp(folder, copy, { recursive: true });
    const path = join(copy, 'requests.ndjson');
    await writeFile(path, (await readFile(path, 'utf8')).repeat(2));
    await resealExport(copy);
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'REQUEST_DUPLICATE', subject: `request ${requestId}` },
    ]);
  });

  it('checks the rest of an export made before note requests existed, and says it is INCOMPLETE', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'bn-older-'));
    try {
      await cp(folder, copy, { recursive: true });
      await rm(join(copy, 'requests.ndjson'));
      const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as Json;
      const streams = (manifest['streams'] as string[]).filter((name) => name !== 'requests');
      await writeFile(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, streams }));
      const report = await verifyExport(directorySource(copy));
      expect(report).toMatchObject({
        verdict: 'INCOMPLETE',
        counts: { requests: 0 },
        run: { recomputed: true },
        unchecked: ['stream requests'],
      });
      expect(report.discrepancies).toEqual([
        expect.objectContaining({ code: 'STREAM_MISSING', subject: 'stream requests' }),
      ]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('names a proof whose root the group never had', async () => {
    const copy = await tampered(
      'ratings',
      onlyRating(ratingIds[0] as string, (rating) => ({
        ...rating,
        proof: { ...(rating['proof'] as Json), merkleTreeRoot: '12345678901234567890' },
      })),
    );
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'PROOF_ROOT_UNKNOWN', subject: `rating ${ratingIds[0]}` },
    ]);
  });

  it('names a malformed record by stream and position instead of stopping at it', async () => {
    const copy = await tampered('members', (member) =>
      member['leafIndex'] === 0 ? { ...member, commitment: 'abc' } : member,
    );
    const found = await discrepanciesOf(copy);
    expect(found).toContainEqual({ code: 'RECORD_MALFORMED', subject: 'members record 1' });
    // Left out, the member no longer builds the published root.
    expect(found.map(({ code }) => code)).toContain('ROOT_NOT_FROM_MEMBERS');
  });

  it('names a root in the history that the published members do not build', async () => {
    const copy = await tampered('roots', (root) => ({ ...root, root: '12345678901234567890' }));
    const codes = (await discrepanciesOf(copy)).map(({ code }) => code);
    expect(codes).toContain('ROOT_NOT_FROM_MEMBERS');
    expect(codes).toContain('PROOF_ROOT_UNKNOWN');
  });

  it('names a note shown on another post than the one its author proved', async () => {
    const copy = await tampered('notes', (note) => ({
      ...note,
      post: { canonicalUrl: 'https://example.com/another-story', platform: null, externalId: null },
    }));
    // The run hashed the note's post by key: the moved note is not the data it scored either.
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'NOTE_POST_MISMATCH', subject: `note ${noteId}` },
      { code: 'RUN_DATA_HASH_MISMATCH', subject: `run ${runId}` },
    ]);
  });

  it('names a tampered scoring result', async () => {
    const copy = await tampered('results', (result) => ({
      ...result,
      status: 'CURRENTLY_RATED_HELPFUL',
    }));
    expect(await discrepanciesOf(copy)).toEqual([
      { code: 'STATUS_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names an earned standing the run did not compute, and one made up or dropped', async () => {
    const changed = await tampered('standings', (standing) => ({
      ...standing,
      ratingImpact: 5,
    }));
    const codes = (await discrepanciesOf(changed)).map(({ code }) => code);
    expect(codes).toEqual(['STANDING_MISMATCH', 'STANDING_MISMATCH', 'STANDING_MISMATCH']);

    const invented = await tampered('standings', (standing) => ({
      ...standing,
      pseudonym: `${standing['pseudonym']}0`,
    }));
    const inventedCodes = (await discrepanciesOf(invented)).map(({ code }) => code);
    expect(inventedCodes.filter((code) => code === 'STANDING_NOT_FROM_RUN')).toHaveLength(3);
    expect(inventedCodes.filter((code) => code === 'STANDING_UNKNOWN')).toHaveLength(3);
  });

  it('checks the rest of an export made before standings were kept, and says it is INCOMPLETE', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'bn-older-'));
    try {
      await cp(folder, copy, { recursive: true });
      await rm(join(copy, 'standings.ndjson'));
      const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')) as Json;
      const streams = (manifest['streams'] as string[]).filter((name) => name !== 'standings');
      await writeFile(join(copy, 'manifest.json'), JSON.stringify({ ...manifest, streams }));
      const report = await verifyExport(directorySource(copy));
      expect(report).toMatchObject({
        verdict: 'INCOMPLETE',
        run: { recomputed: true, standingsCompared: null },
        unchecked: ['stream standings'],
      });
      expect(report.discrepancies).toEqual([
        expect.objectContaining({ code: 'STREAM_MISSING', subject: 'stream standings' }),
      ]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('gives the same next run from the Community Notes TSV files as from the NDJSON streams', async () => {
    const tsvFolder = await mkdtemp(join(tmpdir(), 'bn-tsv-'));
    try {
      const paths: Record<string, string> = {};
      for (const file of ['notes', 'ratings', 'note-status-history', 'user-enrollment']) {
        paths[file] = join(tsvFolder, `${file}.tsv`);
        const response = await request(server())
          .get(`/communities/${community.slug}/export/tsv/${file}`)
          .expect(200);
        await writeFile(paths[file] as string, response.text);
      }
      const nowMs = secondRunAt + HOUR;
      // The export's times are members' minutes, compared with decisions as the instance does.
      const data = await readCommunityNotes(
        {
          notes: paths['notes'] as string,
          ratings: paths['ratings'] as string,
          status: paths['note-status-history'],
          enrollment: paths['user-enrollment'],
        },
        { memberMinutes: true },
      );
      const fromTsv = scoreNotes(data.input, { seed: DEFAULT_SEED, nowMs });
      const fromNdjson = await rescoreExport(directorySource(folder), { nowMs });
      expect(data.input.ratingNote).toHaveLength(2);
      expect(data.input.tagsKnown).toBe(true);
      expect(fromNdjson.notes).toMatchObject([
        {
          noteId,
          status: shownStatus(fromTsv.finalStatus[0] as NoteStatus),
          published: 'NEEDS_MORE_RATINGS',
        },
      ]);
      // Both carry the same state forward: the history the instance stored, one run on.
      expect(fromNdjson.notes[0]?.history).toEqual(
        statusHistoryToJson(fromTsv.history?.[0] as NoteStatusHistory),
      );
      expect(fromNdjson.notes[0]?.history).toMatchObject({
        noteId,
        timestampMillisOfCurrentStatus: nowMs,
        timestampMillisOfMostRecentStatusChange: secondRunAt - HOUR,
      });
    } finally {
      await rm(tsvFolder, { recursive: true, force: true });
    }
  });

  describe('endpoints', () => {
    const exportOf = (path: string) =>
      request(server()).get(`/communities/${community.slug}/export${path}`);
    const lines = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));

    it('serves NDJSON that resumes after the cursor of the last record received', async () => {
      const all = await exportOf('/ratings')
        .expect('Content-Type', /application\/x-ndjson/)
        .expect(200);
      const whole = lines(all.text);
      expect(whole).toHaveLength(2);
      expect(whole[0]).toMatchObject({
        proof: { merkleTreeDepth: 20 },
        clientMinute: expect.any(Number),
      });
      const first = lines((await exportOf('/ratings?limit=1').expect(200)).text);
      const rest = lines(
        (await exportOf(`/ratings?limit=1&after=${first[0].cursor}`).expect(200)).text,
      );
      expect([...first, ...rest]).toEqual(whole);
      const roots = lines((await exportOf('/roots?limit=1').expect(200)).text);
      expect(lines((await exportOf(`/roots?after=${roots[0].cursor}`).expect(200)).text)).toEqual(
        [],
      );
    });

    it('follows changes: each note and rating once in change order, a replaced rating again', async () => {
      const manifest = (await exportOf('').expect(200)).body;
      expect(manifest.changeHorizon).toMatch(/^[0-9]+$/);
      const feed = lines((await exportOf('/ratings?order=changes').expect(200)).text);
      expect(feed.map((rating) => rating.id).sort()).toEqual([...ratingIds].sort());
      const byPage = [
        ...lines((await exportOf('/ratings?order=changes&limit=1').expect(200)).text),
      ];
      byPage.push(
        ...lines(
          (await exportOf(`/ratings?order=changes&after=${byPage[0].cursor}`).expect(200)).text,
        ),
      );
      expect(byPage).toEqual(feed);
      const last = feed[feed.length - 1].cursor;
      expect(
        lines((await exportOf(`/ratings?order=changes&after=${last}`).expect(200)).text),
      ).toEqual([]);

      // Any change of a rating puts it after every earlier change, once committed and once every
      // transaction older than it has ended (the horizon is the server's oldest running one, and
      // other suites write on the same server meanwhile).
      await prisma.$executeRaw`UPDATE ratings SET tags = tags WHERE id = ${ratingIds[0]}::uuid`;
      await eventually(async () => {
        const changed = lines(
          (await exportOf(`/ratings?order=changes&after=${last}`).expect(200)).text,
        );
        expect(changed.map((rating) => rating.id)).toEqual([ratingIds[0]]);
      });
      // ...but not below a horizon taken before it.
      const before = lines(
        (
          await exportOf(
            `/ratings?order=changes&after=${last}&before=${manifest.changeHorizon}`,
          ).expect(200)
        ).text,
      );
      expect(before).toEqual([]);
      const notes = lines((await exportOf('/notes?order=changes').expect(200)).text);
      expect(notes.map((note) => note.id)).toEqual([noteId]);
    });

    it('keeps the post as the author proved it beside the canonical one', async () => {
      const [note] = lines((await exportOf('/notes').expect(200)).text);
      expect(note.postRef).toEqual(NOTE.post);
      expect(note.post.canonicalUrl).toBe('https://example.com/story?id=7');
      expect(note.postId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("publishes what a run needs to be recomputed: its time and each note's histories", async () => {
      const runs = lines((await exportOf('/runs').expect(200)).text);
      expect(runs.at(-1)).toMatchObject({
        id: runId,
        algorithmVersion: 'meta/7',
        regime: 'small-community',
        nowAt: new Date(secondRunAt).toISOString(),
        inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        dataHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        // The change batch it read the data as of, which the verifier rebuilds its input at.
        changedThrough: expect.stringMatching(/^[0-9]+$/),
      });
      // Both runs scored the same data, at different times from different histories.
      expect(runs.at(-2).dataHash).toBe(runs.at(-1).dataHash);
      expect(runs.at(-2).inputHash).not.toBe(runs.at(-1).inputHash);
      const [result] = lines((await exportOf('/results').expect(200)).text);
      expect(result).toMatchObject({
        runId,
        previousHistory: { noteId, timestampMillisOfCurrentStatus: secondRunAt - HOUR },
        history: { noteId, timestampMillisOfCurrentStatus: secondRunAt },
      });
      const [rating] = lines((await exportOf('/ratings').expect(200)).text);
      expect(rating.tags.length).toBeGreaterThan(0);
    });

    it('serves note requests with their proofs', async () => {
      expect(lines((await exportOf('/requests').expect(200)).text)).toEqual([
        {
          cursor: requestId,
          id: requestId,
          requesterPseudonym: expect.any(String),
          post: {
            canonicalUrl: 'https://example.com/other-story',
            platform: null,
            externalId: null,
          },
          postRef: { url: 'https://example.com/other-story' },
          clientMinute: expect.any(Number),
          proof: expect.objectContaining({ merkleTreeDepth: 20 }),
          changedBatch: expect.stringMatching(/^[0-9]+$/),
        },
      ]);
    });

    it('follows requests in change order: each once, by the batch that stored it, below a horizon', async () => {
      const manifest = (await exportOf('').expect(200)).body;
      const horizon = manifest.changeHorizon as string;
      const feed = lines(
        (await exportOf(`/requests?order=changes&before=${horizon}`).expect(200)).text,
      );
      expect(feed.map((asked) => asked.id)).toEqual([requestId]);
      expect(BigInt(feed[0].changedBatch)).toBeLessThan(BigInt(horizon));
      const last = feed[0].cursor;
      expect(last).not.toBe(requestId);

      // A request stored since, whose id sorts before every other: after the cursor all the
      // same, but not below the horizon taken before it.
      const stored = await prisma.noteRequest.findUniqueOrThrow({ where: { id: requestId } });
      const later = `00000000-${randomUUID().slice(9)}`;
      await prisma.noteRequest.create({
        data: {
          ...stored,
          id: later,
          requesterPseudonym: '4242424242',
          postRef: stored.postRef as { url: string },
          proof: stored.proof as Prisma.InputJsonObject,
          changedBatch: undefined,
        },
      });
      try {
        const since = lines(
          (await exportOf(`/requests?order=changes&after=${last}`).expect(200)).text,
        );
        expect(since.map((asked) => asked.id)).toEqual([later]);
        expect(BigInt(since[0].changedBatch)).toBeGreaterThanOrEqual(BigInt(horizon));
        expect(
          lines(
            (await exportOf(`/requests?order=changes&after=${last}&before=${horizon}`).expect(200))
              .text,
          ),
        ).toEqual([]);
      } finally {
        await prisma.noteRequest.delete({ where: { id: later } });
      }
    });

    it.each([
      ['/ratings?after=not-a-cursor', 'CURSOR_INVALID'],
      ['/roots?after=abc', 'CURSOR_INVALID'],
      ['/members?after=-1', 'CURSOR_INVALID'],
      ['/ratings?limit=0', 'VALIDATION_FAILED'],
      ['/members?order=changes', 'ORDER_INVALID'],
      ['/notes?order=changes&after=not-a-cursor', 'CURSOR_INVALID'],
      ['/notes?order=sideways', 'VALIDATION_FAILED'],
      ['/notes?order=changes&before=-1', 'VALIDATION_FAILED'],
      // Only change order reads `before`: with id order it was ignored, the stream read whole.
      ['/notes?before=5', 'VALIDATION_FAILED'],
      ['/ratings?order=id&before=5', 'VALIDATION_FAILED'],
      ['/secrets', 'VALIDATION_FAILED'],
      ['/tsv/secrets', 'VALIDATION_FAILED'],
    ])('answers %s with 400 %s', async (path, code) => {
      expect((await exportOf(path).expect(400)).body.code).toBe(code);
    });

    it('answers 404 for an unknown community', async () => {
      const response = await request(server())
        .get('/communities/nobody-here/export/notes')
        .expect(404);
      expect(response.body.code).toBe('COMMUNITY_NOT_FOUND');
    });

    it("serves Community Notes' TSV files with their columns", async () => {
      const notes = (
        await exportOf('/tsv/notes')
          .expect('Content-Type', /tab-separated/)
          .expect(200)
      ).text.split('\n');
      const header = (notes[0] as string).split('\t');
      const row = (notes[1] as string).split('\t');
      expect(row[header.indexOf('noteId')]).toBe(noteId);
      expect(row[header.indexOf('misleadingMissingImportantContext')]).toBe('1');
      expect(row[header.indexOf('tweetId')]).toBe('https://example.com/story?id=7');
      const ratings = (await exportOf('/tsv/ratings').expect(200)).text.split('\n').filter(Boolean);
      const ratingHeader = (ratings[0] as string).split('\t');
      const levels = ratings
        .slice(1)
        .map((line) => line.split('\t')[ratingHeader.indexOf('helpfulnessLevel')]);
      expect(levels.sort()).toEqual(['HELPFUL', 'NOT_HELPFUL']);
      // Each rating names its note's post, as the notes file does.
      expect(
        ratings.slice(1).map((line) => line.split('\t')[ratingHeader.indexOf('ratedOnTweetId')]),
      ).toEqual(['https://example.com/story?id=7', 'https://example.com/story?id=7']);
      const history = (await exportOf('/tsv/note-status-history').expect(200)).text.split('\n');
      const historyHeader = (history[0] as string).split('\t');
      const historyRow = (history[1] as string).split('\t');
      const cellOf = (column: string) => historyRow[historyHeader.indexOf(column)];
      expect(historyHeader).toHaveLength(24);
      // The row the scorer keeps between runs, as the latest run left it.
      expect(cellOf('currentStatus')).toBe('NEEDS_MORE_RATINGS');
      // Three members: the small-community regime decided, in place of the Core/Gaussian step.
      expect(cellOf('currentDecidedBy')).toBe('SmallCommunityModel');
      expect(cellOf('timestampMillisOfCurrentStatus')).toBe(String(secondRunAt));
      expect(cellOf('timestampMinuteOfFinalScoringOutput')).toBe(
        String(Math.floor(secondRunAt / 60_000)),
      );
      expect(cellOf('timestampMillisOfStatusLock')).toBe('-1');
      // Every author and rater, in the Core population the reference needs.
      const enrollment = (await exportOf('/tsv/user-enrollment').expect(200)).text
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'));
      const enrollmentHeader = enrollment[0] as string[];
      expect(enrollmentHeader).toEqual([
        'participantId',
        'enrollmentState',
        'successfulRatingNeededToEarnIn',
        'timestampOfLastStateChange',
        'timestampOfLastEarnOut',
        'modelingPopulation',
        'modelingGroup',
        'numberOfTimesEarnedOut',
      ]);
      const participants = enrollment.slice(1);
      expect(participants).toHaveLength(3);
      expect(new Set(participants.map((row) => row[0])).size).toBe(3);
      expect(participants.every((row) => row[6] === '13')).toBe(true);
    });
  });
});
