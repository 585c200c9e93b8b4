import { Injectable } from '@nestjs/common';
import { Post, Prisma } from '@bridgenotes/database';
import { canonicalPostUrl, InvalidPostUrlError } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import { PostRefDto } from './dto/note-input.dto';

export type PostKey = { canonicalUrl: string } | { platform: string; externalId: string };

@Injectable()
export class PostsService {
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

  /** Finds or creates the post; concurrent first notes on one post agree on one row. */
  async upsert(tx: Prisma.TransactionClient, key: PostKey): Promise<Post> {
    return tx.post.upsert({ where: this.where(key), create: key, update: {} });
  }
}
