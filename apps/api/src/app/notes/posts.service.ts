import { Injectable } from '@nestjs/common';
import { Post, Prisma, PrismaService } from '@bridgenotes/database';
import { canonicalPostUrl, InvalidPostUrlError, postLookupHash } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import { startOfHour } from '../common/hour';
import { PostRefDto } from './dto/note-input.dto';

export type PostKey = { canonicalUrl: string } | { platform: string; externalId: string };

/** A UUID (version 8, RFC 9562) from the post's public lookup hash: the same on every request. */
export function derivedPostId(key: PostKey): string {
  const hex = postLookupHash(key);
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

@Injectable()
export class PostsService {
  constructor(private readonly prisma: PrismaService) {}

  /** A post reference as the API accepts it: a URL (canonicalised) or a platform's own id. */
  keyOf(ref: PostRefDto): PostKey {
    // null counts as absent: JSON clients send both.
    const byUrl = ref.url != null;
    const byPlatform = ref.platform != null || ref.externalId != null;
    if (byUrl === byPlatform || (byPlatform && (ref.platform == null || ref.externalId == null))) {
      throw ApiError.of('POST_REF_INVALID');
    }
    if (!byUrl) return { platform: ref.platform as string, externalId: ref.externalId as string };
    try {
      return { canonicalUrl: canonicalPostUrl(ref.url as string) };
    } catch (error) {
      if (error instanceof InvalidPostUrlError) {
        throw ApiError.of('POST_URL_INVALID', error.message);
      }
      throw error;
    }
  }

  where(key: PostKey): Prisma.PostWhereUniqueInput {
    return 'canonicalUrl' in key
      ? { canonicalUrl: key.canonicalUrl }
      : { platform_externalId: key };
  }

  /**
   * The post's id: its row's, or the one its row will have when a buffered write creates it
   * (derived from its key, so every write waiting for one new post answers the same id).
   */
  async idOf(key: PostKey): Promise<string> {
    const stored = await this.prisma.post.findUnique({
      where: this.where(key),
      select: { id: true },
    });
    return stored?.id ?? derivedPostId(key);
  }

  /**
   * Finds or creates the post; concurrent first notes on one post agree on one row. A post is
   * created by a sealed batch, beside the member's note or request: its time is kept to the hour
   * (UTC), as `20261203170000_sealed_writes` made the existing rows' (docs/threat-model.md).
   */
  async upsert(tx: Prisma.TransactionClient, key: PostKey, id = derivedPostId(key)): Promise<Post> {
    const createdAt = startOfHour();
    return tx.post.upsert({
      where: this.where(key),
      create: { id, ...key, createdAt },
      update: {},
    });
  }
}
