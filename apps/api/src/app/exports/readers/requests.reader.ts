import type { NoteRequest, Post } from '@bridgenotes/database';
import type { RequestRecord } from '@bridgenotes/open-data';
import type { ProofJson } from '@bridgenotes/protocol';

import { afterId, CHANGE_ORDER, changedAfter, changePositioned } from '../export-position';
import type { ChangeStreamReader } from './stream-reader';

function requestRecord(request: NoteRequest & { post: Post }): RequestRecord {
  return {
    cursor: request.id,
    id: request.id,
    requesterPseudonym: request.requesterPseudonym,
    post: {
      canonicalUrl: request.post.canonicalUrl,
      platform: request.post.platform,
      externalId: request.post.externalId,
    },
    postRef: request.postRef as unknown as RequestRecord['postRef'],
    clientMinute: request.clientMinute,
    proof: request.proof as unknown as ProofJson,
    changedBatch: String(request.changedBatch),
  };
}

/**
 * Members' requests for a note on a post, in id order or in change order: requests are never
 * changed, so each is in the feed once, at the batch that stored it.
 */
export const requestsReader: ChangeStreamReader<'requests'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.noteRequest.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      include: { post: true },
      take,
    });
    return rows.map((request) => ({
      position: { kind: 'id', id: request.id },
      record: requestRecord(request),
    }));
  },

  async changes(prisma, communityId, after, take, below) {
    const rows = await prisma.noteRequest.findMany({
      where: changedAfter(communityId, after, below),
      orderBy: CHANGE_ORDER,
      include: { post: true },
      take,
    });
    return rows.map((request) =>
      changePositioned(request.changedBatch, request.id, requestRecord(request)),
    );
  },
};
