import { generateProof, Group, Identity } from '@semaphore-protocol/core';
import {
  Action,
  actionMessage,
  communityScope,
  minuteOf,
  ProofJson,
  TREE_DEPTH,
} from '@bridgenotes/protocol';

/** Where the circuit files are: local paths in Node, same-origin URLs in a browser. */
export interface CircuitArtifacts {
  wasm: string;
  zkey: string;
}

export interface ProvenAction {
  action: Action;
  proof: ProofJson;
}

export interface ActionRequest {
  kind: string;
  community: { id: string; scope: string };
  target?: string;
  payload: Action['payload'];
  /** The moment the action is made; defaults to now. */
  at?: Date;
  /**
   * The action's minute when it is not `at`'s: a changed rating takes the minute after the one
   * it replaces (`nextRatingMinute`).
   */
  clientMinute?: number;
}

/** A post as the API takes it: a URL (the server canonicalises it) or a platform's own id. */
export type PostRef = { url: string } | { platform: string; externalId: string };

/** What to prove to request a note on a post (`POST /communities/{slug}/note-requests`). */
export function noteRequestAction(
  community: ActionRequest['community'],
  post: PostRef,
  at?: Date,
): ActionRequest {
  return { kind: 'note.request', community, target: '', payload: { post }, at };
}

/**
 * Proves "a member of this community, with my pseudonym, does exactly this": the message is the
 * hash of the action, the scope the community's, the depth the fixed one.
 */
export async function proveAction(
  identity: Identity,
  group: Group,
  request: ActionRequest,
  artifacts: CircuitArtifacts,
): Promise<ProvenAction> {
  // A server handing this client a scope of its own could recognise its proofs: derive it.
  if (communityScope(request.community.id).toString() !== request.community.scope) {
    throw new Error(
      `The scope published for community ${request.community.id} is not the one derived from its id`,
    );
  }
  const action: Action = {
    kind: request.kind,
    community: request.community.id,
    target: request.target ?? '',
    payload: request.payload,
    clientMinute: request.clientMinute ?? minuteOf(request.at ?? new Date()),
  };
  const proof = await generateProof(
    identity,
    group,
    actionMessage(action),
    BigInt(request.community.scope),
    TREE_DEPTH,
    artifacts,
  );
  return {
    action,
    proof: {
      merkleTreeDepth: proof.merkleTreeDepth,
      merkleTreeRoot: String(proof.merkleTreeRoot),
      nullifier: String(proof.nullifier),
      message: String(proof.message),
      scope: String(proof.scope),
      points: proof.points.map(String),
    },
  };
}
