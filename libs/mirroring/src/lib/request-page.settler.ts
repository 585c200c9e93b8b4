import {
  insertNoteRequest,
  PrismaService,
  type Mirror,
  type NoteRequest,
} from '@bridgenotes/database';
import {
  checkRecordedAction,
  noteRequestAction,
  noteShownOnProvenPost,
  provenPostKey,
  type ActionCheckContext,
  type PostKey,
  type RequestRecord,
} from '@bridgenotes/open-data';
import type { ProofVerifier } from '@bridgenotes/protocol';

import type { MirrorCursors, PullOutcome, Refusal } from './mirror-state';
import {
  keepStorable,
  PageSettlement,
  upsertPost,
  same,
  type Candidate,
  type ProofToCheck,
  type Refuse,
} from './page-settlement';
import { unstorableRequest } from './record-rules';

/** The post a request counts for, as `bridgenotes verify` keys it. */
const postOf = (post: RequestRecord['post']) =>
  `${post.canonicalUrl}|${post.platform}|${post.externalId}`;

/**
 * One page of the requests stream: of its change feed, read from the mirror's cursor, or, from
 * an origin whose requests have no feed, of the stream read in id order from its start on every
 * pull (`requestsOrder`). A request the mirror holds or refused for good is skipped (the whole
 * read meets them all again, and the feed's first read meets those the whole reads took); a
 * new one must carry a member's proof for the post it counts for, once per post and pseudonym
 * (the checks of `bridgenotes verify`). What passes is stored with the post's count, in the
 * page's settlement (and its promotion fence), with the feed's cursor advance.
 */
export class RequestPageSettler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly settlement: PageSettlement,
  ) {}

  async settle(
    mirror: Mirror,
    page: RequestRecord[],
    context: ActionCheckContext,
    verifier: ProofVerifier,
    cursors: MirrorCursors,
    outcome: PullOutcome,
    read: 'changes' | 'whole',
  ): Promise<void> {
    const communityId = mirror.communityId;
    const refusals: Refusal[] = [];
    const refuse: Refuse = (subject, code, message) =>
      void refusals.push({ stream: 'requests', subject, code, message });
    // Refused for good: a root this mirror may not have read yet is worth another look.
    const refused = new Set(
      (
        await this.prisma.mirrorRefusal.findMany({
          where: {
            mirrorId: mirror.id,
            subject: { in: page.map((r) => `request ${String(r?.id)}`) },
            code: { not: 'PROOF_ROOT_UNKNOWN' },
          },
          select: { subject: true },
        })
      ).map((refusal) => refusal.subject),
    );
    const unrefused = page.filter((record) => !refused.has(`request ${String(record?.id)}`));
    const readable = keepStorable(unrefused, 'request', unstorableRequest, refuse);
    const held = new Map(
      (
        await this.prisma.noteRequest.findMany({ where: { id: { in: readable.map((r) => r.id) } } })
      ).map((request) => [request.id, request]),
    );
    const storable = readable.filter((record) => {
      const existing = held.get(record.id);
      if (existing && !sameRequest(existing, communityId, record)) {
        refuse(
          `request ${record.id}`,
          'REQUEST_CHANGED',
          'the request differs from the one this mirror accepted earlier; a proven request cannot change',
        );
      }
      return !existing;
    });
    const asked = new Set(
      (
        await this.prisma.noteRequest.findMany({
          where: {
            communityId,
            requesterPseudonym: { in: [...new Set(storable.map((r) => r.requesterPseudonym))] },
          },
          select: { requesterPseudonym: true, post: true },
        })
      ).map((request) => `${postOf(request.post)}|${request.requesterPseudonym}`),
    );

    const candidates: Candidate<RequestRecord & { key: PostKey }>[] = [];
    for (const record of storable) {
      const subject = `request ${record.id}`;
      const check = checkRecordedAction(
        record.proof,
        noteRequestAction(communityId, record),
        record.requesterPseudonym,
        context,
      );
      if (!check.ok) {
        refuse(subject, check.code, check.message);
        continue;
      }
      const key = provenPostKey(record.postRef);
      if (!key || !noteShownOnProvenPost(record)) {
        refuse(
          subject,
          'REQUEST_POST_MISMATCH',
          'the request counts for another post than the one its requester proved it for',
        );
        continue;
      }
      const pair = `${postOf(record.post)}|${record.requesterPseudonym}`;
      if (asked.has(pair)) {
        refuse(
          subject,
          'REQUEST_DUPLICATE',
          'a second request for this post by the same pseudonym',
        );
        continue;
      }
      asked.add(pair);
      candidates.push({ record: { ...record, key }, proofs: [{ subject, proof: check.proof }] });
    }

    const invalid = await this.settlement.groth16(verifier, candidates, refuse);
    const stored = candidates
      .filter(({ proofs }) => !invalid.has(proofs[0] as ProofToCheck))
      .map(({ record }) => record);

    const last = page[page.length - 1] as RequestRecord;
    await this.settlement.commit(mirror.id, cursors, refusals, async (tx) => {
      for (const record of stored) {
        const post = await upsertPost(tx, record.key);
        // With its post's count, as the API seals a member's request.
        await insertNoteRequest(tx, { ...record, communityId, postId: post.id });
      }
      // A whole read moves no cursor; the settlement still fences a promotion.
      return read === 'changes' ? { requests: last.cursor } : {};
    });
    if (stored.length > 0)
      outcome.accepted.requests = (outcome.accepted.requests ?? 0) + stored.length;
    outcome.refused += refusals.length;
  }
}

/** The proven part of a request: what can never change once accepted. */
function sameRequest(stored: NoteRequest, communityId: string, record: RequestRecord): boolean {
  return (
    stored.communityId === communityId &&
    stored.requesterPseudonym === record.requesterPseudonym &&
    stored.clientMinute === record.clientMinute &&
    same(stored.postRef, record.postRef) &&
    same(stored.proof, record.proof)
  );
}
