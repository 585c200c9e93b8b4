import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import { CLOCK_SKEW_MINUTES } from '@bridgenotes/protocol';
import request from 'supertest';

import { atProcessTime } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import {
  commitmentOf,
  communityWithMembers,
  createIdentity,
  prover,
  provenBody,
  TestCommunity,
} from '../../testing/members';
import { createSealedByHandApp, createTestApp, OPERATOR_KEY } from '../../testing/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOTE = {
  post: { url: 'https://example.com/kept-proof' },
  classification: 'NOT_MISLEADING',
  reasons: ['FACTUALLY_CORRECT'],
  text: 'Sent once, answered lost, sent again with the same proof.',
  sources: [],
};

/** The same proof with one Groth16 point changed: a known pseudonym and message, forged. */
const forged = (proven: ProvenAction): ProvenAction => {
  const copy = structuredClone(proven);
  copy.proof.points[0] = copy.proof.points[0] === '1' ? '2' : '1';
  return copy;
};

/**
 * A client that lost the answer to its note sends the very same body again (the widget's kept
 * proof, libs/widget proven-writes.ts), possibly after the proof's minute went stale or its root
 * expired: the note it wrote, stored or still waiting in the write buffer, is the answer, never
 * a refusal that would have it prove anew and write the note twice. A proof that is not that
 * very proof is checked in full. Real proofs, made once in `beforeAll`.
 */
