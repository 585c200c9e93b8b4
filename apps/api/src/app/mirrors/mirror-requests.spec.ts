import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import request from 'supertest';

import {
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import {
  OriginAndMirror,
  pullAfterEarlierWrites,
  startOriginAndMirror,
} from '../../testing/origin-and-mirror';
import { OPERATOR_KEY } from '../../testing/test-app';

type Json = Record<string, unknown>;

/** A page of the origin's requests stream the mirror read: how it asked, and the ids it got. */
interface RequestPage {
  order: string | null;
  limit: string | null;
  ids: string[];
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const ndjson = (body: string) =>
  new Response(body, { headers: { 'Content-Type': 'application/x-ndjson' } });

/**
 * A mirror follows the requests stream by its change feed: a pull reads only the requests stored
 * since the last one, whatever their random ids, with every check of a whole read; an origin
 * from before requests had a feed is still read whole. Three real proofs, made once.
 */
describe('mirroring the note requests of a community', () => {
  let instances: OriginAndMirror;
  let community: TestCommunity;
  let mirrorId: string;
  let pages: RequestPage[];
  const [first, second, third] = [createIdentity(), createIdentity(), createIdentity()];
  const asked: string[] = [];
  let prove: Awaited<ReturnType<typeof prover>>;

  /** The origin's API, the pages of requests the mirror reads from it recorded in `pages`. */
  const recording =
    (older: boolean): typeof fetch =>
    async (input, init) => {
      const url = new URL(String(input));
      if (!url.pathname.endsWith('/export/requests')) return fetch(input, init);
      // An instance from before requests had a feed: no batches, and no change order.
      if (older && url.searchParams.get('order') === 'changes') {
        return new Response(JSON.stringify({ code: 'ORDER_INVALID' }), { status: 400 });
      }
      const response = await fetch(input, init);
      if (!response.ok) return response;
      const records = lines(await response.text()).map((line) => JSON.parse(line) as Json);
      pages.push({
        order: url.searchParams.get('order'),
        limit: url.searchParams.get('limit'),
        ids: records.map((record) => record['id'] as string),
      });
      const served = older ? records.map(({ changedBatch: _, ...record }) => record) : records;
      return ndjson(served.map((record) => `${JSON.stringify(record)}\n`).join(''));
    };

  /** The pages read in change order, then whole (in id order, past the one-record probe). */
  const feedPages = () => pages.filter((page) => page.order === 'changes');
  const wholePages = () => pages.filter((page) => page.order === null && page.limit !== '1');

  const requestBy = async (identity: typeof first, url: string) => {
    const proven = await prove(identity, 'note.request', '', { post: { url } });
    return (
      await request(instances.origin.getHttpServer())
        .post(`/communities/${community.slug}/note-requests`)
        .send(provenBody(proven))
        .expect(201)
    ).body.id as string;
  };

  const pull = (older = false) => {
    pages = [];
    return pullAfterEarlierWrites(instances, community.slug, mirrorId, recording(older));
  };
  const mirrorCursors = async () =>
    (await instances.mirrorDb.mirror.findUniqueOrThrow({ where: { id: mirrorId } }))
      .cursors as Json;

  beforeAll(async () => {
    await useSingleThreadedCurve();
    instances = await startOriginAndMirror('requests');
    community = await communityWithMembers(instances.origin, [first, second, third]);
    prove = await prover(instances.origin, community);
    asked.push(await requestBy(first, 'https://news.example/asked-story'));
    asked.push(await requestBy(second, 'https://news.example/asked-story'));
    mirrorId = (
      await request(instances.mirror.getHttpServer())
        .post('/mirrors')
        .set({ Authorization: `Bearer ${OPERATOR_KEY}` })
        .send({ origin: instances.originUrl, community: community.slug })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await instances?.close();
    await releaseCurve();
  });

  it('reads the requests of an origin without their batches whole, and keeps no cursor', async () => {
    const outcome = await pull(true);
    expect(outcome).toMatchObject({ accepted: { requests: 2 }, refused: 0 });
    expect(feedPages()).toEqual([]);
    expect(wholePages().flatMap((page) => page.ids)).toEqual([...asked].sort());
    expect(await mirrorCursors()).not.toHaveProperty('requests');
  });

  it('reads the feed from its start once the origin has one, storing nothing twice', async () => {
    const outcome = await pull();
    expect(outcome?.accepted.requests).toBeUndefined();
    expect(outcome?.refused).toBe(0);
    expect(
      feedPages()
        .flatMap((page) => page.ids)
        .sort(),
    ).toEqual([...asked].sort());
    expect(wholePages()).toEqual([]);
    expect(await mirrorCursors()).toHaveProperty('requests');
  });

  it('then reads only the requests stored since: one whose id sorts first, and a forged one', async () => {
    // The id the origin gave is random: here one that sorts before every request read so far.
    const stored = await requestBy(third, 'https://news.example/asked-story');
    const early = `00000000-${randomUUID().slice(9)}`;
    await instances.originDb.$executeRaw`
      UPDATE note_requests SET id = ${early}::uuid WHERE id = ${stored}::uuid`;
    // A request whose proof no member made.
    const genuine = await instances.originDb.noteRequest.findUniqueOrThrow({
      where: { id: asked[0] },
    });
    const forged = randomUUID();
    await instances.originDb.noteRequest.create({
      data: {
        id: forged,
        communityId: community.id,
        postId: genuine.postId,
        requesterPseudonym: '6464646464',
        postRef: genuine.postRef as { url: string },
        clientMinute: genuine.clientMinute,
        proof: { ...(genuine.proof as Json), nullifier: '6464646464' },
      },
    });

    const outcome = await pull();
    expect(outcome).toMatchObject({ accepted: { requests: 1 }, refused: 1 });
    expect(
      feedPages()
        .flatMap((page) => page.ids)
        .sort(),
    ).toEqual([early, forged].sort());
    expect(wholePages()).toEqual([]);
    const held = await instances.mirrorDb.noteRequest.findMany({
      where: { communityId: community.id },
      select: { id: true },
    });
    expect(held.map(({ id }) => id).sort()).toEqual([...asked, early].sort());
    const refusals = await instances.mirrorDb.mirrorRefusal.findMany({ where: { mirrorId } });
    expect(refusals.map(({ stream, subject, code }) => ({ stream, subject, code }))).toEqual([
      { stream: 'requests', subject: `request ${forged}`, code: 'PROOF_INVALID' },
    ]);
    // The post counts three members' requests, as at the origin.
    const [count] = await instances.mirrorDb.postRequestCount.findMany({
      where: { communityId: community.id },
    });
    expect(count?.count).toBe(3);

    // Nothing stored since: the next pull reads no request.
    await pull();
    expect(feedPages().flatMap((page) => page.ids)).toEqual([]);
  });
});
