// The frame's prover, a Web Worker on the service's origin: it holds the identity only while it
// works, rebuilds the group from the published leaves (checking the root, never asking the
// server for a Merkle proof), checks the circuit files' hashes and proves the action.
import { Identity } from '@semaphore-protocol/core';
import { groupFromLeaves, proveAction, pseudonymOf, PublishedGroup } from '@bridgenotes/client';
import { solveJoinWork, type JsonValue } from '@bridgenotes/protocol';

import type { ProverRequest, ProverResponse } from '../shared/messages';

/** `@zk-kit/semaphore-artifacts` 4.13.0, depth 20: the API serves them, this checks them. */
const ARTIFACTS = {
  wasm: {
    url: '/widget/artifacts/4.13.0/semaphore-20.wasm',
    sha256: '6f71e55586929e520e76027ebe067daac8b41e2f4b8057313a5fd0304e1e44ee',
  },
  zkey: {
    url: '/widget/artifacts/4.13.0/semaphore-20.zkey',
    sha256: '33f9a067a80c7daf90e085449073613a9559a1904dd40aeb6d603afb7988c2cc',
  },
};

interface WorkerScope {
  onmessage: ((event: MessageEvent<ProverRequest>) => void) | null;
  postMessage(message: ProverResponse): void;
}
const scope = self as unknown as WorkerScope;

let circuit: Promise<{ wasm: Uint8Array; zkey: Uint8Array }> | undefined;

async function checkedFile(file: { url: string; sha256: string }): Promise<Uint8Array> {
  const response = await fetch(file.url);
  if (!response.ok) throw new Error(`circuit file ${file.url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  if (hex !== file.sha256) throw new Error(`circuit file ${file.url} is not the pinned one`);
  return bytes;
}

function circuitFiles(): Promise<{ wasm: Uint8Array; zkey: Uint8Array }> {
  circuit ??= Promise.all([checkedFile(ARTIFACTS.wasm), checkedFile(ARTIFACTS.zkey)]).then(
    ([wasm, zkey]) => ({ wasm, zkey }),
    (error) => {
      circuit = undefined;
      throw error;
    },
  );
  return circuit;
}

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
  if (request.type === 'join-work') {
    // Seconds of hashing at most (the difficulty is the community's): the frame stays responsive.
    return { id: request.id, ok: true, nonce: solveJoinWork(request.target) };
  }
  const identity = Identity.import(request.backup);
  if (request.type === 'commitment') {
    return { id: request.id, ok: true, commitment: identity.commitment.toString() };
  }
  if (request.type === 'pseudonym') {
    return { id: request.id, ok: true, pseudonym: pseudonymOf(identity, request.scope) };
  }
  const [leaves, files] = await Promise.all([
    fetch(`/communities/${encodeURIComponent(request.community.slug)}/group/leaves`).then(
      (response) => {
        if (!response.ok) throw new Error(`group: HTTP ${response.status}`);
        return response.json() as Promise<PublishedGroup>;
      },
    ),
    circuitFiles(),
  ]);
  const group = groupFromLeaves(leaves);
  if (group.indexOf(identity.commitment) === -1) {
    // A join is answered before its batch is sealed (docs/threat-model.md): not in the leaves yet.
    throw new Error(
      'Your membership is still being sealed with other joins: try again in a few minutes.',
    );
  }
  // snarkjs reads Uint8Arrays as in-memory files; Semaphore's types name only paths.
  const artifacts = files as unknown as { wasm: string; zkey: string };
  const { action, proof } = await proveAction(
    identity,
    group,
    {
      kind: request.kind,
      community: request.community,
      target: request.target,
      payload: request.payload as { [key: string]: JsonValue },
      clientMinute: request.clientMinute,
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
