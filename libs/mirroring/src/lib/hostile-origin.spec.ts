import { PrismaPg } from '@prisma/adapter-pg';
import { Group, Identity } from '@semaphore-protocol/core';
import { nodeArtifacts, proveAction, type ActionRequest } from '@bridgenotes/client';
import { Environment } from '@bridgenotes/config';
import {
  GroupTreeStore,
  ModerationLogStore,
  NoteReportsStore,
  Prisma,
  PrismaClient,
  PrismaService,
  ScoringOutbox,
} from '@bridgenotes/database';
import {
  EXPORT_FORMAT,
  type MemberRecord,
  type NoteRecord,
  type RatingRecord,
  type RequestRecord,
  type ResultRecord,
  type RootRecord,
} from '@bridgenotes/open-data';
import {
  communityScope,
  MODERATION_GENESIS,
  moderationEntryHash,
  OPERATOR_MODERATOR,
  releaseCurve,
  useSingleThreadedCurve,
  type ModerationAction,
  type ModerationLogEntry,
  type UnhashedEntry,
} from '@bridgenotes/protocol';
import { currentTestRun, PATIENCE_MS, startInnerService } from '@bridgenotes/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { MirrorPuller } from './mirror-puller';
import { PRIVATE_ORIGIN_REFUSAL } from './origin-fetch';
import { PageSettlement } from './page-settlement';

/** Small limits, so that each is reached in a moment; the defaults are far above real records. */
const LIMITS = {
  MIRROR_MAX_RECORD_BYTES: 4_096,
  MIRROR_MAX_RESPONSE_BYTES: 65_536,
  MIRROR_MAX_STREAM_RECORDS: 1_000,
  MIRROR_READ_IDLE_MS: 1_000,
  MIRROR_READ_TIMEOUT_MS: 2_500,
};
/**
 * The most a hostile response sends (and pages a hostile stream serves): a mirror that read
 * without limits would fail these tests, not exhaust the machine running them.
 */
const SAFETY_BYTES = 128 * 1024 * 1024;
const SAFETY_PAGES = 50;
/** What loopback sockets hold between the origin's writes and the mirror's reads. */
const IN_FLIGHT_BYTES = 16 * 1024 * 1024;

const SLUG = 'news';
const NOTES = [randomUUID(), randomUUID(), randomUUID()].sort();

interface OriginRun {
  id: string;
  status: 'SUCCEEDED';
  finishedAt: string;
  inputHash: null;
  dataHash: null;
}

/** One hostile response: what it sent, and whether the mirror closed it before its end. */
interface Served {
  bytes: number;
  aborted: Promise<boolean>;
}

type Misbehaviour = (response: ServerResponse, url: URL, served: Served) => void;

const line = (record: unknown) => `${JSON.stringify(record)}\n`;
const commitment = () => BigInt(`0x${randomBytes(31).toString('hex')}`);

/** Writes `chunk` again and again, as fast as the mirror reads, until it closes the connection. */
async function endlessly(response: ServerResponse, chunk: string, served: Served) {
  while (!response.destroyed && served.bytes < SAFETY_BYTES) {
    served.bytes += Buffer.byteLength(chunk);
    if (!response.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          response.off('drain', go).off('close', go);
          resolve();
        };
        response.once('drain', go).once('close', go);
      });
    }
  }
}

/**
 * A mirror following an origin another party runs: here a node:http server of the test's, which
 * serves a valid export (a group, no notes yet, its runs and their results) until a test makes
 * one of its responses hostile. The real `MirrorPuller` (fetch, this run's database) pulls it.
 */