describe('a proven note sent again with its kept proof', () => {
  let immediate: INestApplication;
  let batched: INestApplication;
  let prisma: PrismaClient;
  const writer = createIdentity();
  const cases = {} as Record<
    'stored' | 'waiting',
    { app: INestApplication; community: TestCommunity; proven: ProvenAction }
  >;

  beforeAll(async () => {
    // Both booted before any write: an immediate app seals what waits when it starts.
    immediate = await createTestApp();
    // Batches of 8 members, sealed by hand: the one note written there keeps waiting.
    batched = await createSealedByHandApp(8);
    prisma = createTestPrisma();
    for (const [name, app] of [
      ['stored', immediate],
      ['waiting', batched],
    ] as const) {
      const community = await communityWithMembers(app, [writer]);
      const proven = await (await prover(app, community))(writer, 'note.create', '', NOTE);
      cases[name] = { app, community, proven };
    }
  });

  afterAll(async () => {
    await immediate.close();
    await batched.close();
    await prisma.$disconnect();
  });

  const send = ({ app, community }: (typeof cases)['stored'], proven: ProvenAction): request.Test =>
    request(app.getHttpServer())
      .post(`/communities/${community.slug}/notes`)
      .send(provenBody(proven));

  /** Replaces the community's root (an operator adds a member) and dates that an hour past the window. */
  async function expireRoot({ app, community, proven }: (typeof cases)['stored']) {
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/members/batch`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ commitments: [commitmentOf(createIdentity())] })
      .expect(201);
    const root = { communityId: community.id, root: proven.proof.merkleTreeRoot };
    const { count } = await prisma.groupRoot.updateMany({
      where: { ...root, supersededAt: { not: null } },
      data: { supersededAt: new Date(Date.now() - 2 * HOUR) },
    });
    expect(count).toBe(1);
  }

  it.each(['stored', 'waiting'] as const)(
    'answers the %s note to its own proof once stale and once its root expired; a forged copy is refused',
    async (name) => {
      const written = cases[name];
      const { community, proven } = written;
      const first = await send(written, proven).expect(201);
      // In the shape the OpenAPI document declares, waiting or not: neither hidden (it would not
      // be shown) nor redacted, as no moderator acts on a note before it is sealed.
      const declared = (await request(written.app.getHttpServer()).get('/docs-json').expect(200))
        .body.components.schemas.NoteDto;
      expect(declared.required).toContain('redacted');
      const inDeclaredShape = (body: Record<string, unknown>) => {
        expect(declared.required.filter((name: string) => !(name in body))).toEqual([]);
        expect(body).toMatchObject({ deletedAt: null, redacted: false });
        expect(body).not.toHaveProperty('hidden');
      };
      inDeclaredShape(first.body);
      const where = { communityId: community.id };
      const counts = async () => ({
        stored: await prisma.note.count({ where }),
        waiting: await prisma.bufferedWrite.count({ where: { ...where, kind: 'note' } }),
      });
      expect(await counts()).toEqual(
        name === 'stored' ? { stored: 1, waiting: 0 } : { stored: 0, waiting: 1 },
      );
      const answered = async (response: request.Response) => {
        expect(response.status).toBe(200);
        expect(response.body.id).toBe(first.body.id);
        expect(response.body.text).toBe(NOTE.text);
        inDeclaredShape(response.body);
      };

      // Other points with the same pseudonym and message: verified in full, and refused.
      expect((await send(written, forged(proven)).expect(403)).body.code).toBe('PROOF_INVALID');

      // Past the clock's tolerance: the proof's minute is stale.
      await atProcessTime(Date.now() + (CLOCK_SKEW_MINUTES + 5) * MINUTE, async () => {
        await answered(await send(written, proven));
        expect((await send(written, forged(proven)).expect(400)).body.code).toBe('PROOF_STALE');
      });

      // The group changed and the proof's root was replaced longer ago than the window.
      await expireRoot(written);
      await answered(await send(written, proven));
      expect((await send(written, forged(proven)).expect(403)).body.code).toBe(
        'PROOF_ROOT_EXPIRED',
      );

      // Still the one note (another suite's app starting may have sealed the waiting one since).
      const { stored, waiting } = await counts();
      expect(stored + waiting).toBe(1);
    },
  );

  it('answers a note hidden since as not found, stale or current; checks in full the kept proof of a pseudonym blocked since', async () => {
    const written = cases.stored;
    const { app, community } = written;
    const proven = await (
      await prover(app, community)
    )(writer, 'note.create', '', {
      ...NOTE,
      text: 'Hidden by a moderator, then its author blocked.',
    });
    const { id } = (await send(written, proven).expect(201)).body;
    const act = (input: Record<string, string>) =>
      request(app.getHttpServer())
        .post(`/communities/${community.slug}/moderation/actions`)
        .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
        .send(input)
        .expect(201);
    const staleResend = () =>
      atProcessTime(Date.now() + (CLOCK_SKEW_MINUTES + 5) * MINUTE, () => send(written, proven));
    // A hidden note is not shown anywhere, not to its author's resend or replay either: not
    // found, which the widget takes as final (PROOF_STALE would have it prove a visible copy).
    await act({ action: 'HIDE', noteId: id, reasonCode: 'PERSONAL_DATA' });
    const notFound = (response: request.Response) => {
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOTE_NOT_FOUND');
    };
    notFound(await staleResend());
    notFound(await send(written, proven));
    // Another proof of the same note (the same minute) while current: a replay, not found too.
    const again = await (
      await prover(app, community)
    )(
      writer,
      'note.create',
      '',
      proven.action.payload,
      new Date(proven.action.clientMinute * MINUTE),
    );
    expect(again.proof.message).toBe(proven.proof.message);
    expect(again.proof.points).not.toEqual(proven.proof.points);
    notFound(await send(written, again));
    const copies = { communityId: community.id, text: proven.action.payload['text'] as string };
    expect(await prisma.note.count({ where: copies })).toBe(1);
    await act({ action: 'RESTORE', noteId: id, reasonCode: 'REVIEWED' });
    // A blocked pseudonym's resend is refused as its new writes are, once its proof passes.
    const pseudonym = proven.proof.nullifier;
    await act({ action: 'BLOCK', pseudonym, reasonCode: 'SPAM' });
    expect((await staleResend()).body.code).toBe('PROOF_STALE');
    await act({ action: 'UNBLOCK', pseudonym, reasonCode: 'REVIEWED' });
    const answered = await staleResend();
    expect(answered.status).toBe(200);
    expect(answered.body.id).toBe(id);
  });
});
