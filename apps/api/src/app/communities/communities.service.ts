import { HttpStatus, Injectable } from '@nestjs/common';
import { Community, Prisma, PrismaService } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';

/**
 * What identifies a community: fixed at creation (the slug stays, the scope derives from the id)
 * and never deleted, so it may be remembered for the life of the process.
 */
export type CommunityKey = Pick<Community, 'id' | 'slug' | 'scope'>;

/** More communities than any instance hosts: a bound, not a tuning knob. */
const MAX_KEYS = 10_000;

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

@Injectable()
export class CommunitiesService {
  private readonly keys = new Map<string, CommunityKey>();

  constructor(private readonly prisma: PrismaService) {}

  async create(input: CreateCommunityDto): Promise<Community> {
    // The id is chosen here so the scope, derived from it, is stored with the row from the start.
    const id = randomUUID();
    try {
      return await this.prisma.community.create({
        data: { ...input, id, scope: communityScope(id).toString() },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          'COMMUNITY_EXISTS',
          `A community with slug "${input.slug}" exists`,
        );
      }
      throw error;
    }
  }

  async update(slug: string, input: UpdateCommunityDto): Promise<Community> {
    await this.findBySlug(slug);
    return this.prisma.community.update({ where: { slug }, data: input });
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
    if (this.keys.size >= MAX_KEYS) this.keys.clear();
    this.keys.set(slug, { id, slug, scope });
    return { id, slug, scope };
  }

  async findBySlug(slug: string): Promise<Community> {
    const community = await this.prisma.community.findUnique({ where: { slug } });
    if (!community) {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        'COMMUNITY_NOT_FOUND',
        `No community with slug "${slug}"`,
      );
    }
    return community;
  }
}
