import type { INestApplication } from '@nestjs/common';
import type { ProvenAction } from '@bridgenotes/client';
import type { ProofVerifier } from '@bridgenotes/protocol';
import request from 'supertest';

import { ActionProofsService } from '../membership/action-proofs.service';
import { TestClock } from '../../testing/clock';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createTestApp } from '../../testing/test-app';

/** The dry-run proof check's body for a proven action, with the points of `pointsOf` if given. */
function checkBody(proven: ProvenAction, pointsOf?: ProvenAction) {
  const { kind, target, payload, clientMinute } = proven.action;
  const proof = pointsOf ? { ...proven.proof, points: pointsOf.proof.points } : proven.proof;
  return { action: { kind, target, payload, clientMinute }, proof };
}

/** A community of one member, and two genuine proofs of it (whose points a forgery swaps). */
let proven:
  Promise<{ community: TestCommunity; genuine: ProvenAction; other: ProvenAction }> | undefined;

/**
 * An API with one verifier thread and `queue` places before it, and the community and proofs,
 * made by the first such API: every API of the file serves them from the run's database. Its
 * clock is held at half past the hour: a client's suspect mark is kept under its key, which
 * changes at the top of each hour, and must outlast a test's first request to its last.
 */
async function oneVerifierThread(queue: string) {
  const app = await createTestApp(
    {
      PROOF_VERIFIER_THREADS: '1',
      PROOF_VERIFIER_QUEUE: queue,
      RATE_LIMIT_WRITES: '1000',
      TRUST_PROXY_HOPS: '1',
    },
    new TestClock().install,
  );
  proven ??= (async () => {
    const member = createIdentity();
    const community = await communityWithMembers(app, [member]);
    const prove = await prover(app, community);
    const rating = { helpfulness: 'HELPFUL', tags: [] };
    const genuine = await prove(member, 'rating.put', 'note:1', rating);
    const other = await prove(member, 'rating.put', 'note:2', rating);
    return { community, genuine, other };
  })();
  return { app, ...(await proven) };
}

/** Verification cost bounded, with real proofs: a bounded queue, and bad proofs kept apart. */
describe('proof verification under load', () => {
  let app: INestApplication;
  let community: TestCommunity;
  let genuine: ProvenAction;
  let other: ProvenAction;
  const server = () => app.getHttpServer();
  const url = () => `/communities/${community.slug}/proofs/check`;

  beforeAll(async () => {
    ({ app, community, genuine, other } = await oneVerifierThread('1'));
  });

  afterAll(() => app.close());

  it('sheds proofs beyond the queue with 503 PROOF_VERIFIER_BUSY and Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, index) =>
        request(server())
          .post(url())
          .set('X-Forwarded-For', `203.0.113.${index + 1}`)
          .send(checkBody(genuine)),
      ),
    );
    const shed = answers.filter((answer) => answer.status === 503);
    const served = answers.filter((answer) => answer.status === 200);
    expect(shed.length + served.length).toBe(answers.length);
    expect(served.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) {
      expect(answer.body.code).toBe('PROOF_VERIFIER_BUSY');
      expect(answer.headers['retry-after']).toBe('1');
    }
    // Once the queue drains the same proof is served again.
    await request(server()).post(url()).send(checkBody(genuine)).expect(200);
  });

  it("verifies a client's proofs alone once one of its proofs failed", async () => {
    const proofs = app.get(ActionProofsService) as unknown as { verifier: ProofVerifier };
    const verify = proofs.verifier.verify.bind(proofs.verifier);
    const seen: boolean[] = [];
    proofs.verifier.verify = (batch, options) => {
      seen.push(options?.alone ?? false);
      return verify(batch, options);
    };
    const forger = '192.0.2.77';
    const member = '192.0.2.78';
    const send = (client: string, body: object) =>
      request(server()).post(url()).set('X-Forwarded-For', client).send(body);

    expect((await send(forger, checkBody(genuine, other))).body.code).toBe('PROOF_INVALID');
    expect((await send(forger, checkBody(genuine, other))).body.code).toBe('PROOF_INVALID');
    expect((await send(member, checkBody(genuine))).status).toBe(200);
    // The first forgery could not be known in advance; after it the forger's go alone.
    expect(seen).toEqual([false, true, false]);
    proofs.verifier.verify = verify;
  });
});

/** One thread and room in its queue: a forger's proofs wait behind its first. */
describe("a forger's proofs waiting for the verifier", () => {
  let app: INestApplication;
  let community: TestCommunity;
  let genuine: ProvenAction;
  let other: ProvenAction;
  const server = () => app.getHttpServer();
  const url = () => `/communities/${community.slug}/proofs/check`;

  beforeAll(async () => {
    ({ app, community, genuine, other } = await oneVerifierThread('16'));
  });

  afterAll(() => app.close());

  it("refuses a forger's waiting proofs unverified once one of them failed", async () => {
    const proofs = app.get(ActionProofsService) as unknown as { verifier: ProofVerifier };
    const verify = proofs.verifier.verify.bind(proofs.verifier);
    // Every request's proof enters the verifier's queue at once, in arrival order, once all of
    // them are waiting to: the first forgery takes the one thread, the rest queue behind it.
    let arrived = 0;
    let forgeriesIn!: () => void;
    let allIn!: () => void;
    const forgeriesArrived = new Promise<void>((resolve) => (forgeriesIn = resolve));
    const allArrived = new Promise<void>((resolve) => (allIn = resolve));
    let verified = 0;
    proofs.verifier.verify = async (batch, options) => {
      arrived += 1;
      if (arrived === 5) forgeriesIn();
      if (arrived === 6) allIn();
      await allArrived;
      const withdrawn = options?.withdrawn;
      return verify(batch, {
        ...options,
        withdrawn: () => {
          const answer = withdrawn?.() ?? false;
          if (!answer) verified += 1;
          return answer;
        },
      });
    };
    // supertest sends a request once it is awaited: `then` sends it now.
    const send = (client: string, body: object) =>
      request(server())
        .post(url())
        .set('X-Forwarded-For', client)
        .send(body)
        .then((response) => response);
    try {
      const forged = Array.from({ length: 5 }, () => send('192.0.2.90', checkBody(genuine, other)));
      await forgeriesArrived;
      const member = send('192.0.2.91', checkBody(genuine));
      const answers = await Promise.all(forged);
      const codes = answers.map((answer) => answer.body.code).sort();
      expect(codes).toEqual(['PROOF_INVALID', ...Array(4).fill('PROOF_WITHDRAWN')]);
      for (const answer of answers.filter((each) => each.status === 429)) {
        expect(answer.headers['retry-after']).toBe('1');
      }
      // The member's proof, queued among them, is verified and passes.
      expect((await member).status).toBe(200);
      // Two proofs reached a thread: the first forgery and the member's.
      expect(verified).toBe(2);
    } finally {
      proofs.verifier.verify = verify;
    }
  });
});
