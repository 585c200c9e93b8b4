import {
  actionMessage,
  canonicalPostUrl,
  parseProof,
  TREE_DEPTH,
  type Action,
  type ProofJson,
} from '@bridgenotes/protocol';

import type { NoteRecord, RootRecord } from './export-format';

const MINUTE = 60_000;

/** Root intervals by root, to answer "was this root acceptable at that minute?". */
export class RootIndex {
  private readonly spans = new Map<string, { from: number; until: number }[]>();

  constructor(
    roots: Iterable<Pick<RootRecord, 'root' | 'createdAt' | 'supersededAt'>>,
    windowMs: number,
  ) {
    for (const root of roots) {
      const until =
        root.supersededAt === null ? Infinity : Date.parse(root.supersededAt) + windowMs;
      const spans = this.spans.get(root.root) ?? [];
      spans.push({ from: Date.parse(root.createdAt), until });
      this.spans.set(root.root, spans);
    }
  }

  /**
   * The instance accepted the action at some moment T within the clock-skew allowance of its
   * minute, when the root was current or replaced less than the window before T.
   */
  status(root: string, minute: number, skewMinutes: number): 'ok' | 'unknown' | 'expired' {
    const spans = this.spans.get(root);
    if (!spans) return 'unknown';
    const earliest = (minute - skewMinutes) * MINUTE;
    const latest = (minute + skewMinutes + 1) * MINUTE;
    return spans.some((span) => span.from < latest && span.until > earliest) ? 'ok' : 'expired';
  }
}

export interface ActionCheckContext {
  scope: bigint;
  roots: RootIndex;
  clockSkewMinutes: number;
}

/**
 * A redacted note's creation: its payload is gone, so its proof is checked against the message
 * the moderation log's REDACT entry recorded for it (verified by hash, docs/moderation.md).
 */
export interface RedactedAction {
  kind: 'note.create';
  redacted: true;
  clientMinute: number;
  message: bigint;
}

export type ActionCheck =
  | { ok: true; pseudonym: string; message: string; proof: ProofJson }
  | { ok: false; code: string; message: string };

/**
 * The instance's check of a stored action, in its order (docs/protocol.md), except the Groth16
 * equation, which the caller runs in batches on `proof`: form, depth, scope, the message
 * recomputed from the record's fields, the pseudonym the record names, and the root against the
 * root history at the action's minute. The first failure is the one returned.
 */
export function checkRecordedAction(
  proof: unknown,
  action: Action | RedactedAction,
  pseudonym: string,
  context: ActionCheckContext,
): ActionCheck {
  const fail = (code: string, message: string): ActionCheck => ({ ok: false, code, message });
  const parsed = parseProof(proof);
  if (!parsed) return fail('PROOF_MALFORMED', 'the proof is not a canonical Semaphore proof');
  if (parsed.proof.merkleTreeDepth !== TREE_DEPTH)
    return fail('PROOF_DEPTH', `the proof is not at depth ${TREE_DEPTH}`);
  if (parsed.scope !== context.scope)
    return fail('PROOF_SCOPE', "the proof's scope is not this community's");
  if ('redacted' in action) {
    if (parsed.message !== action.message) {
      return fail(
        'PROOF_MESSAGE',
        "the proof's message is not the one the moderation log recorded when the note was redacted",
      );
    }
  } else if (parsed.message !== actionMessage(action)) {
    return fail(
      'PROOF_MESSAGE',
      `the record's fields do not hash to the proof's message: the ${action.kind} payload was changed after it was proven`,
    );
  }
  if (parsed.proof.nullifier !== pseudonym) {
    return fail(
      'PROOF_PSEUDONYM',
      `the record names pseudonym ${pseudonym}, the proof ${parsed.proof.nullifier}`,
    );
  }
  const root = parsed.proof.merkleTreeRoot;
  switch (context.roots.status(root, action.clientMinute, context.clockSkewMinutes)) {
    case 'unknown':
      return fail(
        'PROOF_ROOT_UNKNOWN',
        `the proof's root ${root} is not in the published root history`,
      );
    case 'expired':
      return fail(
        'PROOF_ROOT_EXPIRED',
        `the proof's root was not acceptable at minute ${action.clientMinute} (${new Date(action.clientMinute * MINUTE).toISOString()})`,
      );
    default:
      return {
        ok: true,
        pseudonym: parsed.proof.nullifier,
        message: parsed.message.toString(),
        proof: parsed.proof as unknown as ProofJson,
      };
  }
}

export type PostKey = { canonicalUrl: string } | { platform: string; externalId: string };

/**
 * The post a note's proven payload names, keyed as the instance stores posts: a URL
 * canonicalised, or a platform's own id. Undefined when the reference cannot name a post.
 */
export function provenPostKey(postRef: NoteRecord['postRef']): PostKey | undefined {
  if (postRef === null) return undefined;
  if ('url' in postRef) {
    try {
      return { canonicalUrl: canonicalPostUrl(postRef.url) };
    } catch {
      return undefined;
    }
  }
  return { platform: postRef.platform, externalId: postRef.externalId };
}

/**
 * Whether the note (or note request) is shown on the post its author proved it for: the post
 * the instance canonicalised is the proven reference's.
 */
export function noteShownOnProvenPost(note: Pick<NoteRecord, 'post' | 'postRef'>): boolean {
  const key = provenPostKey(note.postRef);
  if (!key) return false;
  return 'canonicalUrl' in key
    ? note.post.canonicalUrl === key.canonicalUrl
    : note.post.canonicalUrl === null &&
        note.post.platform === key.platform &&
        note.post.externalId === key.externalId;
}
