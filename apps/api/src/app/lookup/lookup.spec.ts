import type { INestApplication } from '@nestjs/common';
import { NoteClassification, NoteStatus, type PrismaClient } from '@bridgenotes/database';
import { lookupPrefixOf, postLookupHash, type PostKey } from '@bridgenotes/protocol';
import request from 'supertest';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';

describe('private lookup', () => {
  let app: INestApplication;
  let prisma: PrismaClient;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  let pseudonym = 5_000;
  async function note(communityId: string, postId: string, status: NoteStatus, text: string) {
    return prisma.note.create({
      data: {
        communityId,
        postId,
        authorPseudonym: String(++pseudonym),
        classification: NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
        reasons: ['MISSING_IMPORTANT_CONTEXT'],
        text,
        sources: ['https://example.org/source'],
        status,
      },
    });
  }

  const bucketOf = (slug: string, key: PostKey) =>
    request(app.getHttpServer()).get(
      `/communities/${slug}/lookup/${lookupPrefixOf(postLookupHash(key))}`,
    );

  it("answers the bucket of a post's hash prefix with the post's shown notes, hashed as clients hash", async () => {
    const community = await createCommunity(prisma);
    const other = await createCommunity(prisma);
    const run = community.slug;
    // A platform post, and an article whose URL holds non-ASCII text and a quote: the service
    // must hash the very bytes clients hash.
    const tweet = { platform: 'x', externalId: `${Date.now()}${run.length}` };
    const article = { canonicalUrl: `https://example.com/caf%C3%A9/${run}?q=%22a%22&é=1` };
    const [tweetPost, articlePost] = await Promise.all([
      prisma.post.create({ data: tweet }),
      prisma.post.create({ data: article }),
    ]);
    const needing = await note(community.id, tweetPost.id, 'NEEDS_MORE_RATINGS', 'to rate');
    const helpful = await note(community.id, tweetPost.id, 'CURRENTLY_RATED_HELPFUL', 'helpful');
    await note(community.id, tweetPost.id, 'CURRENTLY_RATED_NOT_HELPFUL', 'not helpful');
    const deleted = await note(community.id, tweetPost.id, 'CURRENTLY_RATED_HELPFUL', 'deleted');
    await prisma.note.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    await note(other.id, tweetPost.id, 'CURRENTLY_RATED_HELPFUL', 'elsewhere');
    await note(community.id, articlePost.id, 'CURRENTLY_RATED_HELPFUL', 'on the article');
    await prisma.postRequestCount.create({
      data: { communityId: community.id, postId: tweetPost.id, count: 3 },
    });

    const answer = await bucketOf(community.slug, tweet).expect(200);
    const prefix = lookupPrefixOf(postLookupHash(tweet));
    expect(answer.body.prefix).toBe(prefix);
    for (const post of answer.body.posts) expect(post.hash.startsWith(prefix)).toBe(true);
    const found = answer.body.posts.find(
      (post: { hash: string }) => post.hash === postLookupHash(tweet),
    );
    expect(found).toEqual({
      hash: postLookupHash(tweet),
      requestCount: 3,
      notes: [
        expect.objectContaining({ id: helpful.id, status: 'CURRENTLY_RATED_HELPFUL' }),
        expect.objectContaining({ id: needing.id, status: 'NEEDS_MORE_RATINGS' }),
      ],
    });

    const articleAnswer = await bucketOf(community.slug, article).expect(200);
    expect(articleAnswer.body.posts).toContainEqual({
      hash: postLookupHash(article),
      requestCount: 0,
      notes: [expect.objectContaining({ text: 'on the article' })],
    });

    // The other community's bucket holds only its own note on the tweet.
    const elsewhere = await bucketOf(other.slug, tweet).expect(200);
    expect(
      elsewhere.body.posts.find((post: { hash: string }) => post.hash === postLookupHash(tweet))
        .notes,
    ).toEqual([expect.objectContaining({ text: 'elsewhere' })]);
    // A dozen writes and three reads: seconds on the embedded database of a busy machine.
  });

  it('is cacheable by any cache and readable from any origin, and revalidates with 304', async () => {
    const community = await createCommunity(prisma, 1);
    const key = { canonicalUrl: `https://example.com/${community.slug}` };
    const first = await bucketOf(community.slug, key).expect(200);
    expect(first.body.posts).toHaveLength(1);
    // A hidden or redacted note leaves every cache within 65 s (docs/moderation.md).
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=5');
    expect(first.headers['access-control-allow-origin']).toBe('*');
    expect(first.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(first.headers['etag']).toBeTruthy();
    await bucketOf(community.slug, key).set('If-None-Match', first.headers['etag']).expect(304);
  });

  it('answers an empty bucket for a prefix no post of the community has', async () => {
    const community = await createCommunity(prisma);
    const answer = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/lookup/0000`)
      .expect(200);
    expect(answer.body).toEqual({ prefix: '0000', posts: [] });
  });

  it.each(['ABCD', '67f', '67fc1', 'zzzz', '67fc1120d9e90e4e06017c3ae8a57e4008932ee7'])(
    'refuses prefix %s with 400 VALIDATION_FAILED',
    async (prefix) => {
      const community = await createCommunity(prisma);
      const answer = await request(app.getHttpServer())
        .get(`/communities/${community.slug}/lookup/${prefix}`)
        .expect(400);
      expect(answer.body).toEqual(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          details: [{ field: 'prefix', problems: ['prefix must be 4 lowercase hex digits'] }],
        }),
      );
    },
  );

  it('answers 404 COMMUNITY_NOT_FOUND for an unknown community', async () => {
    const answer = await request(app.getHttpServer()).get('/communities/no-such/lookup/abcd');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('COMMUNITY_NOT_FOUND');
  });
});
