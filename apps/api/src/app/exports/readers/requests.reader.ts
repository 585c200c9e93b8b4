import type { RequestRecord } from '@bridgenotes/open-data';
import type { ProofJson } from '@bridgenotes/protocol';

import { afterId } from '../export-position';
import type { StreamReader } from './stream-reader';

/** Members' requests for a note on a post, in id order. */
export const requestsReader: StreamReader<'requests'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.noteRequest.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      include: { post: true },
      take,
    });
    return rows.map((request) => ({
      position: { kind: 'id', id: request.id },
      record: {
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
      } satisfies RequestRecord,
    }));
  },
};
