import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { NoteRequest, Post, Prisma, PrismaService } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import type { CommunityKey } from '../communities/communities.service';
import { decodeCountCursor, encodeCountCursor, Page, pageOf } from '../common/cursor';
import { ActionProofsService } from '../membership/action-proofs.service';
import { RequestNoteDto } from './dto/note-input.dto';
import { NotesService, postPayload } from './notes.service';
import { PostsService } from './posts.service';
import { countTowardsQuota } from './pseudonym-quotas';

/** A post members of a community asked notes for, with the community's notes on it. */
export interface RequestedPost {
  post: Post;
  requestCount: number;
  noteCount: number;
}

export interface StoredNoteRequest {
  request: NoteRequest;
  postRequestCount: number;
  created: boolean;
}

@Injectable()
export class NoteRequestsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proofs: ActionProofsService,
    private readonly posts: PostsService,
    private readonly notes: NotesService,
    private readonly env: Environment,
  ) {}

  /**
   * Records that the proving pseudonym wants a note on the post. One request per pseudonym and
   * post: asking again, whatever the proof, answers the stored request (`created: false`) and
   * counts nothing. The request and the post's count are written in one transaction, and the
   * insert decides (ON CONFLICT), so concurrent copies count once.
   */
  async create(community: CommunityKey, input: RequestNoteDto): Promise<StoredNoteRequest> {
    const key = this.posts.keyOf(input.post);
    const post = postPayload(input.post);
    const pseudonym = await this.proofs.verify(
      community,
      { kind: 'note.request', target: '', payload: { post }, clientMinute: input.clientMinute },
      input.proof,
    );
    const outcome = await this.prisma.$transaction(async (tx) => {
      const stored = await this.posts.upsert(tx, key);
      const [counted] = await tx.$queryRaw<{ count: number }[]>`
        WITH inserted AS (
          INSERT INTO note_requests (id, community_id, post_id, requester_pseudonym, post_ref, client_minute, proof)
          VALUES (${randomUUID()}::uuid, ${community.id}::uuid, ${stored.id}::uuid, ${pseudonym},
                  ${JSON.stringify(post)}::jsonb, ${input.clientMinute}, ${JSON.stringify(input.proof)}::jsonb)
          ON CONFLICT (community_id, post_id, requester_pseudonym) DO NOTHING
          RETURNING post_id
        )
        INSERT INTO post_request_counts (community_id, post_id, count)
        SELECT ${community.id}::uuid, post_id, 1 FROM inserted
        ON CONFLICT (community_id, post_id) DO UPDATE SET count = post_request_counts.count + 1
        RETURNING count`;
      // Only a new request counts; asking again answers the stored one for free.
      if (counted !== undefined) {
        await countTowardsQuota(
          tx,
          community,
          pseudonym,
          'note_requests',
          this.env.NOTE_REQUESTS_PER_DAY,
        );
      }
      return { postId: stored.id, count: counted?.count };
    });
    if (outcome.count !== undefined) this.notes.forgetPostReads();
    const request = await this.prisma.noteRequest.findUniqueOrThrow({
      where: {
        communityId_postId_requesterPseudonym: {
          communityId: community.id,
          postId: outcome.postId,
          requesterPseudonym: pseudonym,
        },
      },
    });
    const postRequestCount =
      outcome.count ??
      (
        await this.prisma.postRequestCount.findUniqueOrThrow({
          where: { communityId_postId: { communityId: community.id, postId: outcome.postId } },
        })
      ).count;
    return { request, postRequestCount, created: outcome.count !== undefined };
  }

  /**
   * The posts the community's members requested notes on, most requested first (ties by post
   * id), each with the community's notes on it that are not deleted: where writers are wanted.
   * Keyset-paginated like the most-requested notes, with the same caveat: a count that grows
   * between pages can move a post to a place already passed.
   */
  async requestedPosts(
    community: CommunityKey,
    limit: number,
    cursor?: string,
  ): Promise<Page<RequestedPost>> {
    const after = cursor === undefined ? undefined : decodeCountCursor(cursor);
    const picked = await this.prisma.$queryRaw<
      { postId: string; requestCount: number; noteCount: number }[]
    >`
      SELECT c.post_id AS "postId", c.count AS "requestCount",
             (SELECT COUNT(*)::int FROM notes n
               WHERE n.community_id = c.community_id AND n.post_id = c.post_id
                 AND n.deleted_at IS NULL AND NOT n.hidden) AS "noteCount"
        FROM post_request_counts c
       WHERE c.community_id = ${community.id}::uuid
         ${
           after
             ? Prisma.sql`AND (c.count < ${after.count}
                  OR (c.count = ${after.count} AND c.post_id > ${after.id}::uuid))`
             : Prisma.empty
         }
       ORDER BY c.count DESC, c.post_id ASC
       LIMIT ${limit + 1}`;
    const posts = await this.prisma.post.findMany({
      where: { id: { in: picked.map((row) => row.postId) } },
    });
    const byId = new Map(posts.map((post) => [post.id, post]));
    const rows = picked.flatMap(({ postId, requestCount, noteCount }) => {
      const post = byId.get(postId);
      return post ? [{ post, requestCount, noteCount }] : [];
    });
    return pageOf(rows, limit, (row) =>
      encodeCountCursor({ count: row.requestCount, id: row.post.id }),
    );
  }
}
