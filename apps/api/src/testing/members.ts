import type { INestApplication } from '@nestjs/common';
import type { Identity } from '@semaphore-protocol/core';
import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
  ProvenAction,
  pseudonymOf,
} from '@bridgenotes/client';
import type { PrismaClient } from '@bridgenotes/database';
import { type JsonValue, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import { createTestPrisma, NOTE_FIELDS } from './fixtures';
import { createSealedByHandApp, OPERATOR_KEY } from './test-app';

export interface TestCommunity {
  id: string;
  slug: string;
  scope: string;
}

export type Admission = 'OPEN' | 'INVITE' | 'CREDENTIAL' | 'CLOSED';

/**
 * A community created through the API by the operator, with the given identities as members.
 * Earn-in is off unless asked for (as for any new community): new pseudonyms write notes at once.
 */
export async function communityWithMembers(
  app: INestApplication,
  members: Identity[],
  admission: Admission = 'OPEN',
  settings: { earnInImpact?: number; inviteQuota?: number; proofMinMembers?: number | null } = {},
): Promise<TestCommunity> {
  const slug = `t-${randomUUID().slice(0, 8)}`;
  const community = (
    await request(app.getHttpServer())
      .post('/communities')
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ slug, name: `Community ${slug}`, admission, ...settings })
      .expect(201)
  ).body as TestCommunity;
  if (members.length > 0) {
    await request(app.getHttpServer())
      .post(`/communities/${slug}/members/batch`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ commitments: members.map(commitmentOf) })
      .expect(201);
  }
  return community;
}

/**
 * Moves a community's history `ms` back: its creation and its group's roots, as if it had been
 * set up, its members admitted, that long ago (the demo seed dates its roots the same way).
 * Writes can then be proven at a minute of that past (`atProcessTime`), against a root that was
 * current then, and runs timed in the past, as a worker's are, can come after the writes they
 * read: a run timed before a write its input includes is one the verifier refuses
 * (RUN_TIME_IMPLAUSIBLE).
 */
export async function backdateCommunity(
  prisma: PrismaClient,
  communityId: string,
  ms: number,
): Promise<void> {
  const back = `${ms} milliseconds`;
  await prisma.$executeRaw`
    UPDATE group_roots
       SET created_at = created_at - ${back}::interval,
           superseded_at = superseded_at - ${back}::interval
     WHERE community_id = ${communityId}::uuid`;
  await prisma.$executeRaw`
    UPDATE communities SET created_at = created_at - ${back}::interval
     WHERE id = ${communityId}::uuid`;
}

/** A new INVITE community with one member, and `count` invite codes its operator made for it. */
export async function invitingCommunity(
  app: INestApplication,
  count: number,
): Promise<{ community: TestCommunity; codes: string[] }> {
  const community = await communityWithMembers(app, [createIdentity()], 'INVITE');
  const { codes } = (
    await request(app.getHttpServer())
      .post(`/communities/${community.slug}/invites`)
      .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
      .send({ count })
      .expect(201)
  ).body as { codes: string[] };
  return { community, codes };
}

/**
 * Makes real proofs (about 1.5 s each) for members of a community, over the group the API
 * publishes now, as a client would. On the single-threaded curve, seeded at each proof since an
 * app's shutdown releases it: snarkjs's default curve would spawn a worker per CPU again after
 * every closed app, and proves with about a tenth more CPU.
 */
export async function prover(app: INestApplication, community: TestCommunity) {
  const published = (
    await request(app.getHttpServer())
      .get(`/communities/${community.slug}/group/leaves`)
      .expect(200)
  ).body;
  const group = groupFromLeaves(published);
  const artifacts = nodeArtifacts();
  return (
    identity: Identity,
    kind: string,
    target: string,
    payload: { [key: string]: JsonValue },
    at?: Date,
  ): Promise<ProvenAction> =>
    useSingleThreadedCurve().then(() =>
      proveAction(identity, group, { kind, community, target, payload, at }, artifacts),
    );
}

/** The request body of a proven write: its payload, with the minute and proof beside it. */
export const provenBody = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

/** A proven note stored through the API (201): its id. */
export async function postNote(
  app: INestApplication,
  slug: string,
  proven: ProvenAction,
): Promise<string> {
  const stored = await request(app.getHttpServer())
    .post(`/communities/${slug}/notes`)
    .send(provenBody(proven))
    .expect(201);
  return stored.body.id as string;
}

/**
 * An app whose writes are sealed by hand, at least `k` members a batch (`createSealedByHandApp`),
 * a community of `members`, a client of its database and a prover for its group: the set-up of
 * the specs that race writes against their batch.
 */
export async function sealedByHandCommunity(k: number, members: Identity[]) {
  const app = await createSealedByHandApp(k);
  const prisma = createTestPrisma();
  const community = await communityWithMembers(app, members);
  return { app, prisma, community, prove: await prover(app, community) };
}

/**
 * A note of `author`'s stored on a new post at `url`, written as its proven creation would store
 * it (which notes.controller.spec covers), without a proof or a batch; its id.
 */
export async function storedNote(
  prisma: PrismaClient,
  community: TestCommunity,
  author: Identity,
  url: string,
): Promise<string> {
  const post = await prisma.post.create({ data: { canonicalUrl: url } });
  const { id } = await prisma.note.create({
    data: {
      ...NOTE_FIELDS,
      communityId: community.id,
      postId: post.id,
      authorPseudonym: pseudonymOf(author, community.scope),
    },
  });
  return id;
}

/** A proven rating of `noteId` stored through the API (201). */
export async function putRating(
  app: INestApplication,
  slug: string,
  noteId: string,
  proven: ProvenAction,
): Promise<void> {
  await request(app.getHttpServer())
    .put(`/communities/${slug}/notes/${noteId}/rating`)
    .send(provenBody(proven))
    .expect(201);
}

/** `POST …/proofs/check` of a proven action: the dry run of the check every write makes. */
export const checkProof = (app: INestApplication, slug: string, proven: ProvenAction) =>
  request(app.getHttpServer())
    .post(`/communities/${slug}/proofs/check`)
    .send({
      action: {
        kind: proven.action.kind,
        target: proven.action.target,
        payload: proven.action.payload,
        clientMinute: proven.action.clientMinute,
      },
      proof: proven.proof,
    });

export { commitmentOf, createIdentity };
