// One file for note requests end to end (requests, the most-requested order, the writers'
// list): the cases share one community, its members and proofs made once in beforeAll.
import type { INestApplication } from '@nestjs/common';
import { BridgenotesClient, noteRequestAction, type ProvenAction } from '@bridgenotes/client';
import { NoteClassification, type PrismaClient } from '@bridgenotes/database';
import request from 'supertest';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, createIdentity, prover, TestCommunity } from '../../testing/members';
import { createSealedByHandApp, createTestApp } from '../../testing/test-app';
import { Sealer } from '../sealing/sealer.service';

const MINUTE = 60_000;

/** The request body of a proven write: the action's payload fields, its minute and its proof. */
const body = (proven: ProvenAction) => ({
  ...proven.action.payload,
  clientMinute: proven.action.clientMinute,
  proof: proven.proof,
});

interface ListedNote {
  id: string;
  postRequestCount: number;
}

/**
 * Note requests with real proofs (four, made once), and the list of notes needing ratings in
 * most-requested order. Posts are unique to the run's community: other suites share the database.
 */
describe('note requests', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let other: TestCommunity;
  const [alice, bob] = [createIdentity(), createIdentity()];
  const proofs = {} as Record<
    'alicePost1' | 'bobPost1' | 'alicePost2' | 'alicePost1Later',
    ProvenAction
  >;
  let posts: { p1: string; p2: string; p3: string };
  const server = () => app.getHttpServer();
  const send = (proven: ProvenAction | Record<string, unknown>, slug = community.slug) =>
    request(server())
      .post(`/communities/${slug}/note-requests`)
      .send('proof' in proven && 'action' in proven ? body(proven as ProvenAction) : proven);

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [alice, bob]);
    other = await communityWithMembers(app, [alice]);
    const base = `https://example.com/${community.slug}`;
    posts = { p1: `${base}/one`, p2: `${base}/two`, p3: `${base}/three` };
    const prove = await prover(app, community);
    const now = Date.now();
    proofs.alicePost1 = await prove(alice, 'note.request', '', { post: { url: posts.p1 } });
    // The same post as another URL form: it canonicalises to the same post.
    proofs.bobPost1 = await prove(bob, 'note.request', '', {
      post: { url: `${posts.p1}?utm_source=feed#top` },
    });
    // As libs/client builds it, to check the client and the server agree on the action.
    const asked = noteRequestAction(community, { url: posts.p2 });
    proofs.alicePost2 = await prove(alice, asked.kind, asked.target ?? '', asked.payload);
    proofs.alicePost1Later = await prove(
      alice,
      'note.request',
      '',
      { post: { url: posts.p1 } },
      new Date(now + MINUTE),
    );
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  const countOf = async (url: string) =>
    (
      await prisma.postRequestCount.findFirst({
        where: { communityId: community.id, post: { canonicalUrl: url } },
      })
    )?.count ?? 0;

  it("records a request under the proof's pseudonym and counts it on the post", async () => {
    const created = await send(proofs.alicePost1).expect(201);
    expect(created.body).toMatchObject({
      communityId: community.id,
      requesterPseudonym: proofs.alicePost1.proof.nullifier,
      clientMinute: proofs.alicePost1.action.clientMinute,
      postRequestCount: 1,
    });
    const stored = await prisma.noteRequest.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.proof).toEqual(proofs.alicePost1.proof);
    expect(stored.postRef).toEqual({ url: posts.p1 });
    expect(await countOf(posts.p1)).toBe(1);
  });

  it('answers a replay, or a new proof by the same pseudonym, with the stored request and counts nothing', async () => {
    const first = await prisma.noteRequest.findFirstOrThrow({
      where: { communityId: community.id, requesterPseudonym: proofs.alicePost1.proof.nullifier },
    });
    for (const proven of [proofs.alicePost1, proofs.alicePost1Later]) {
      const again = await send(proven).expect(200);
      expect(again.body).toMatchObject({ id: first.id, postRequestCount: 1 });
    }
    expect(await countOf(posts.p1)).toBe(1);
    expect(await prisma.noteRequest.count({ where: { communityId: community.id } })).toBe(1);
  });

  it('counts 20 concurrent copies of one request once', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(proofs.bobPost1)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(19);
    expect(responses.every((response) => response.body.postRequestCount === 2)).toBe(true);
    expect(await countOf(posts.p1)).toBe(2);
  });

  it('takes a request sent by libs/client on a post that has no notes, which GET /posts then shows', async () => {
    await app.listen(0, '127.0.0.1');
    const client = new BridgenotesClient(await app.getUrl());
    const sent = await client.requestNote(community.slug, proofs.alicePost2);
    expect(sent).toMatchObject({ created: true, request: { postRequestCount: 1 } });
    expect((await client.requestNote(community.slug, proofs.alicePost2)).created).toBe(false);
    const read = await request(server())
      .get('/posts')
      .query({ url: posts.p2, community: community.slug })
      .expect(200);
    expect(read.body).toMatchObject({ post: { url: posts.p2, requestCount: 1 }, notes: [] });
    const elsewhere = await request(server())
      .get('/posts')
      .query({ url: posts.p2, community: other.slug })
      .expect(200);
    expect(elsewhere.body.post.requestCount).toBe(0);
  });

  it.each<[string, () => Record<string, unknown>, number, string]>([
    [
      'a payload changed under a valid proof',
      () => ({ ...body(proofs.alicePost2), post: { url: posts.p3 } }),
      400,
      'PROOF_MESSAGE',
    ],
    ['no post', () => ({ ...body(proofs.alicePost2), post: undefined }), 400, 'VALIDATION_FAILED'],
    [
      'a non-http post URL',
      () => ({ ...body(proofs.alicePost2), post: { url: 'ftp://example.com/x' } }),
      400,
      'POST_URL_INVALID',
    ],
    [
      'both a URL and a platform id',
      () => ({
        ...body(proofs.alicePost2),
        post: { url: posts.p3, platform: 'x', externalId: '1' },
      }),
      400,
      'POST_REF_INVALID',
    ],
    [
      'an unknown field',
      () => ({ ...body(proofs.alicePost2), reason: 'x' }),
      400,
      'VALIDATION_FAILED',
    ],
  ])('refuses %s with a clear code, writing nothing', async (_, make, status, code) => {
    const before = await prisma.noteRequest.count();
    expect((await send(make()).expect(status)).body.code).toBe(code);
    expect(await prisma.noteRequest.count()).toBe(before);
  });

  it("refuses a request proven for another community's scope", async () => {
    const before = await prisma.noteRequest.count();
    expect((await send(proofs.alicePost2, other.slug).expect(400)).body.code).toBe('PROOF_SCOPE');
    expect((await send(proofs.alicePost2, 'no-such-community').expect(404)).body.code).toBe(
      'COMMUNITY_NOT_FOUND',
    );
    expect(await prisma.noteRequest.count()).toBe(before);
  });

  it('documents the route, its answers and the list order in the OpenAPI document', async () => {
    const { paths } = (await request(server()).get('/docs-json').expect(200)).body;
    const route = paths['/communities/{slug}/note-requests'].post;
    expect(Object.keys(route.responses).sort()).toEqual([
      '200',
      '201',
      '400',
      '403',
      '404',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(route.responses['400'].description).toContain('PROOF_MESSAGE');
    expect(route.responses['429'].description).toContain('DAILY_QUOTA_EXCEEDED');
    const order = paths['/communities/{slug}/notes'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'order',
    );
    expect(order.schema.enum).toEqual(['oldest', 'most-requested']);
    expect(paths['/posts'].get.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/PostNotesDto',
    );
  });

  describe('notes needing ratings, most requested first', () => {
    let ids: Record<'p1a' | 'p1b' | 'p3a' | 'p3b' | 'p4a' | 'p4rated' | 'p4deleted', string>;
    let p4: string;

    beforeAll(async () => {
      const postId = async (url: string) =>
        (
          await prisma.post.upsert({
            where: { canonicalUrl: url },
            create: { canonicalUrl: url },
            update: {},
          })
        ).id;
      const p1 = await postId(posts.p1);
      const p3 = await postId(posts.p3);
      p4 = await postId(`${posts.p3}/four`);
      // Arranged directly: the counts come from the requests above (p1: 2), except p3's, set here.
      await prisma.postRequestCount.create({
        data: { communityId: community.id, postId: p3, count: 1 },
      });
      const note = async (postId: string, minute: number, extra: object = {}) =>
        (
          await prisma.note.create({
            data: {
              communityId: community.id,
              postId,
              authorPseudonym: String(minute),
              classification: NoteClassification.NOT_MISLEADING,
              reasons: ['FACTUALLY_CORRECT'],
              text: `Note at ${minute}`,
              sources: [],
              // The most requested post's notes are the newest: the two orders differ.
              createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)),
              ...extra,
            },
          })
        ).id;
      ids = {
        p1a: await note(p1, 10),
        p1b: await note(p1, 11),
        p3a: await note(p3, 5),
        p3b: await note(p3, 6),
        p4a: await note(p4, 1),
        p4rated: await note(p4, 2, { status: 'CURRENTLY_RATED_HELPFUL' }),
        p4deleted: await note(p4, 3, { deletedAt: new Date() }),
      };
    });

    const page = (query: Record<string, string | number>) =>
      request(server()).get(`/communities/${community.slug}/notes`).query(query).expect(200);

    async function all(order: string): Promise<ListedNote[]> {
      const seen: ListedNote[] = [];
      let cursor: string | null = null;
      do {
        const response: request.Response = await page({
          order,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...response.body.items);
        cursor = response.body.nextCursor;
      } while (cursor);
      return seen;
    }

    it('pages by request count, ties by id, skipping rated and deleted notes', async () => {
      const byId = (a: string, b: string) => (a < b ? -1 : 1);
      const expected = [
        ...[ids.p1a, ids.p1b].sort(byId),
        ...[ids.p3a, ids.p3b].sort(byId),
        ids.p4a,
      ];
      const seen = await all('most-requested');
      expect(seen.map((note) => note.id)).toEqual(expected);
      expect(seen.map((note) => note.postRequestCount)).toEqual([2, 2, 1, 1, 0]);
    });

    it('still pages oldest first by default, with the same counts', async () => {
      const seen = await all('oldest');
      expect(seen.map((note) => note.id)).toEqual([ids.p4a, ids.p3a, ids.p3b, ids.p1a, ids.p1b]);
      expect(seen.map((note) => note.postRequestCount)).toEqual([0, 1, 1, 2, 2]);
    });

    it('lets a cache revalidate a page, until a request changes it', async () => {
      const first = await page({ order: 'most-requested' });
      expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      const etag = first.headers['etag'] as string;
      await request(server())
        .get(`/communities/${community.slug}/notes`)
        .query({ order: 'most-requested' })
        .set('If-None-Match', etag)
        .expect(304);
      // Arranged directly: a request on the last post's page moves it to the top.
      await prisma.postRequestCount.create({
        data: { communityId: community.id, postId: p4, count: 3 },
      });
      const changed = await request(server())
        .get(`/communities/${community.slug}/notes`)
        .query({ order: 'most-requested' })
        .set('If-None-Match', etag)
        .expect(200);
      expect(changed.body.items[0]).toMatchObject({ id: ids.p4a, postRequestCount: 3 });
    });

    it("refuses another order's cursor, a forged one and an unknown order with 400", async () => {
      const oldest = await page({ limit: 1 });
      const forged = Buffer.from('n-1|00000000-0000-0000-0000-000000000000').toString('base64url');
      for (const cursor of [oldest.body.nextCursor as string, forged]) {
        const refused = await request(server())
          .get(`/communities/${community.slug}/notes`)
          .query({ order: 'most-requested', cursor })
          .expect(400);
        expect(refused.body.code).toBe('CURSOR_INVALID');
      }
      const requested = await page({ order: 'most-requested', limit: 1 });
      expect(
        (
          await request(server())
            .get(`/communities/${community.slug}/notes`)
            .query({ cursor: requested.body.nextCursor })
            .expect(400)
        ).body.code,
      ).toBe('CURSOR_INVALID');
      expect(
        (
          await request(server())
            .get(`/communities/${community.slug}/notes`)
            .query({ order: 'newest' })
            .expect(400)
        ).body.code,
      ).toBe('VALIDATION_FAILED');
    });
  });

  describe("requested posts, writers' list", () => {
    let writers: TestCommunity;
    let q: Record<'q1' | 'q2' | 'q3' | 'elsewhere', string>;

    beforeAll(async () => {
      // A community of its own, arranged directly: the other tests change the first one's counts.
      writers = await communityWithMembers(app, []);
      const post = async (path: string) =>
        (
          await prisma.post.create({
            data: { canonicalUrl: `https://example.com/${writers.slug}/${path}` },
          })
        ).id;
      q = {
        q1: await post('q1'),
        q2: await post('q2'),
        q3: await post('q3'),
        elsewhere: await post('x'),
      };
      for (const [postId, count, communityId] of [
        [q.q1, 3, writers.id],
        [q.q2, 3, writers.id],
        [q.q3, 1, writers.id],
        [q.elsewhere, 9, other.id],
      ] as const) {
        await prisma.postRequestCount.create({ data: { communityId, postId, count } });
      }
      const note = (postId: string, extra: object = {}) =>
        prisma.note.create({
          data: {
            communityId: writers.id,
            postId,
            authorPseudonym: '1',
            classification: NoteClassification.NOT_MISLEADING,
            reasons: ['FACTUALLY_CORRECT'],
            text: 'A note',
            sources: [],
            ...extra,
          },
        });
      await note(q.q1);
      await note(q.q1, { deletedAt: new Date() });
      await note(q.q3);
      await note(q.q3, { status: 'CURRENTLY_RATED_HELPFUL' });
    });

    const list = (query: Record<string, string | number> = {}, slug = writers.slug) =>
      request(server()).get(`/communities/${slug}/note-requests`).query(query);

    it('pages by request count, ties by post id, with the notes each post has', async () => {
      const seen: { post: { id: string; url: string; requestCount: number }; noteCount: number }[] =
        [];
      let cursor: string | null = null;
      do {
        const response: request.Response = await list({
          limit: 2,
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        seen.push(...response.body.items);
        cursor = response.body.nextCursor;
      } while (cursor);
      const tied = [q.q1, q.q2].sort((a, b) => (a < b ? -1 : 1));
      expect(seen.map(({ post }) => post.id)).toEqual([...tied, q.q3]);
      const noteCounts = { [q.q1]: 1, [q.q2]: 0, [q.q3]: 2 };
      expect(seen.map(({ post, noteCount }) => [post.requestCount, noteCount])).toEqual(
        [...tied, q.q3].map((id) => [id === q.q3 ? 1 : 3, noteCounts[id]]),
      );
      expect(seen[0]?.post.url).toBe(
        `https://example.com/${writers.slug}/${tied[0] === q.q1 ? 'q1' : 'q2'}`,
      );
    });

    it('lists the posts requested through the API with their proven counts', async () => {
      const { items } = (await list({ limit: 100 }, community.slug).expect(200)).body as {
        items: { post: { url: string; requestCount: number } }[];
      };
      expect(items.find(({ post }) => post.url === posts.p1)?.post.requestCount).toBe(2);
    });

    it('lets a cache revalidate a page, until a request changes it', async () => {
      const first = await list().expect(200);
      expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
      const etag = first.headers['etag'] as string;
      await list().set('If-None-Match', etag).expect(304);
      await prisma.postRequestCount.update({
        where: { communityId_postId: { communityId: writers.id, postId: q.q3 } },
        data: { count: 4 },
      });
      const changed = await list().set('If-None-Match', etag).expect(200);
      expect(changed.body.items[0].post).toMatchObject({ id: q.q3, requestCount: 4 });
    });

    it('refuses a forged cursor and a bad limit with 400, an unknown community with 404', async () => {
      const forged = Buffer.from('n-1|00000000-0000-0000-0000-000000000000').toString('base64url');
      expect((await list({ cursor: forged }).expect(400)).body.code).toBe('CURSOR_INVALID');
      expect((await list({ limit: 0 }).expect(400)).body.code).toBe('VALIDATION_FAILED');
      expect((await list({}, 'no-such-community').expect(404)).body.code).toBe(
        'COMMUNITY_NOT_FOUND',
      );
    });

    it('is documented in the OpenAPI document', async () => {
      const { paths } = (await request(server()).get('/docs-json').expect(200)).body;
      const route = paths['/communities/{slug}/note-requests'].get;
      // Its own answers, and those every route gives (rate limit, database, fault).
      expect(Object.keys(route.responses).sort()).toEqual([
        '200',
        '400',
        '404',
        '429',
        '500',
        '503',
      ]);
      expect(route.responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/RequestedPostPageDto',
      );
    });
  });
});

describe('note requests waiting for their batch', () => {
  const K = 2;
  let app: INestApplication;

  beforeAll(async () => {
    // Sealed by hand only, once K members wait: requests stay in the buffer until then.
    app = await createSealedByHandApp(K);
  });

  afterAll(() => app.close());

  it("answers a requester the sealed count and their own request, never others' waiting ones", async () => {
    const [alice, bob] = [createIdentity(), createIdentity()];
    const community = await communityWithMembers(app, [alice, bob]);
    const prove = await prover(app, community);
    const url = `https://example.com/${community.slug}/waiting`;
    // One after the other: two first proofs at once left a prover's threads running (Jest did
    // not exit).
    const fromAlice = await prove(alice, 'note.request', '', { post: { url } });
    const fromBob = await prove(bob, 'note.request', '', { post: { url } });
    const send = (proven: ProvenAction) =>
      request(app.getHttpServer())
        .post(`/communities/${community.slug}/note-requests`)
        .send(body(proven));

    expect((await send(fromAlice).expect(201)).body.postRequestCount).toBe(1);
    // Bob's request arrives while Alice's waits: his answer counts his own, not hers.
    expect((await send(fromBob).expect(201)).body.postRequestCount).toBe(1);
    // Nor does Alice, replaying her stored request to watch others' arrive, see Bob's.
    expect((await send(fromAlice).expect(200)).body.postRequestCount).toBe(1);
    expect((await send(fromBob).expect(200)).body.postRequestCount).toBe(1);

    // Once the batch is sealed, both are in the count everyone reads.
    expect(await app.get(Sealer).sealDue()).toBeGreaterThanOrEqual(K);
    expect((await send(fromAlice).expect(200)).body.postRequestCount).toBe(2);
    expect((await send(fromBob).expect(200)).body.postRequestCount).toBe(2);
  });
});
