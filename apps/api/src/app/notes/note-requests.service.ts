import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { insertNoteRequest, NoteRequest, Post, Prisma, PrismaService } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import type { CommunityKey } from '../communities/communities.service';
import { Clock } from '../common/clock';
import { decodeCountCursor, encodeCountCursor, Page, pageOf } from '../common/cursor';
import { ActionProofsService } from '../membership/action-proofs.service';
import { RequestNoteDto } from './dto/note-input.dto';
import { NotesService, postPayload } from './notes.service';
import { type PostKey, PostsService } from './posts.service';
import { assertUnderQuota, countTowardsQuota, quotaDay } from './pseudonym-quotas';
import { Sealer } from '../sealing/sealer.service';
import { type SealedEntry, WriteBuffer } from '../sealing/write-buffer.service';

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

/** A request waiting in the write buffer: what it will store, and the day its quota counts on. */
interface BufferedRequest {
  id: string;
  postKey: PostKey;
  postId: string;
  requesterPseudonym: string;
  postRef: Prisma.InputJsonValue;
  clientMinute: number;
  proof: Prisma.InputJsonObject;
  day: number;
}

const unsealedRequest = (communityId: string, request: BufferedRequest): NoteRequest =>
  ({
    id: request.id,
    communityId,
    postId: request.postId,
    requesterPseudonym: request.requesterPseudonym,
    postRef: request.postRef,
    clientMinute: request.clientMinute,
    proof: request.proof,
  }) as NoteRequest;

@Injectable()
export class NoteRequestsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proofs: ActionProofsService,
    private readonly posts: PostsService,
    private readonly notes: NotesService,
    private readonly env: Environment,
    private readonly buffer: WriteBuffer,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
  ) {
    buffer.register<BufferedRequest>('request', (tx, entries) => this.seal(tx, entries));
  }

  /**
   * Records that the proving pseudonym wants a note on the post. One request per pseudonym and
   * post: asking again, whatever the proof, answers the stored request (`created: false`) and
   * counts nothing. It goes through the write buffer (docs/threat-model.md); when sealed, the
   * request and the post's count are written together and the insert decides (ON CONFLICT), so
   * concurrent copies count once.
   */
  async create(community: CommunityKey, input: RequestNoteDto): Promise<StoredNoteRequest> {
    const key = this.posts.keyOf(input.post);
    const post = postPayload(input.post);
    const pseudonym = await this.proofs.verify(
      community,
      { kind: 'note.request', target: '', payload: { post }, clientMinute: input.clientMinute },
      input.proof,
    );
    const postId = await this.posts.idOf(key);
    const stored = () =>
      this.prisma.noteRequest.findUnique({
        where: {
          communityId_postId_requesterPseudonym: {
            communityId: community.id,
            postId,
            requesterPseudonym: pseudonym,
          },
        },
      });
    // The post's count as this requester is answered it: the sealed requests (what every
    // reader sees), their own included whether it is sealed or still waits, and never the other
    // requests waiting in the buffer. Counting those let a member replay their stored request
    // (a proof stays valid for CLOCK_SKEW_MINUTES) and watch others' requests arrive, to the
    // second, before their batch was sealed: the very order the batch's shuffle hides. One
    // statement, one snapshot: a batch sealed meanwhile is either wholly in it or not at all.
    const count = async () => {
      const [row] = await this.prisma.$queryRaw<{ sealed: number; own: boolean }[]>`
        SELECT COALESCE((SELECT c.count FROM post_request_counts c
                          WHERE c.community_id = ${community.id}::uuid
                            AND c.post_id = ${postId}::uuid), 0)::int AS sealed,
               EXISTS (SELECT 1 FROM note_requests r
                        WHERE r.community_id = ${community.id}::uuid
                          AND r.post_id = ${postId}::uuid
                          AND r.requester_pseudonym = ${pseudonym}) AS own`;
      return Number(row?.sealed ?? 0) + (row?.own ? 0 : 1);
    };
    const asked = await stored();
    if (asked) return { request: asked, postRequestCount: await count(), created: false };
    const dedupeKey = `q:${community.id}:${postId}:${pseudonym}`;
    const pending: BufferedRequest = {
      id: randomUUID(),
      postKey: key,
      postId,
      requesterPseudonym: pseudonym,
      postRef: post,
      clientMinute: input.clientMinute,
      proof: input.proof as Prisma.InputJsonObject,
      // The day it counts on, read once: the quota is checked and counted on the same day.
      day: quotaDay(this.clock.now()),
    };
    const buffered = await this.buffer.submit(
      `quota:${community.id}:${pseudonym}`,
      async (tx) => {
        if (
          await tx.noteRequest.findUnique({
            where: {
              communityId_postId_requesterPseudonym: {
                communityId: community.id,
                postId,
                requesterPseudonym: pseudonym,
              },
            },
            select: { id: true },
          })
        ) {
          return false;
        }
        const own = (
          await this.buffer.waiting<BufferedRequest>(
            tx,
            community.id,
            'request',
            `q:${community.id}:`,
          )
        ).filter((request) => request.requesterPseudonym === pseudonym);
        // A resent request that waits is a replay, answered below as that request: not counted again.
        if (own.some((request) => request.postId === postId)) return false;
        const today = own.filter((request) => request.day === pending.day).length;
        await assertUnderQuota(
          tx,
          community,
          pseudonym,
          'note_requests',
          this.env.NOTE_REQUESTS_PER_DAY,
          pending.day,
          today,
        );
      },
      { communityId: community.id, kind: 'request', actor: pseudonym, dedupeKey, payload: pending },
    );
    if (buffered) await this.sealer.afterSubmit(community.id);
    const sealed = await stored();
    if (sealed) return { request: sealed, postRequestCount: await count(), created: buffered };
    const [waiting] = await this.buffer.waiting<BufferedRequest>(
      this.prisma,
      community.id,
      'request',
      dedupeKey,
    );
    return {
      request: unsealedRequest(community.id, waiting ?? pending),
      postRequestCount: await count(),
      created: buffered,
    };
  }

  /**
   * Stores a batch's requests: the request and, only when it is new, one more for its post's
   * count and the requester's daily quota.
   */
  private async seal(tx: Prisma.TransactionClient, entries: SealedEntry<BufferedRequest>[]) {
    for (const { communityId, payload: request } of entries) {
      const post = await this.posts.upsert(tx, request.postKey, request.postId);
      const counted = await insertNoteRequest(tx, {
        ...request,
        communityId,
        postId: post.id,
      });
      if (counted) {
        await countTowardsQuota(
          tx,
          communityId,
          request.requesterPseudonym,
          'note_requests',
          request.day,
          this.env.NOTE_REQUESTS_PER_DAY,
        );
      }
    }
    if (entries.length > 0) this.notes.forgetPostReads();
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
