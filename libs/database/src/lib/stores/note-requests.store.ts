import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

// The one place that writes `note_requests` and `post_request_counts`, in the caller's
// transaction: a member's request sealed by the API, and one a mirror copied from its origin.

/** A proven note request, on the post row it counts for. */
export interface NoteRequestRow {
  id: string;
  communityId: string;
  postId: string;
  requesterPseudonym: string;
  /** The post exactly as the proven payload has it. */
  postRef: unknown;
  clientMinute: number;
  proof: unknown;
}

/**
 * Stores the request and, only when it is the first of its pseudonym on its post, one more for
 * the post's count; the insert decides (ON CONFLICT), so concurrent copies count once. Its
 * `changed_batch` is the column's default, the batch of the caller's transaction: its place in
 * the export's change feed. Returns whether it was stored.
 */
export async function insertNoteRequest(tx: Tx, request: NoteRequestRow): Promise<boolean> {
  const counted = await tx.$executeRaw`
    WITH inserted AS (
      INSERT INTO note_requests (id, community_id, post_id, requester_pseudonym, post_ref, client_minute, proof)
      VALUES (${request.id}::uuid, ${request.communityId}::uuid, ${request.postId}::uuid, ${request.requesterPseudonym},
              ${JSON.stringify(request.postRef)}::jsonb, ${request.clientMinute}, ${JSON.stringify(request.proof)}::jsonb)
      ON CONFLICT (community_id, post_id, requester_pseudonym) DO NOTHING
      RETURNING post_id
    )
    INSERT INTO post_request_counts (community_id, post_id, count)
    SELECT ${request.communityId}::uuid, post_id, 1 FROM inserted
    ON CONFLICT (community_id, post_id) DO UPDATE SET count = post_request_counts.count + 1`;
  return counted > 0;
}
