import { HttpStatus, Injectable } from '@nestjs/common';
import { Community, Prisma, PrismaService } from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { CreateCommunityDto, UpdateCommunityDto } from './dto/community-input.dto';

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

@Injectable()
export class CommunitiesService {
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
   * The community, for a write: a mirrored community takes none, its data comes from its origin
   * only (a write here would fork it from what the origin's members proved).
   */
  async findWritable(slug: string): Promise<Community> {
    const community = await this.findBySlug(slug);
    const mirror = await this.prisma.mirror.findUnique({
      where: { communityId: community.id },
      select: { originUrl: true, originSlug: true },
    });
    if (mirror) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'MIRROR_READ_ONLY',
        `"${slug}" mirrors community "${mirror.originSlug}" of ${mirror.originUrl}: write there`,
        { origin: mirror.originUrl, community: mirror.originSlug },
      );
    }
    return community;
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
