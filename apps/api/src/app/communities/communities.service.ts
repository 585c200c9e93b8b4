import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Community, Prisma, PrismaService, ScoringOutbox } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { Page, pageOf } from '../common/cursor';
import { SLUG_PATTERN } from '../common/slug';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';

/**
 * What identifies a community: fixed at creation (the slug stays, the scope derives from the id)
 * and never deleted, so it may be remembered for the life of the process.
 */
export type CommunityKey = Pick<Community, 'id' | 'slug' | 'scope'> & {
  /** The origin a mirrored community follows; null for a community of this instance. */
  mirror: MirrorOrigin | null;
};

interface MirrorOrigin {
  originUrl: string;
  originSlug: string;
}

function refuseMirrored(slug: string, mirror: MirrorOrigin | null): void {
  if (!mirror) return;
  throw ApiError.of('MIRROR_READ_ONLY', slug, mirror.originSlug, mirror.originUrl).withDetails({
    origin: mirror.originUrl,
    community: mirror.originSlug,
  });
}

/** More communities than any instance hosts: a bound, not a tuning knob. */
const MAX_KEYS = 10_000;

function decodeSlugCursor(cursor: string): string {
  const slug = Buffer.from(cursor, 'base64url').toString();
  if (!SLUG_PATTERN.test(slug)) throw ApiError.of('CURSOR_INVALID');
  return slug;
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

@Injectable()
export class CommunitiesService implements OnApplicationBootstrap {
  private readonly keys = new Map<string, CommunityKey>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly env: Environment,
  ) {}

  /**
   * Before the first proof is judged under this start's ROOT_HISTORY_WINDOW_SECONDS, every
   * community's widest window applied rises to it, and a narrower one leaves it as it is: the
   * export states the widest, so the proofs accepted under a wider window before keep verifying
   * (docs/verifiability.md).
   */
  async onApplicationBootstrap(): Promise<void> {
    const window = this.env.ROOT_HISTORY_WINDOW_SECONDS;
    await this.prisma.$executeRaw`
      UPDATE communities SET root_history_window_seconds = ${window}
       WHERE root_history_window_seconds < ${window}`;
  }

  async create(input: CreateCommunityDto): Promise<Community> {
    // The id is chosen here so the scope, derived from it, is stored with the row from the start.
    const id = randomUUID();
    const { topicSeeds, ...rest } = input;
    try {
      return await this.prisma.community.create({
        data: {
          ...rest,
          ...topicSeedsOf(topicSeeds),
          id,
          scope: communityScope(id).toString(),
          rootHistoryWindowSeconds: this.env.ROOT_HISTORY_WINDOW_SECONDS,
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw ApiError.of('COMMUNITY_EXISTS', input.slug);
      }
      throw error;
    }
  }

  /** Keyset pagination on the slug, unique and fixed: a page never shifts under a reader. */
  async list(limit: number, cursor?: string): Promise<Page<Community>> {
    const after = cursor === undefined ? undefined : decodeSlugCursor(cursor);
    const rows = await this.prisma.community.findMany({
      where: after === undefined ? {} : { slug: { gt: after } },
      orderBy: { slug: 'asc' },
      take: limit + 1,
    });
    return pageOf(rows, limit, (row) => Buffer.from(row.slug).toString('base64url'));
  }

  /**
   * New topic seeds change which notes Core leaves to CoreWithTopics (§8.6), so a change of them
   * asks for a run, in the same transaction, as a redaction does (topic assignment reads the
   * texts): the statuses would otherwise stay those of the old seeds until the next write or
   * the periodic run. Seeds sent unchanged ask for none. The row stays locked from the
   * comparison to the commit, so two updates racing each compare with what the other left.
   */
  update(community: Community, input: UpdateCommunityDto): Promise<Community> {
    const { topicSeeds, ...rest } = input;
    const data = { ...rest, ...topicSeedsOf(topicSeeds) };
    const seeds = data.topicSeeds;
    if (seeds === undefined) {
      return this.prisma.community.update({ where: { id: community.id }, data });
    }
    return this.prisma.$transaction(async (tx) => {
      // jsonb compares by value: the order of topics and terms counts, that of keys does not.
      const [{ same }] = await tx.$queryRaw<[{ same: boolean }]>`
        SELECT topic_seeds = ${JSON.stringify(seeds)}::jsonb AS same
          FROM communities WHERE id = ${community.id}::uuid FOR UPDATE`;
      const updated = await tx.community.update({ where: { id: community.id }, data });
      if (!same) await this.outbox.record(tx, community.id, 'community.seeds');
      return updated;
    });
  }

  /**
   * The community, for a write: a mirrored community takes none, its data comes from its origin
   * only (a write here would fork it from what the origin's members proved).
   */
  async findWritable(slug: string): Promise<Community> {
    const community = await this.findBySlug(slug);
    refuseMirrored(slug, await this.mirrorOf(community.id));
    return community;
  }

  /**
   * The community's identity without a database round trip after the first time: the hot paths
   * (notes, ratings, reads of a post) need nothing else. An unknown slug is never remembered, as
   * the community may be created later.
   */
  async keyOf(slug: string): Promise<CommunityKey> {
    const known = this.keys.get(slug);
    if (known) return known;
    const { id, scope } = await this.findBySlug(slug);
    // Whether a community mirrors another is set when it is created (with its mirror row, in
    // one transaction; stopping a mirror keeps the row) and changes only once, when the operator
    // promotes the mirror: remembered with the key, and read again before refusing a write.
    const key = { id, slug, scope, mirror: await this.mirrorOf(id) };
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    this.keys.set(slug, key);
    return key;
  }

  /** `keyOf` for a write: refuses a mirrored community as `findWritable` does. */
  async writableKeyOf(slug: string): Promise<CommunityKey> {
    let key = await this.keyOf(slug);
    if (key.mirror) {
      // Perhaps promoted since (by another API process too): a refusal costs one more read.
      key = { ...key, mirror: await this.mirrorOf(key.id) };
      this.keys.set(slug, key);
    }
    refuseMirrored(slug, key.mirror);
    return key;
  }

  /** The origin a community follows, until the operator promotes it (then none). */
  private mirrorOf(communityId: string): Promise<MirrorOrigin | null> {
    return this.prisma.mirror.findFirst({
      where: { communityId, promotedAt: null },
      select: { originUrl: true, originSlug: true },
    });
  }

  async findBySlug(slug: string): Promise<Community> {
    const community = await this.prisma.community.findUnique({ where: { slug } });
    if (!community) {
      throw ApiError.of('COMMUNITY_NOT_FOUND', slug);
    }
    return community;
  }
}

/** The topic seeds as plain JSON for the column (the DTO holds validated class instances). */
function topicSeedsOf(seeds: { topic: string; terms: string[] }[] | undefined): {
  topicSeeds?: Prisma.InputJsonArray;
} {
  return seeds === undefined
    ? {}
    : { topicSeeds: seeds.map(({ topic, terms }) => ({ topic, terms: [...terms] })) };
}
