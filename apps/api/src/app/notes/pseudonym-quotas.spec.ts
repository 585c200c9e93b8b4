import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const note = (text: string) => ({
  post: { url: 'https://example.com/quota' },
  classification: 'NOT_MISLEADING',
  reasons: ['FACTUALLY_CORRECT'],
  text,
  sources: [],
});
const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

const DAY = 86_400_000;
/** The last millisecond of the day of `ms` (UTC): the clock's place just before midnight. */
const lastMsOfDay = (ms: number) => (Math.floor(ms / DAY) + 1) * DAY - 1;
/** `YYYY-MM-DD` of `ms`, as a stored daily count's day reads. */
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The stored daily counts of notes in the community, by day: `[YYYY-MM-DD, notes]`. */
async function noteCountsByDay(prisma: PrismaClient, communityId: string) {
  const rows = await prisma.pseudonymDailyCount.findMany({
    where: { communityId },
    orderBy: { day: 'asc' },
  });
  return rows.map((row) => [dateOf(row.day.getTime()), row.notes]);
}

/** Community Notes' daily limits, per pseudonym and community, with real proofs. */
describe('per-pseudonym daily quotas', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let other: TestCommunity;
  const writer = createIdentity();
  // Each a real proof of a few CPU-seconds: the community's own quotas are tried on the same
  // community and writer, with the writes the instance's quotas refused first.
  const proofs = {} as Record<
    | 'first'
    | 'second'
    | 'third'
    | 'elsewhere'
    | 'requestA'
    | 'requestB'
    | 'requestC'
    | 'otherWriter',
    ProvenAction
  >;
  const server = () => app.getHttpServer();
  // The quota's day is the API's clock's, held still: every write of the spec counts on one day
  // even when the run crosses midnight (UTC).
  const clock = new TestClock();

  beforeAll(async () => {
    app = await createTestApp({ NOTES_PER_DAY: '1', NOTE_REQUESTS_PER_DAY: '1' }, clock.install);
    prisma = createTestPrisma();
    const second = createIdentity();
    community = await communityWithMembers(app, [writer, second]);
    other = await communityWithMembers(app, [writer]);
    const prove = await prover(app, community);
    proofs.first = await prove(writer, 'note.create', '', note('The first note of the day.'));
    proofs.second = await prove(writer, 'note.create', '', note('A second note, same day.'));
    proofs.third = await prove(writer, 'note.create', '', note('Three, one too many.'));
    proofs.otherWriter = await prove(second, 'note.create', '', note('Another member writes.'));
    const request = (url: string) => ({ post: { url } });
    proofs.requestA = await prove(writer, 'note.request', '', request('https://example.com/a'));
    proofs.requestB = await prove(writer, 'note.request', '', request('https://example.com/b'));
    proofs.requestC = await prove(writer, 'note.request', '', request('https://example.com/c'));
    proofs.elsewhere = await (
      await prover(app, other)
    )(writer, 'note.create', '', note('In another community.'));
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await app.close();
  });

  it('refuses a note past the day’s quota with 429, writing nothing', async () => {
    const write = (slug: string, proven: ProvenAction) =>
      request(server()).post(`/communities/${slug}/notes`).send(body(proven));
    await write(community.slug, proofs.first).expect(201);
    const before = await prisma.note.count({ where: { communityId: community.id } });
    const refused = await write(community.slug, proofs.second).expect(429);
    expect(refused.body).toMatchObject({
      code: 'DAILY_QUOTA_EXCEEDED',
      details: { kind: 'notes', quota: 1 },
    });
    expect(refused.body.message).toContain('1 notes for today');
    expect(await prisma.note.count({ where: { communityId: community.id } })).toBe(before);
    // Submitting the accepted note again is a replay, not a new note: answered, not counted.
    expect((await write(community.slug, proofs.first)).status).not.toBe(429);
    // Quotas are per pseudonym, and per community (a pseudonym differs per community anyway).
    await write(community.slug, proofs.otherWriter).expect(201);
    await write(other.slug, proofs.elsewhere).expect(201);
  });

  it('refuses a note request past the quota, and asking again is free', async () => {
    const ask = (proven: ProvenAction) =>
      request(server()).post(`/communities/${community.slug}/note-requests`).send(body(proven));
    expect((await ask(proofs.requestA)).status).toBeLessThan(300);
    expect((await ask(proofs.requestA)).status).toBeLessThan(300);
    const refused = await ask(proofs.requestB).expect(429);
    expect(refused.body).toMatchObject({
      code: 'DAILY_QUOTA_EXCEEDED',
      details: { kind: 'note_requests', quota: 1 },
    });
    expect(await prisma.noteRequest.count({ where: { communityId: community.id } })).toBe(1);
  });

  it("follows the community's own quotas over the instance's, and goes back to them", async () => {
    const settings = (values: Record<string, number | null>) =>
      request(server())
        .patch(`/communities/${community.slug}`)
        .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
        .send(values)
        .expect(200);
    const changed = await settings({ notesPerDay: 2, noteRequestsPerDay: 0 });
    expect(changed.body).toMatchObject({ notesPerDay: 2, noteRequestsPerDay: 0 });
    const write = (proven: ProvenAction) =>
      request(server()).post(`/communities/${community.slug}/notes`).send(body(proven));
    // The writer has one note of the day (the instance's quota), and may now write a second.
    await write(proofs.second).expect(201);
    const refused = await write(proofs.third).expect(429);
    expect(refused.body).toMatchObject({
      code: 'DAILY_QUOTA_EXCEEDED',
      details: { kind: 'notes', quota: 2 },
    });
    // 0: no quota, where the instance allows one request a day (used by requestA already).
    const ask = (proven: ProvenAction) =>
      request(server()).post(`/communities/${community.slug}/note-requests`).send(body(proven));
    await ask(proofs.requestB).expect(201);
    await ask(proofs.requestC).expect(201);
    // Without a quota nothing is counted: the writer's requests stay at requestA's one.
    const counts = await prisma.pseudonymDailyCount.findMany({
      where: { communityId: community.id, pseudonym: proofs.first.proof.nullifier },
    });
    expect(counts.map((row) => [row.notes, row.noteRequests])).toEqual([[2, 1]]);
    // null: the instance's quotas again.
    const reset = await settings({ notesPerDay: null, noteRequestsPerDay: null });
    expect(reset.body).toMatchObject({ notesPerDay: null, noteRequestsPerDay: null });
    const back = await write(proofs.third).expect(429);
    expect(back.body.details).toEqual({ kind: 'notes', quota: 1 });
  });

  it('keeps the day and nothing finer', async () => {
    const rows = await prisma.$queryRaw<{ day: Date; type: string }[]>`
      SELECT day, pg_typeof(day)::text AS type FROM pseudonym_daily_counts
      WHERE community_id = ${community.id}::uuid`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.type).toBe('date');
      expect(row.day.getUTCHours() + row.day.getUTCMinutes() + row.day.getUTCSeconds()).toBe(0);
      // The day of the API's clock, not of the machine's.
      expect(row.day.toISOString().slice(0, 10)).toBe(
        new Date(clock.at).toISOString().slice(0, 10),
      );
    }
  });

  it('counts a write on the day of the clock at its request: a new day, a new quota', async () => {
    const late = createIdentity();
    const fresh = await communityWithMembers(app, [late]);
    const prove = await prover(app, fresh);
    // Proofs carry the real minute (their staleness is the machine's clock's); only the quota's
    // day follows the API's clock.
    const beforeMidnight = await prove(late, 'note.create', '', note('Just before midnight.'));
    const afterMidnight = await prove(late, 'note.create', '', note('Just after midnight.'));
    const write = (proven: ProvenAction) =>
      request(server()).post(`/communities/${fresh.slug}/notes`).send(body(proven));
    const held = clock.at;
    const lastMs = lastMsOfDay(held);
    try {
      clock.at = lastMs;
      await write(beforeMidnight).expect(201);
      const refused = await write(afterMidnight).expect(429);
      expect(refused.body).toMatchObject({ code: 'DAILY_QUOTA_EXCEEDED', details: { quota: 1 } });
      // Midnight (UTC): the same write is the first of the new day.
      clock.at = lastMs + 1;
      await write(afterMidnight).expect(201);
      expect(await noteCountsByDay(prisma, fresh.id)).toEqual([
        [dateOf(lastMs), 1],
        [dateOf(lastMs + 1), 1],
      ]);
    } finally {
      clock.at = held;
    }
  });
});

