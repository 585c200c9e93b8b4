import { Injectable } from '@nestjs/common';
import { NoteStatus, PrismaService } from '@bridgenotes/database';

import type { CommunityKey } from '../communities/communities.service';
import { NoteDto } from '../notes/dto/note.dto';
import type { LookupBucketDto } from './dto/lookup.dto';

/** What the panel shows: the helpful notes, and for members those that need ratings. */
const SHOWN = [NoteStatus.CURRENTLY_RATED_HELPFUL, NoteStatus.NEEDS_MORE_RATINGS];

@Injectable()
export class LookupService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The community's posts whose lookup hash starts with `prefix`, with their notes. The hash is
   * computed by PostgreSQL from the same text as `postLookupText` (libs/protocol), for the
   * community's posts with notes or requests only: a scan of those posts per bucket asked,
   * which a CDN's caching keeps rare. Measured in docs/extension.md; a stored, indexed hash
   * column is the next step for communities far larger.
   */
  async bucket(community: CommunityKey, prefix: string): Promise<LookupBucketDto> {
    const matches = await this.prisma.$queryRaw<{ id: string; hash: string }[]>`
      WITH community_posts AS (
        SELECT post_id FROM notes
         WHERE community_id = ${community.id}::uuid AND deleted_at IS NULL
           AND status <> 'CURRENTLY_RATED_NOT_HELPFUL'
        UNION
        SELECT post_id FROM post_request_counts WHERE community_id = ${community.id}::uuid
      ), hashed AS (
        SELECT p.id, encode(sha256(convert_to(
                 CASE WHEN p.canonical_url IS NOT NULL THEN 'url' || chr(9) || p.canonical_url
                      ELSE 'platform' || chr(9) || p.platform || chr(9) || p.external_id END,
                 'UTF8')), 'hex') AS hash
          FROM posts p JOIN community_posts c ON c.post_id = p.id
      )
      SELECT id::text, hash FROM hashed WHERE left(hash, ${prefix.length}) = ${prefix}
      ORDER BY hash`;
    if (matches.length === 0) return { prefix, posts: [] };
    const postIds = matches.map((match) => match.id);
    const [notes, requests] = await Promise.all([
      this.prisma.note.findMany({
        where: {
          communityId: community.id,
          postId: { in: postIds },
          deletedAt: null,
          status: { in: SHOWN },
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        include: { _count: { select: { ratings: true } } },
      }),
      this.prisma.postRequestCount.findMany({
        where: { communityId: community.id, postId: { in: postIds } },
      }),
    ]);
    const helpfulFirst = (postId: string) => {
      const own = notes.filter((note) => note.postId === postId);
      return [
        ...own.filter((note) => note.status === NoteStatus.CURRENTLY_RATED_HELPFUL),
        ...own.filter((note) => note.status !== NoteStatus.CURRENTLY_RATED_HELPFUL),
      ].map(NoteDto.from);
    };
    return {
      prefix,
      posts: matches.map(({ id, hash }) => ({
        hash,
        requestCount: requests.find((count) => count.postId === id)?.count ?? 0,
        notes: helpfulFirst(id),
      })),
    };
  }
}
