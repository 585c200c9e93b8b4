// The extension's prover, a Web Worker of the extension's own: it holds the identity only while
// it works, rebuilds the group from the published leaves (checking the root, never asking the
// instance for a Merkle proof) and proves the action with libs/client, as the widget's does.
import { Identity } from '@semaphore-protocol/core';
import { groupFromLeaves, proveAction, pseudonymOf } from '@bridgenotes/client';
import { type JsonValue, useSingleThreadedCurve } from '@bridgenotes/protocol';

import type { ProverRequest, ProverResponse } from '../shared/messages';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ProverRequest>) => void) | null;
  postMessage(message: ProverResponse): void;
}
const scope = self as unknown as WorkerScope;

async function handle(request: ProverRequest): Promise<ProverResponse> {
  if (request.type === 'create') {
    const identity = new Identity();
    return {
      id: request.id,
      ok: true,
      backup: identity.export(),
      commitment: identity.commitment.toString(),
    };
  }
  const identity = Identity.import(request.backup);
  if (request.type === 'commitment') {
    return { id: request.id, ok: true, commitment: identity.commitment.toString() };
  }
  if (request.type === 'pseudonym') {
    return { id: request.id, ok: true, pseudonym: pseudonymOf(identity, request.scope) };
  }
  // snarkjs' default curve runs threads from blob: URLs, which an extension's policy forbids.
  await useSingleThreadedCurve();
  // snarkjs reads Uint8Arrays as in-memory files; Semaphore's types name only paths.
  const artifacts = {
    wasm: new Uint8Array(request.wasm),
    zkey: new Uint8Array(request.zkey),
  } as unknown as { wasm: string; zkey: string };
  const { action, proof } = await proveAction(
    identity,
    groupFromLeaves(request.group),
    {
      kind: request.kind,
      community: request.community,
      target: request.target,
      payload: request.payload as { [key: string]: JsonValue },
    },
    artifacts,
  );
  return {
    id: request.id,
    ok: true,
    proven: { clientMinute: action.clientMinute, proof: { ...proof } },
  };
}

scope.onmessage = (event) => {
  handle(event.data).then(
    (response) => scope.postMessage(response),
    (error: Error) =>
      scope.postMessage({ id: event.data.id, ok: false, error: error.message || String(error) }),
  );
};
