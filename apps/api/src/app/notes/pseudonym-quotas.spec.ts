import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { TestClock } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';

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
});