/**
 * With the write buffer on, a write is counted when it is sealed, possibly after midnight: it
 * counts on the day its request checked the quota (`pending.day`), and a write waiting in the
 * buffer counts towards its own day's quota only.
 */
describe('per-pseudonym daily quotas, with writes sealed in batches', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let sealer: Sealer;
  const clock = new TestClock();

  beforeAll(async () => {
    app = await createTestApp(
      {
        NOTES_PER_DAY: '1',
        NOTE_REQUESTS_PER_DAY: '1',
        // The test seals by hand (as the unlinkability spec): the timer never fires during it,
        // and a seal takes every waiting write (one member is enough). A job's spec files run
        // one at a time, so no other spec's writes wait in the buffer meanwhile.
        SEAL_WINDOW_SECONDS: '3600',
        SEAL_MIN_MEMBERS: '1',
        SEAL_MAX_WAIT_SECONDS: '0',
      },
      clock.install,
    );
    prisma = createTestPrisma();
    sealer = app.get(Sealer);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await app?.close();
  });

  it('counts a write answered before midnight and sealed after it on the day it was answered', async () => {
    const writer = createIdentity();
    const community = await communityWithMembers(app, [writer]);
    const prove = await prover(app, community);
    const beforeMidnight = await prove(writer, 'note.create', '', note('Waits past midnight.'));
    const afterMidnight = await prove(writer, 'note.create', '', note('The next day’s note.'));
    const write = (proven: ProvenAction) =>
      request(app.getHttpServer()).post(`/communities/${community.slug}/notes`).send(body(proven));
    const lastMs = lastMsOfDay(clock.at);
    clock.at = lastMs;
    await write(beforeMidnight).expect(201);
    expect(await prisma.bufferedWrite.count({ where: { communityId: community.id } })).toBe(1);
    // The waiting note uses the day's quota.
    const refused = await write(afterMidnight).expect(429);
    expect(refused.body).toMatchObject({ code: 'DAILY_QUOTA_EXCEEDED', details: { quota: 1 } });
    clock.at = lastMs + 1;
    // The note waiting from yesterday does not count towards today's quota.
    await write(afterMidnight).expect(201);
    await sealer.sealDue();
    expect(await prisma.bufferedWrite.count({ where: { communityId: community.id } })).toBe(0);
    expect(await prisma.note.count({ where: { communityId: community.id } })).toBe(2);
    // Sealed on the new day, the first note still counts on the day it was answered.
    expect(await noteCountsByDay(prisma, community.id)).toEqual([
      [dateOf(lastMs), 1],
      [dateOf(lastMs + 1), 1],
    ]);
  });

  it('answers a resent note or request that waits at the quota as the waiting write, counting it once', async () => {
    const writer = createIdentity();
    const community = await communityWithMembers(app, [writer]);
    const prove = await prover(app, community);
    const proven = await prove(writer, 'note.create', '', note('Sent twice, waits once.'));
    const asked = await prove(writer, 'note.request', '', {
      post: { url: 'https://example.com/q' },
    });
    const send = (path: string, what: ProvenAction) =>
      request(app.getHttpServer()).post(`/communities/${community.slug}/${path}`).send(body(what));
    const first = await send('notes', proven).expect(201);
    // The note waits and uses the day's quota of one: another proof of it (the same minute, other
    // points: not the kept proof `ActionProofsService.resent` answers) is answered as that note.
    const again = await prove(
      writer,
      'note.create',
      '',
      proven.action.payload,
      new Date(proven.action.clientMinute * 60_000),
    );
    expect(again.proof.message).toBe(proven.proof.message);
    expect(again.proof.points).not.toEqual(proven.proof.points);
    const replayed = await send('notes', again).expect(200);
    expect(replayed.body.id).toBe(first.body.id);
    const firstAsk = await send('note-requests', asked).expect(201);
    const askedAgain = await send('note-requests', asked).expect(200);
    expect(askedAgain.body.id).toBe(firstAsk.body.id);
    expect(await prisma.bufferedWrite.count({ where: { communityId: community.id } })).toBe(2);
    await sealer.sealDue();
    const counts = await prisma.pseudonymDailyCount.findMany({
      where: { communityId: community.id },
    });
    expect(counts.map((row) => [row.notes, row.noteRequests])).toEqual([[1, 1]]);
  });
});