describe('MirrorPuller against a hostile origin', () => {
  let prisma: PrismaClient;
  let origin: Server;
  let mirrorId: string;
  /**
   * Each case makes only the limit it tests tight: the time limits are a busy machine's unless a
   * case is about them. In the embedded pass the database runs on this thread, so a query can
   * hold the event loop past a one-second idle limit while a size limit is being reached.
   */
  let puller: MirrorPuller;
  let stallingPuller: MirrorPuller;
  let slowPuller: MirrorPuller;
  /** Requests the origin received, whatever they asked. */
  let originRequests = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  /** The member who writes the origin's notes. */
  const author = new Identity();
  /** A member who rates the author's notes. */
  const rater = new Identity();
  const leaves = [commitment(), author.commitment, rater.commitment];
  const roots: RootRecord[] = [];
  const runs: OriginRun[] = [];
  /** The notes change feed, in its order. */
  const notes: NoteRecord[] = [];
  /** The origin's moderation log. */
  const moderation: (ModerationLogEntry & { cursor: string })[] = [];
  /** The notes the mirror accepted (by the malformed-notes case), which the log then names. */
  let held: NoteRecord[] = [];
  const communityId = randomUUID();
  let hostile: { path: string; misbehave: Misbehaviour; served: Served[] } | undefined;

  const admit = () => {
    leaves.push(commitment());
    roots.push({
      cursor: `r${roots.length + 1}`,
      root: new Group(leaves).root.toString(),
      size: leaves.length,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, roots.length)).toISOString(),
      supersededAt: null,
    });
  };
  const publishRun = () =>
    runs.push({
      id: randomUUID(),
      status: 'SUCCEEDED',
      finishedAt: new Date(Date.UTC(2026, 0, 2, 0, runs.length)).toISOString(),
      inputHash: null,
      dataHash: null,
    });
  const latestRun = () => runs[runs.length - 1] as OriginRun;
  const results = (): ResultRecord[] =>
    NOTES.map((noteId) => ({
      cursor: noteId,
      noteId,
      status: 'NEEDS_MORE_RATINGS',
      runId: latestRun().id,
      score: { preStabilizationStatus: 'NEEDS_MORE_RATINGS', decidedBy: 'CoreModel' },
      history: null,
      previousHistory: null,
    }));
  const members = (): MemberRecord[] =>
    leaves.map((leaf, leafIndex) => ({
      cursor: String(leafIndex),
      leafIndex,
      commitment: leaf.toString(),
      removedAt: null,
    }));

  /** The export's records after `after`, `limit` of them, in its order. */
  function page(records: { cursor: string }[], url: URL): string {
    const after = url.searchParams.get('after');
    const start = after === null ? 0 : records.findIndex((r) => r.cursor === after) + 1;
    return records
      .slice(start, start + Number(url.searchParams.get('limit')))
      .map(line)
      .join('');
  }

  function serve(request: IncomingMessage, response: ServerResponse) {
    originRequests += 1;
    const url = new URL(request.url ?? '/', 'http://origin');
    if (hostile && url.pathname.endsWith(hostile.path)) {
      const served: Served = {
        bytes: 0,
        aborted: new Promise((resolve) =>
          response.once('close', () => resolve(!response.writableFinished)),
        ),
      };
      hostile.served.push(served);
      hostile.misbehave(response, url, served);
      return;
    }
    const base = `/communities/${SLUG}/export`;
    const ndjson: Record<string, () => { cursor: string }[]> = {
      [`${base}/roots`]: () => roots,
      [`${base}/members`]: members,
      [`${base}/moderation`]: () => moderation,
      [`${base}/notes`]: () => notes,
      [`${base}/ratings`]: () => [],
      [`${base}/requests`]: () => [],
      [`${base}/results`]: results,
    };
    if (url.pathname === base) {
      response.end(JSON.stringify(manifest()));
    } else if (url.pathname === `/communities/${SLUG}/scoring-runs`) {
      response.end(JSON.stringify({ items: [...runs].reverse(), nextCursor: null }));
    } else if (ndjson[url.pathname]) {
      response.end(page(ndjson[url.pathname]?.() ?? [], url));
    } else {
      response.writeHead(404).end();
    }
  }

  const manifest = () => ({
    format: EXPORT_FORMAT,
    community: { id: communityId, slug: SLUG, scope: communityScope(communityId).toString() },
    rules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 10 },
    generatedAt: new Date().toISOString(),
    changeHorizon: '1',
    streams: ['members', 'roots', 'notes', 'ratings', 'requests', 'results', 'moderation'],
  });

  /** From now on, the origin answers GETs of paths ending in `path` as `misbehave` does. */
  function misbehave(path: string, behaviour: Misbehaviour): Served[] {
    hostile = { path, misbehave: behaviour, served: [] };
    return hostile.served;
  }

  /** The origin listens on loopback: allowed here, but by the case about private origins. */
  const pullerWith = (
    limits: Partial<typeof LIMITS> & { MIRROR_ALLOW_PRIVATE_ORIGINS?: boolean },
  ) => {
    const database = prisma as PrismaService;
    const outbox = new ScoringOutbox(database);
    return new MirrorPuller(
      database,
      new GroupTreeStore(database),
      outbox,
      new ModerationLogStore(database, outbox, new NoteReportsStore(database)),
      Object.assign(new Environment(), LIMITS, { MIRROR_ALLOW_PRIVATE_ORIGINS: true }, limits),
    );
  };

  /** A note the author proves now, over the group as the origin last published it. */
  async function provenNote(text: string): Promise<NoteRecord> {
    const post = { platform: 'example', externalId: text };
    const proven = await proveAction(
      author,
      new Group(leaves),
      {
        kind: 'note.create',
        community: { id: communityId, scope: communityScope(communityId).toString() },
        payload: {
          post,
          classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
          reasons: [],
          text,
          sources: [],
        },
      },
      nodeArtifacts(),
    );
    return {
      cursor: `note-${notes.length + 1}`,
      id: randomUUID(),
      authorPseudonym: proven.proof.nullifier,
      postId: randomUUID(),
      post: { canonicalUrl: null, ...post },
      postRef: post,
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      reasons: [],
      text,
      sources: [],
      clientMinute: proven.action.clientMinute,
      createdAt: new Date(proven.action.clientMinute * 60_000).toISOString(),
      deletedAt: null,
      proof: proven.proof,
      deleteProof: null,
    };
  }
  /**
   * A rating of the first held note and a request for a post, each proven now or at
   * `clientMinute`, with `mark` in the rating's tag and the post's id when given.
   */
  async function provenRecords({ clientMinute, mark }: { clientMinute?: number; mark?: string }) {
    const [note] = held as [NoteRecord];
    const community = { id: communityId, scope: communityScope(communityId).toString() };
    const post = { platform: 'example', externalId: `odd-${randomUUID()}${mark ?? ''}` };
    const tags = mark === undefined ? [] : [`tag${mark}`];
    const prove = (who: Identity, request: Omit<ActionRequest, 'community' | 'clientMinute'>) =>
      proveAction(who, new Group(leaves), { ...request, community, clientMinute }, nodeArtifacts());
    const rated = await prove(rater, {
      kind: 'rating.put',
      target: `note:${note.id}`,
      payload: { helpfulness: 'HELPFUL', tags },
    });
    const asked = await prove(author, { kind: 'note.request', payload: { post } });
    const rating: RatingRecord = {
      cursor: `odd-${randomUUID()}`,
      id: randomUUID(),
      noteId: note.id,
      raterPseudonym: rated.proof.nullifier,
      helpfulness: 'HELPFUL',
      tags,
      clientMinute: rated.action.clientMinute,
      proof: rated.proof,
    };
    const request: RequestRecord = {
      cursor: `odd-${randomUUID()}`,
      id: randomUUID(),
      requesterPseudonym: asked.proof.nullifier,
      post: { canonicalUrl: null, ...post },
      postRef: post,
      clientMinute: asked.action.clientMinute,
      proof: asked.proof,
    };
    return { ratings: rating, requests: request };
  }

  /** The next entry of `log` (the origin's, unless another), chained onto it, not yet in it. */
  function logEntry(
    action: ModerationAction,
    target: string,
    message: string | null = null,
    log: ModerationLogEntry[] = moderation,
  ) {
    const unhashed: UnhashedEntry = {
      seq: log.length + 1,
      action,
      target,
      reasonCode: 'REVIEWED',
      moderatorKeyId: OPERATOR_MODERATOR,
      day: '2026-12-06',
      message,
      previousHash: log.at(-1)?.hash ?? MODERATION_GENESIS,
    };
    const hash = moderationEntryHash(communityId, unhashed);
    return { ...unhashed, hash, cursor: String(unhashed.seq) };
  }
  const heldLog = () =>
    prisma.moderationLogEntry.findMany({
      where: { communityId },
      select: { seq: true, hash: true },
      orderBy: { seq: 'asc' },
    });
  const heldNote = (id: string) =>
    prisma.note.findUniqueOrThrow({
      where: { id },
      select: { text: true, hidden: true, redacted: true },
    });

  /** Adds records to the notes feed, each at the next cursor. */
  const serveNotes = (...records: NoteRecord[]) =>
    records.forEach((record) => notes.push({ ...record, cursor: `note-${notes.length + 1}` }));

  const state = () => prisma.mirror.findUniqueOrThrow({ where: { id: mirrorId } });
  const refusalsOf = (subjects: string[]) =>
    prisma.mirrorRefusal.findMany({
      where: { mirrorId, subject: { in: subjects } },
      select: { subject: true, code: true },
      orderBy: { subject: 'asc' },
    });
  const treeSize = async () =>
    (await prisma.community.findUniqueOrThrow({ where: { id: communityId } })).treeSize;
  const originResults = () =>
    prisma.mirrorOriginResult.findMany({
      where: { mirrorId },
      select: { noteId: true, runId: true },
      orderBy: { noteId: 'asc' },
    });

  /** A puller whose time limits are a busy machine's, with `limits` beside. */
  const patientPuller = (limits: Partial<typeof LIMITS> = {}) =>
    pullerWith({
      MIRROR_READ_IDLE_MS: PATIENCE_MS,
      MIRROR_READ_TIMEOUT_MS: PATIENCE_MS,
      ...limits,
    });

  /** The pull fails with `code`, which the mirror's state records with a message like `why`. */
  async function stopsWith(pulling: Promise<unknown>, code: string, why: RegExp) {
    await expect(pulling).rejects.toMatchObject({ code });
    expect(await state()).toMatchObject({
      lastErrorCode: code,
      lastError: expect.stringMatching(why),
    });
  }

  /** The origin behaves again: the next pull takes everything, and clears the error. */
  async function pullsNormally() {
    hostile = undefined;
    await puller.pull(mirrorId);
    expect(await state()).toMatchObject({
      lastError: null,
      lastErrorCode: null,
      originRunId: latestRun().id,
    });
    expect(await treeSize()).toBe(leaves.length);
    expect(await originResults()).toEqual(
      NOTES.map((noteId) => ({ noteId, runId: latestRun().id })),
    );
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // The notes' proofs are made here: a curve on worker threads would keep Jest from exiting.
    await useSingleThreadedCurve();
    prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: currentTestRun().databaseUrl }),
    });
    origin = createServer(serve);
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `h-${communityId.slice(0, 8)}`,
        name: 'mirrored',
        scope: communityScope(communityId).toString(),
        admission: 'CLOSED',
      },
    });
    mirrorId = (
      await prisma.mirror.create({
        data: {
          communityId,
          originUrl: `http://127.0.0.1:${(origin.address() as AddressInfo).port}`,
          originSlug: SLUG,
          originRules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 10 },
        },
      })
    ).id;
    puller = patientPuller();
    stallingPuller = pullerWith({ MIRROR_READ_TIMEOUT_MS: PATIENCE_MS });
    slowPuller = pullerWith({ MIRROR_READ_IDLE_MS: PATIENCE_MS });
    admit();
    publishRun();
    await pullsNormally();
  });

  afterAll(async () => {
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
    await prisma.$disconnect();
    await releaseCurve();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('stops at a line over MIRROR_MAX_RECORD_BYTES, keeps what settled before it, stores none of that stream', async () => {
    const before = await state();
    admit();
    publishRun();
    const served = misbehave('/export/results', (response, _url, sent) => {
      response.write(line(results()[0]));
      void endlessly(response, 'x'.repeat(16_384), sent);
    });

    // The results only inform the divergence report: the pull runs to its end without them.
    await expect(puller.pull(mirrorId)).resolves.not.toHaveProperty('originRunFetched');
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_RECORD_TOO_LARGE',
      lastSuccessAt: expect.any(Date),
      lastError: expect.stringMatching(
        /^pulled through, the origin's results not read .*\/results\?limit=5000: line 2 is over 4096 bytes \(limit: MIRROR_MAX_RECORD_BYTES\)$/,
      ),
      originRunId: before.originRunId,
    });
    // The connection was closed at the limit: what the origin had sent is what sockets hold.
    expect(await served[0]?.aborted).toBe(true);
    expect(served[0]?.bytes).toBeLessThan(IN_FLIGHT_BYTES);
    // The new member, settled before the results were read, stays; the results are the last
    // run's, whole.
    expect(await treeSize()).toBe(leaves.length);
    expect(await originResults()).toEqual(
      NOTES.map((noteId) => ({ noteId, runId: before.originRunId })),
    );

    await pullsNormally();
  });

  it('stops an endless response at MIRROR_MAX_RESPONSE_BYTES', async () => {
    const record = line({ cursor: 'n', id: randomUUID(), text: 'x'.repeat(1_000) });
    const served = misbehave('/export/notes', (response, _url, sent) => {
      void endlessly(response, record, sent);
    });

    await expect(puller.pull(mirrorId)).rejects.toMatchObject({
      code: 'ORIGIN_RESPONSE_TOO_LARGE',
    });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_RESPONSE_TOO_LARGE',
      lastError: expect.stringMatching(
        /the response is over 65536 bytes \(limit: MIRROR_MAX_RESPONSE_BYTES\)$/,
      ),
    });
    expect(await served[0]?.aborted).toBe(true);
    expect(served[0]?.bytes).toBeLessThan(IN_FLIGHT_BYTES);

    await pullsNormally();
  });

  it('stops a stream served page after page without end at MIRROR_MAX_STREAM_RECORDS', async () => {
    const before = await state();
    publishRun();
    const served = misbehave('/export/results', (response, url, sent) => {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = served.length > SAFETY_PAGES ? 1 : Number(url.searchParams.get('limit'));
      const records = Array.from({ length: limit }, (_, index) => {
        const [result] = results() as [ResultRecord];
        return line({ ...result, cursor: String(after + index + 1), noteId: randomUUID() });
      }).join('');
      sent.bytes += Buffer.byteLength(records);
      response.end(records);
    });

    const longer = pullerWith({
      MIRROR_READ_IDLE_MS: PATIENCE_MS,
      MIRROR_READ_TIMEOUT_MS: PATIENCE_MS,
      MIRROR_MAX_RESPONSE_BYTES: 4_194_304,
      MIRROR_MAX_STREAM_RECORDS: 12_000,
    });
    await expect(longer.pull(mirrorId)).resolves.not.toHaveProperty('originRunFetched');
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_STREAM_TOO_LONG',
      lastError: expect.stringMatching(
        /^pulled through, the origin's results not read .*\/results goes on past 12000 records: read stopped, nothing of it stored \(limit: MIRROR_MAX_STREAM_RECORDS\)$/,
      ),
      originRunId: before.originRunId,
    });
    // Three pages of 5,000, then no more.
    expect(served).toHaveLength(3);
    expect(await originResults()).toEqual(
      NOTES.map((noteId) => ({ noteId, runId: before.originRunId })),
    );

    await pullsNormally();
  });

  it('stops reading a change feed that serves the same page whatever the cursor', async () => {
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const served = misbehave('/export/notes', (response) => {
      // Unfit records, each refused; the same full page every time (then an empty one, for a
      // mirror that would go on asking).
      const records = served.length > SAFETY_PAGES ? [] : ids;
      response.end(records.map((id, n) => line({ cursor: `n${n}`, id })).join(''));
    });

    await expect(puller.pull(mirrorId)).rejects.toMatchObject({ code: 'ORIGIN_INVALID' });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_INVALID',
      lastError: expect.stringMatching(
        /\/notes answers the same page again after the cursor it ended at: read stopped$/,
      ),
    });
    expect(served).toHaveLength(2);

    await pullsNormally();
  });

  it('gives up on a trickle at MIRROR_READ_TIMEOUT_MS, before anything of the group is stored', async () => {
    admit();
    const size = await treeSize();
    const served = misbehave('/export/members', (response) => {
      response.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      // A byte at a time, never idle long enough for the idle timer.
      const trickle = setInterval(() => response.write(' '), 20);
      response.once('close', () => clearInterval(trickle));
    });

    await expect(slowPuller.pull(mirrorId)).rejects.toMatchObject({ code: 'ORIGIN_TOO_SLOW' });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_TOO_SLOW',
      lastError: expect.stringMatching(
        /\/members\?[^:]*: not complete after 2500 ms \(limit: MIRROR_READ_TIMEOUT_MS\)$/,
      ),
    });
    expect(await served[0]?.aborted).toBe(true);
    expect(await treeSize()).toBe(size);

    await pullsNormally();
  });

  it.each([
    ['no headers', (_response: ServerResponse) => undefined],
    [
      'half a manifest',
      (response: ServerResponse) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"format":');
      },
    ],
  ])('gives up on an origin silent for MIRROR_READ_IDLE_MS: %s', async (_, behaviour) => {
    const served = misbehave(`/communities/${SLUG}/export`, behaviour);

    await expect(stallingPuller.pull(mirrorId)).rejects.toMatchObject({ code: 'ORIGIN_STALLED' });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_STALLED',
      lastError: expect.stringMatching(
        /\/export: nothing arrived for 1000 ms \(limit: MIRROR_READ_IDLE_MS\)$/,
      ),
    });
    expect(await served[0]?.aborted).toBe(true);

    await pullsNormally();
  });

  it('refuses a JSON document over MIRROR_MAX_RECORD_BYTES: an endless list of runs', async () => {
    const run = JSON.stringify(latestRun());
    const served = misbehave('/scoring-runs', (response, _url, sent) => {
      response.write('{"items":[');
      void endlessly(response, `${run},`, sent);
    });

    await expect(puller.pull(mirrorId)).resolves.not.toHaveProperty('originRunFetched');
    expect(await state()).toMatchObject({
      lastErrorCode: 'ORIGIN_RECORD_TOO_LARGE',
      lastError: expect.stringMatching(
        /^pulled through, the origin's results not read .*scoring-runs\?limit=20: the JSON document is over 4096 bytes \(limit: MIRROR_MAX_RECORD_BYTES\)$/,
      ),
    });
    expect(await served[0]?.aborted).toBe(true);
    expect(served[0]?.bytes).toBeLessThan(IN_FLIGHT_BYTES);

    await pullsNormally();
  });

  it('does not follow a redirect, and publishes nothing of where it led', async () => {
    const inner = await startInnerService('SECRET-123');
    try {
      misbehave('/export/notes', (response) =>
        response.writeHead(302, { location: `${inner.url}/latest/meta-data` }).end(),
      );
      await stopsWith(
        puller.pull(mirrorId),
        'ORIGIN_INVALID',
        /\/notes\?[^:]*: answered a redirect \(302\), which is not followed: give the URL the export is served at$/,
      );
      expect((await state()).lastError).not.toContain('SECRET-123');
      expect(inner.requests()).toBe(0);
    } finally {
      await inner.close();
    }
    await pullsNormally();
  });

  it.each([
    [
      'a Bridgenotes error: its status and code',
      { code: 'EXPORT_BUSY', message: 'SECRET-456' },
      ' (EXPORT_BUSY)',
    ],
    ['a JSON body whose code is not a Bridgenotes code', { code: 'SECRET-456 here' }, ''],
    ['any other body', 'SECRET-456', ''],
  ])('keeps nothing of an error answer but %s', async (_, body, kept) => {
    misbehave('/export/notes', (response) =>
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end(typeof body === 'string' ? body : JSON.stringify(body)),
    );
    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_UNREACHABLE',
      new RegExp(`/notes\\?[^:]*: answered 503${kept.replace(/[()]/g, '\\$&')}$`),
    );
    expect((await state()).lastError).not.toContain('SECRET-456');
    await pullsNormally();
  });

  it('reads no origin at a private address unless MIRROR_ALLOW_PRIVATE_ORIGINS is true', async () => {
    const guarded = pullerWith({ MIRROR_ALLOW_PRIVATE_ORIGINS: false });
    const before = originRequests;
    try {
      await stopsWith(
        guarded.pull(mirrorId),
        'ORIGIN_UNREACHABLE',
        new RegExp(`/export: ${PRIVATE_ORIGIN_REFUSAL.replace(/[()]/g, '\\$&')}$`),
      );
      expect(originRequests).toBe(before);
    } finally {
      await guarded.onModuleDestroy();
    }
    await pullsNormally();
  });

  it('refuses malformed notes one by one, as RECORD_INVALID, and stores the notes after them', async () => {
    const [first, second] = [await provenNote('first'), await provenNote('second')];
    // An honest proof beside fields a hostile origin changed: none may stop the pull at its page.
    const malformed = [
      { ...first, id: randomUUID(), post: null },
      { ...first, id: randomUUID(), deletedAt: 'x', deleteProof: first.proof },
      { ...first, id: randomUUID(), postRef: {} },
    ] as unknown as NoteRecord[];
    serveNotes(...malformed, first, second);
    const before = await state();

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { notes: 2 },
      refused: 3,
    });
    const after = await state();
    expect(after).toMatchObject({ lastError: null, lastErrorCode: null });
    expect(after.lastSuccessAt?.getTime()).toBeGreaterThan(before.lastSuccessAt?.getTime() ?? 0);
    expect(await refusalsOf(malformed.map((note) => `note ${note.id}`))).toEqual(
      malformed
        .map((note) => ({ subject: `note ${note.id}`, code: 'RECORD_INVALID' }))
        .sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    );
    expect(
      await prisma.note.count({ where: { communityId, id: { in: [first.id, second.id] } } }),
    ).toBe(2);
    held = [first, second];
  });

  it.each([
    ['ratings', 'rating'],
    ['requests', 'request'],
  ])(
    'refuses a malformed record of %s its page gives twice, once, and pulls on',
    async (stream, kind) => {
      const id = randomUUID();
      misbehave(`/export/${stream}`, (response, url) => {
        const twice = [
          { cursor: `${kind}-1`, id },
          { cursor: `${kind}-2`, id },
        ].slice(0, Number(url.searchParams.get('limit')));
        response.end(url.searchParams.has('after') ? '' : twice.map(line).join(''));
      });

      // Both refused on the page, stored as one refusal: a second row would fail the page.
      await expect(puller.pull(mirrorId)).resolves.toMatchObject({ refused: 2 });
      expect(await refusalsOf([`${kind} ${id}`])).toEqual([
        { subject: `${kind} ${id}`, code: 'RECORD_INVALID' },
      ]);

      await pullsNormally();
    },
  );

  it('keeps the first reason of a record its page refuses twice', async () => {
    const rating: RatingRecord = {
      cursor: 'twice-2',
      id: randomUUID(),
      noteId: randomUUID(),
      raterPseudonym: '7',
      helpfulness: 'HELPFUL',
      tags: [],
      clientMinute: 29_000_000,
      proof: null as never,
    };
    // Refused for its tags, then again as a second record under its id.
    const page = [{ ...rating, cursor: 'twice-1', tags: ['t'.repeat(65)] }, rating];
    misbehave('/export/ratings', (response, url) =>
      response.end(url.searchParams.get('after') === rating.cursor ? '' : page.map(line).join('')),
    );

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ refused: 2 });
    expect(
      await prisma.mirrorRefusal.findMany({
        where: { mirrorId, subject: `rating ${rating.id}` },
        select: { code: true, message: true, times: true },
      }),
    ).toEqual([
      {
        code: 'RECORD_INVALID',
        message: 'this instance cannot store the rating: tags too long',
        times: 1,
      },
    ]);

    await pullsNormally();
  });

  it('refuses records whose ids PostgreSQL stores otherwise, once each as stored, and pulls on', async () => {
    // U+0000 cannot be stored at all; two lone surrogates both become U+FFFD, one refusal.
    const ids = ['\u0000', 'a\ud800', 'a\udc00'];
    misbehave('/export/ratings', (response, url) => {
      const odd = ids.map((id, index) => ({ cursor: `odd-id-${index}`, id }));
      // After whatever cursor the feed is at; nothing after the last of them.
      response.end(url.searchParams.get('after') === 'odd-id-2' ? '' : odd.map(line).join(''));
    });

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ refused: 3 });
    const refused = await refusalsOf(['rating \ufffd', 'rating a\ufffd']);
    expect(refused.map(({ subject, code }) => `${subject}: ${code}`).sort()).toEqual([
      'rating a\ufffd: RECORD_INVALID',
      'rating \ufffd: RECORD_INVALID',
    ]);

    await pullsNormally();
  });

  it.each([
    // 2^31 minutes: the year 6053, proven over the current root, one past the int4 column.
    ['ratings', 'a minute', 'rating', { clientMinute: 2 ** 31 }],
    ['requests', 'a minute', 'request', { clientMinute: 2 ** 31 }],
    ['ratings', 'a tag holding U+0000', 'rating', { mark: '\u0000' }],
    ['requests', 'a post id holding U+0000', 'request', { mark: '\u0000' }],
    ['ratings', 'a tag holding a lone surrogate', 'rating', { mark: '\ud800' }],
    ['requests', 'a post id holding a lone surrogate', 'request', { mark: '\ud800' }],
  ] as const)(
    'refuses a proven record of %s with %s its table cannot hold, and pulls on',
    async (stream, _, kind, odd) => {
      const record = (await provenRecords(odd))[stream];
      misbehave(`/export/${stream}`, (response, url) =>
        // After whatever cursor the feed is at; nothing after the record.
        response.end(url.searchParams.get('after') === record.cursor ? '' : line(record)),
      );

      await expect(puller.pull(mirrorId)).resolves.toMatchObject({ refused: 1 });
      expect(await refusalsOf([`${kind} ${record.id}`])).toEqual([
        { subject: `${kind} ${record.id}`, code: 'RECORD_INVALID' },
      ]);

      await pullsNormally();
    },
  );

  it('refuses a record nested deeper than 32 levels as RECORD_INVALID, and stores the one after it', async () => {
    const { ratings: rating } = await provenRecords({});
    // The record, then its proof 32 lists deep: 33 levels, a line far under the size limit. Of
    // another rater: it is no earlier rating of the one after it.
    const proof = JSON.parse(`${'['.repeat(32)}${']'.repeat(32)}`) as RatingRecord['proof'];
    const deep: RatingRecord = {
      ...rating,
      cursor: `deep-${randomUUID()}`,
      id: randomUUID(),
      raterPseudonym: '12345',
      proof,
    };
    expect(Buffer.byteLength(line(deep))).toBeLessThan(LIMITS.MIRROR_MAX_RECORD_BYTES);
    misbehave('/export/ratings', (response, url) =>
      response.end(
        url.searchParams.get('after') === rating.cursor ? '' : [deep, rating].map(line).join(''),
      ),
    );

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { ratings: 1 },
      refused: 1,
    });
    expect(
      await prisma.mirrorRefusal.findMany({
        where: { mirrorId, subject: `rating ${deep.id}` },
        select: { code: true, message: true },
      }),
    ).toEqual([
      {
        code: 'RECORD_INVALID',
        message: 'this instance cannot store the rating: a value nests deeper than 32 levels',
      },
    ]);
    expect(
      await prisma.rating.findMany({
        where: { id: { in: [deep.id, rating.id] } },
        select: { id: true },
      }),
    ).toEqual([{ id: rating.id }]);

    await pullsNormally();
  });

  it("leaves out the origin's results the mirror cannot record, and still pulls through", async () => {
    publishRun();
    const [bogus, ...valid] = results() as [ResultRecord, ...ResultRecord[]];
    misbehave('/export/results', (response, url) => {
      const served = [{ ...bogus, status: 'BOGUS' }, ...valid];
      response.end(url.searchParams.has('after') ? '' : served.map(line).join(''));
    });

    await puller.pull(mirrorId);
    const after = await state();
    expect(after).toMatchObject({
      lastErrorCode: null,
      originRunId: latestRun().id,
      // What a promotion takes the community at: this pull ran to its end.
      pulledThrough: { changeHorizon: '1', cursors: after.cursors },
    });
    expect(await originResults()).toEqual(
      valid.map(({ noteId }) => ({ noteId, runId: latestRun().id })),
    );

    // The next run's statuses are whole again.
    publishRun();
    await pullsNormally();
  });

  it('passes over a run whose finishing time no column holds, and still pulls through', async () => {
    const before = await state();
    // Read as a time (year 100000), the latest of all: stored, it would fail every pull's end.
    runs.push({
      id: randomUUID(),
      status: 'SUCCEEDED',
      finishedAt: '+100000-01-01T00:00:00Z',
      inputHash: null,
      dataHash: null,
    });
    try {
      await puller.pull(mirrorId);
      const after = await state();
      expect(after).toMatchObject({
        lastError: null,
        lastErrorCode: null,
        originRunId: before.originRunId,
        pulledThrough: { changeHorizon: '1', cursors: after.cursors },
      });
    } finally {
      runs.pop();
    }
  });

  it("pulls through, and can be promoted, when the origin's runs list fails", async () => {
    // A mirror no pull has taken through yet: a promotion would be refused.
    await prisma.mirror.update({ where: { id: mirrorId }, data: { pulledThrough: Prisma.DbNull } });
    admit();
    publishRun();
    const served = misbehave('/scoring-runs', (response) => response.writeHead(500).end());

    const startedAt = new Date();
    await expect(puller.pull(mirrorId)).resolves.not.toHaveProperty('originRunFetched');
    const after = await state();
    expect(served).toHaveLength(1);
    expect(after).toMatchObject({
      lastErrorCode: 'ORIGIN_UNREACHABLE',
      lastError: expect.stringMatching(/^pulled through, .*scoring-runs\?limit=20: answered 500/),
      // What `promote` asks: the last pull ran to its end, and nothing was stored since.
      pulledThrough: { changeHorizon: '1', cursors: after.cursors },
    });
    expect(after.lastSuccessAt?.getTime()).toBeGreaterThanOrEqual(startedAt.getTime());
    expect(await treeSize()).toBe(leaves.length);

    await pullsNormally();
  });

  it('stops when the origin no longer serves the last log entry the mirror holds', async () => {
    const [first] = held as [NoteRecord];
    moderation.push(logEntry('HIDE', `note:${first.id}`));
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ moderationEntries: 1 });
    expect(await heldNote(first.id)).toMatchObject({ hidden: true });

    // The origin cuts its log: asking only for entries after the last held would not see it.
    const cut = moderation.splice(0);
    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_INVALID',
      /no longer serves its moderation log entry 1 as this mirror holds it/,
    );
    expect(await heldLog()).toEqual([{ seq: 1, hash: cut[0]?.hash }]);

    moderation.push(...cut);
    await pullsNormally();
  });

  it('stops at a REDACT of a held note under another message than its proven one, erasing nothing', async () => {
    const [, second] = held as [NoteRecord, NoteRecord];
    moderation.push(logEntry('REDACT', `note:${second.id}`, '12345'));

    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_INVALID',
      new RegExp(`entry 2 redacts note ${second.id} under another message`),
    );
    expect(await heldNote(second.id)).toMatchObject({ text: 'second', redacted: false });
    expect(await heldLog()).toHaveLength(1);

    moderation.pop();
    await pullsNormally();
  });

  it('stops at a log entry naming a note by an id that is no UUID, storing nothing of it', async () => {
    moderation.push(logEntry('HIDE', 'note:not-a-uuid'));

    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_INVALID',
      /entry 2 names a note by an id that is no UUID/,
    );
    expect(await heldLog()).toHaveLength(1);

    moderation.pop();
    await pullsNormally();
  });

  it.each([
    ['an unknown action', { action: 'DELETE' }, 'has an unknown action'],
    ['a target over its column', { target: 'x'.repeat(101) }, 'has a target longer than 100'],
    // Fits the target column, not the blocked_pseudonyms one (80) its BLOCK writes.
    [
      'a pseudonym no field element',
      { target: `pseudonym:${'1'.repeat(81)}` },
      'names a pseudonym that is no field element',
    ],
    ['a reason over its column', { reasonCode: 'R'.repeat(33) }, 'has a reasonCode longer than 32'],
    [
      'a key id over its column',
      { moderatorKeyId: 'k'.repeat(65) },
      'has a moderatorKeyId longer than 64',
    ],
    ['a message over its column', { message: '1'.repeat(81) }, 'has a message longer than 80'],
    // The date column would take it as 2026-03-02: no longer the entry its hash covers.
    ['a day no calendar has', { day: '2026-02-30' }, 'has a day that is no calendar day'],
    ['a reason holding U+0000', { reasonCode: 'A\u0000' }, 'holds U\\+0000 or a lone surrogate'],
  ])(
    'stops at a log entry with %s, storing nothing of it',
    async (_, changes: Record<string, unknown>, why) => {
      // A block of a pseudonym no one blocked: only the changed field can stop its copy.
      const odd = { ...logEntry('BLOCK', 'pseudonym:9'), ...changes } as (typeof moderation)[0];
      moderation.push({ ...odd, hash: moderationEntryHash(communityId, odd) });

      await stopsWith(
        puller.pull(mirrorId),
        'ORIGIN_INVALID',
        new RegExp(`entry 2 ${why}.*: nothing more pulled$`),
      );
      expect(await heldLog()).toHaveLength(1);
      expect(await prisma.blockedPseudonym.count({ where: { communityId } })).toBe(0);

      moderation.pop();
      await pullsNormally();
    },
  );

  it('records a log entry whose seq holds U+0000 as ORIGIN_INVALID, quoting nothing of it', async () => {
    // Quoted, the error could not be recorded (PostgreSQL's text refuses U+0000): the mirror
    // would look healthy while every pull stopped.
    const odd = { ...logEntry('BLOCK', 'pseudonym:9'), seq: '\u0000SECRET' };
    moderation.push(odd as unknown as (typeof moderation)[0]);

    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_INVALID',
      /entry after entry 1 is malformed or does not continue the log this mirror holds: nothing more pulled$/,
    );
    const { lastError } = await state();
    expect(lastError).not.toContain('SECRET');
    expect(lastError).not.toContain('\u0000');
    expect(await heldLog()).toHaveLength(1);

    moderation.pop();
    await pullsNormally();
  });

  it('holds back a log entry naming a note it does not hold until the note comes', async () => {
    // Redacted at the origin after the manifest's horizon: the note is not in this pull's feed.
    const late = await provenNote('late');
    moderation.push(logEntry('REDACT', `note:${late.id}`, late.proof?.message ?? null));

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ moderationHeldBack: 1 });
    expect(await heldLog()).toHaveLength(1);

    // The next horizon takes the note in, redacted: its entry follows it.
    serveNotes({ ...late, text: '', sources: [], redacted: true });
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { notes: 1 },
      moderationEntries: 1,
    });
    expect(await heldNote(late.id)).toMatchObject({ text: '', redacted: true });
    expect(await heldLog()).toHaveLength(2);
  });

  it('refuses a note served before its redaction whose REDACT entry records another message', async () => {
    const unlike = await provenNote('unlike');
    moderation.push(logEntry('REDACT', `note:${unlike.id}`, '12345'));
    serveNotes(unlike);

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { notes: 0 },
      refused: 1,
      moderationHeldBack: 1,
    });
    expect(await refusalsOf([`note ${unlike.id}`])).toEqual([
      { subject: `note ${unlike.id}`, code: 'PROOF_MESSAGE' },
    ]);
    expect(await prisma.note.count({ where: { id: unlike.id } })).toBe(0);
    expect(await heldLog()).toHaveLength(moderation.length - 1);

    moderation.pop();
    await pullsNormally();
  });

  it('says which refused note a waiting log entry names, and copies the entries once it comes valid', async () => {
    const note = await provenNote('refused first');
    serveNotes({ ...note, post: null } as unknown as NoteRecord);
    moderation.push(logEntry('BLOCK', 'pseudonym:7'));
    const hide = logEntry('HIDE', `note:${note.id}`);
    moderation.push(hide);
    moderation.push(logEntry('BLOCK', 'pseudonym:8'));
    const waiting = () =>
      prisma.mirrorRefusal.findMany({
        where: { mirrorId, subject: `moderation ${hide.seq}` },
        select: { stream: true, code: true, message: true, times: true },
      });

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      refused: 1,
      moderationEntries: 1,
      moderationHeldBack: 2,
    });
    expect(await waiting()).toEqual([
      {
        stream: 'moderation',
        code: 'ENTRY_NOTE_REFUSED',
        message: `the origin's moderation log entry ${hide.seq} (HIDE) names note ${note.id}, which this mirror refused (RECORD_INVALID): the entry, and the 1 after it, wait until the origin serves the note valid; none is skipped (a promotion meanwhile keeps the log without them)`,
        times: 1,
      },
    ]);
    // Each pull it still waits at counts, as a refusal met again does.
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ moderationHeldBack: 2 });
    expect(await waiting()).toMatchObject([{ times: 2 }]);
    expect(await heldLog()).toHaveLength(moderation.length - 2);

    // The origin serves the note valid: its entry and the one after it follow, in order.
    serveNotes(note);
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { notes: 1 },
      moderationEntries: 2,
    });
    expect(await heldNote(note.id)).toMatchObject({ hidden: true });
    expect(await heldLog()).toEqual(moderation.map(({ seq, hash }) => ({ seq, hash })));
    // It no longer waits: the reason it did goes with it.
    expect(await waiting()).toEqual([]);
  });

  it('pulls on when it cannot say which refused note a waiting log entry names', async () => {
    const note = await provenNote('refused again');
    serveNotes({ ...note, post: null } as unknown as NoteRecord);
    const hide = logEntry('HIDE', `note:${note.id}`);
    moderation.push(hide);
    const waiting = () =>
      prisma.mirrorRefusal.count({ where: { mirrorId, subject: `moderation ${hide.seq}` } });
    const commit = PageSettlement.prototype.commit;
    const explaining = jest.spyOn(PageSettlement.prototype, 'commit').mockImplementation(function (
      this: PageSettlement,
      ...args
    ) {
      const [, , refusals] = args;
      return refusals.some((refusal) => refusal.code === 'ENTRY_NOTE_REFUSED')
        ? Promise.reject(new Error('the database went away'))
        : commit.apply(this, args);
    });

    try {
      await expect(puller.pull(mirrorId)).resolves.toMatchObject({
        refused: 1,
        moderationHeldBack: 1,
      });
      expect(explaining).toHaveBeenCalledWith(
        mirrorId,
        {},
        [expect.objectContaining({ code: 'ENTRY_NOTE_REFUSED' })],
        expect.any(Function),
      );
    } finally {
      explaining.mockRestore();
    }
    expect(await state()).toMatchObject({ lastError: null, lastErrorCode: null });
    expect(await waiting()).toBe(0);

    // Said at the next pull it waits at; gone once the note comes valid and the entry follows.
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ moderationHeldBack: 1 });
    expect(await waiting()).toBe(1);
    serveNotes(note);
    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ moderationEntries: 1 });
    expect(await waiting()).toBe(0);
    await pullsNormally();
  });

  it('stops at a full page of a change feed whose last record has no cursor, storing nothing of it', async () => {
    const before = await state();
    const notesCursor = (before.cursors as { notes?: string }).notes;
    expect(notesCursor).toEqual(expect.any(String));
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const served: URL[] = [];
    misbehave('/export/notes', (response, url) => {
      served.push(url);
      // Unfit records, each refused; the last without a cursor to resume after.
      const records = served.length > SAFETY_PAGES ? [] : ids;
      response.end(
        records
          .map((id, n) => line(n === ids.length - 1 ? { id } : { cursor: `c${n}`, id }))
          .join(''),
      );
    });

    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_INVALID',
      /\/notes: the last record of a page has no cursor .*: read stopped, nothing of the page stored$/,
    );
    // Read once, after where the mirror stood: never from the feed's start.
    expect(served.map((url) => url.searchParams.get('after'))).toEqual([notesCursor]);
    expect(((await state()).cursors as { notes?: string }).notes).toBe(notesCursor);
    expect(await refusalsOf(ids.map((id) => `note ${id}`))).toEqual([]);

    await pullsNormally();
  });

  /** Full pages of junk notes under fresh ids and cursors, without end: each one refused. */
  const endlessJunk = () => {
    const served = misbehave('/export/notes', (response, url) => {
      const after = url.searchParams.get('after') ?? 'junk-0';
      const limit = served.length > SAFETY_PAGES ? 0 : Number(url.searchParams.get('limit'));
      const start = Number(after.replace(/^\D+/, '')) || 0;
      response.end(
        Array.from({ length: limit }, (_, n) =>
          line({ cursor: `junk-${start + n + 1}`, id: randomUUID() }),
        ).join(''),
      );
    });
    return served;
  };

  it('stops a change feed served page after page without end at MIRROR_MAX_STREAM_RECORDS', async () => {
    const served = endlessJunk();

    await stopsWith(
      puller.pull(mirrorId),
      'ORIGIN_STREAM_TOO_LONG',
      /\/notes goes on past 1000 records in one pull: read stopped, what was stored stays \(limit: MIRROR_MAX_STREAM_RECORDS\)$/,
    );
    // Three pages of 500, each settled (refused), then no more.
    expect(served).toHaveLength(3);

    await pullsNormally();
  });

  it('stops a pull that refused more than MAX_REFUSALS_PER_PULL records', async () => {
    const served = endlessJunk();

    await stopsWith(
      patientPuller({ MIRROR_MAX_STREAM_RECORDS: 1_000_000 }).pull(mirrorId),
      'ORIGIN_TOO_MANY_REFUSALS',
      /over 10000 records refused in one pull: read stopped/,
    );
    expect(served).toHaveLength(21);

    await pullsNormally();
  });

  it('stops a moderation log served page after page without end at MIRROR_MAX_STREAM_RECORDS', async () => {
    // Entries that chain on, each a block: nothing in them stops the copy but their number.
    const endless = [...moderation];
    const served = misbehave('/export/moderation', (response, url) => {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = served.length > SAFETY_PAGES ? 0 : Number(url.searchParams.get('limit'));
      while (endless.length < after + limit) {
        endless.push(logEntry('BLOCK', `pseudonym:${endless.length + 1}`, null, endless));
      }
      response.end(
        endless
          .slice(after, after + limit)
          .map(line)
          .join(''),
      );
    });

    await stopsWith(
      patientPuller({ MIRROR_MAX_RESPONSE_BYTES: 4_194_304 }).pull(mirrorId),
      'ORIGIN_STREAM_TOO_LONG',
      /\/moderation goes on past 1000 new entries: read stopped, none of them stored/,
    );
    // The check of the last entry held, then two pages of 1,000.
    expect(served).toHaveLength(3);
    expect(await heldLog()).toHaveLength(moderation.length);

    await pullsNormally();
  });

  it('reads no change feed past a root dated ahead of this clock, and takes what is proven against it once the root is', async () => {
    // An honest origin whose clock runs an hour ahead: its new root, and a note proven against it.
    admit();
    const root = roots.at(-1) as RootRecord;
    const onTime = root.createdAt;
    root.createdAt = new Date(Date.now() + 3_600_000).toISOString();
    const note = await provenNote('ahead');
    serveNotes(note);

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({
      accepted: { roots: 0, notes: 0 },
      refused: 1,
      changesWait: expect.stringContaining(`root ${root.root} is dated ${root.createdAt}`),
    });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ROOT_TIME_INVALID',
      lastError: expect.stringMatching(/ahead of this instance's clock: the notes, ratings/),
    });
    expect(await refusalsOf([`root ${root.root}`, `note ${note.id}`])).toEqual([
      { subject: `root ${root.root}`, code: 'ROOT_TIME_INVALID' },
    ]);

    // The origin's clock set right (as this one catching up): the root, then its note, taken.
    root.createdAt = onTime;
    await pullsNormally();
    expect(await prisma.note.count({ where: { communityId, id: note.id } })).toBe(1);
    expect(await refusalsOf([`note ${note.id}`])).toEqual([]);
  });

  it("says the origin's results failing beside a root's wait, not instead of it", async () => {
    admit();
    const root = roots.at(-1) as RootRecord;
    const onTime = root.createdAt;
    root.createdAt = new Date(Date.now() + 3_600_000).toISOString();
    publishRun();
    misbehave('/scoring-runs', (response) => response.writeHead(500).end());

    await expect(puller.pull(mirrorId)).resolves.toMatchObject({ changesWait: expect.any(String) });
    expect(await state()).toMatchObject({
      lastErrorCode: 'ROOT_TIME_INVALID',
      lastError: expect.stringMatching(
        /ahead of this instance's clock.*; the origin's results not read: .*scoring-runs\?limit=20: answered 500/,
      ),
    });

    root.createdAt = onTime;
    await pullsNormally();
  });
});
