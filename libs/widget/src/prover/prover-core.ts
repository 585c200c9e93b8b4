// What every Bridgenotes prover Web Worker does the same way, the widget's and the browser
// extension's: answering from the identity alone, solving an OPEN join's proof-of-work, proving
// an action, and the message loop. They differ only in where the group and the circuit files
// come from.
import { Group, Identity } from '@semaphore-protocol/core';
import { proveAction, pseudonymOf } from '@bridgenotes/client';
import { type JoinWorkTarget, type JsonValue, solveJoinWork } from '@bridgenotes/protocol';

import { checkedBackup, ProverError, type ProverErrorDetails } from './backup';

export { ProverError } from './backup';

/** The requests a prover answers from the member's identity alone, without a proof. */
export type IdentityRequest =
  | { id: number; type: 'create' }
  | { id: number; type: 'commitment'; backup: string; strict?: boolean }
  | { id: number; type: 'pseudonym'; backup: string; scope: string };

export interface IdentityAnswer {
  id: number;
  ok: true;
  backup?: string;
  commitment?: string;
  pseudonym?: string;
}

/** The answer to an identity request; undefined for any other request. */
export function answerFromIdentity(request: {
  id: number;
  type: string;
}): IdentityAnswer | undefined {
  const { id } = request;
  if (request.type === 'create') {
    const identity = new Identity();
    return { id, ok: true, backup: identity.export(), commitment: identity.commitment.toString() };
  }
  if (request.type === 'commitment') {
    // `strict`: a Restore's check of a pasted backup before keeping it, only an export's exact
    // form. Without it (every join and proof), a backup already kept is used as it is: one an
    // earlier version's lenient import kept still proves.
    const { backup, strict } = request as Extract<IdentityRequest, { type: 'commitment' }>;
    return {
      id,
      ok: true,
      commitment: Identity.import(
        strict === true ? checkedBackup(backup) : backup,
      ).commitment.toString(),
    };
  }
  if (request.type === 'pseudonym') {
    const { backup, scope } = request as Extract<IdentityRequest, { type: 'pseudonym' }>;
    return { id, ok: true, pseudonym: pseudonymOf(Identity.import(backup), scope) };
  }
  return undefined;
}

/** An OPEN join's proof-of-work (libs/protocol `solveJoinWork`): answered as `nonce`. */
export interface JoinWorkRequest {
  id: number;
  type: 'join-work';
  target: JoinWorkTarget;
}

/** The nonce that solves a join-work request; undefined for any other request. */
export function answerJoinWork(request: {
  id: number;
  type: string;
}): { id: number; ok: true; nonce?: string } | undefined {
  if (request.type !== 'join-work') return undefined;
  const { target } = request as JoinWorkRequest;
  // Seconds of hashing at most (the difficulty is the community's), off the page's main thread.
  return { id: request.id, ok: true, nonce: solveJoinWork(target) };
}

/** An action to prove, as the page asked for it. */
export interface ActionToProve {
  community: { id: string; scope: string };
  kind: string;
  target: string;
  payload: { [key: string]: unknown };
  /** When not the current minute: a changed rating's (nextRatingMinute). */
  clientMinute?: number;
}

/** Proves `action` as `identity`, a member of `group`: the answer the page sends to the API. */
export async function proveForApi(
  id: number,
  identity: Identity,
  group: Group,
  action: ActionToProve,
  files: { wasm: Uint8Array; zkey: Uint8Array },
) {
  // snarkjs reads Uint8Arrays as in-memory files; Semaphore's types name only paths.
  const artifacts = files as unknown as { wasm: string; zkey: string };
  const { action: signed, proof } = await proveAction(
    identity,
    group,
    {
      kind: action.kind,
      community: action.community,
      target: action.target,
      payload: action.payload as { [key: string]: JsonValue },
      clientMinute: action.clientMinute,
    },
    artifacts,
  );
  return {
    id,
    ok: true as const,
    proven: { clientMinute: signed.clientMinute, proof: { ...proof } },
  };
}

/** A failed request's answer: the English message, and a ProverError's code to translate. */
export interface ProverFailure {
  id: number;
  ok: false;
  error: string;
  code?: string;
  details?: ProverErrorDetails;
}

/** The answer to a request `handle` failed: with the code when the failure carries one. */
export function failureAnswer(id: number, error: unknown): ProverFailure {
  const message = (error as Error)?.message || String(error);
  return error instanceof ProverError
    ? {
        id,
        ok: false,
        error: message,
        code: error.code,
        ...(error.details ? { details: error.details } : {}),
      }
    : { id, ok: false, error: message };
}

/**
 * Runs this Web Worker: each message answered by `handle`, a failure as `{ ok: false, error }`
 * (and `code`, see failureAnswer) with the request's id, so the page's pending call settles
 * either way.
 */
export function serveRequests<Request extends { id: number }, Response>(
  handle: (request: Request) => Promise<Response>,
): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent<Request>) => void) | null;
    postMessage(message: Response | ProverFailure): void;
  };
  scope.onmessage = (event) => {
    handle(event.data).then(
      (response) => scope.postMessage(response),
      (error: unknown) => scope.postMessage(failureAnswer(event.data.id, error)),
    );
  };
}
