import { Injectable } from '@nestjs/common';
import { NoteRequest, PrismaService } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';

import type { CommunityKey } from '../communities/communities.service';
import { ActionProofsService } from '../membership/action-proofs.service';
import { RequestNoteDto } from './dto/note-input.dto';
import { NotesService, postPayload } from './notes.service';
import { PostsService } from './posts.service';

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
}
