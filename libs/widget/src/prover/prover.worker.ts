// The frame's prover, a Web Worker on the service's origin: it holds the identity only while it
// works, rebuilds the group from the published leaves (checking the root, never asking the
// server for a Merkle proof), checks the circuit files' hashes and proves the action. What fails
// on the way is said with a code the page translates (frame/failure.ts), not as a bare error.
import { Identity } from '@semaphore-protocol/core';
import { groupFromLeaves, PublishedGroup } from '@bridgenotes/client';

import type { ProverRequest, ProverResponse } from '../shared/messages';
import { ProverError } from './backup';
import { proverFetch, readBody } from './prover-fetch';
import { notSealed } from './not-sealed';
import { answerFromIdentity, answerJoinWork, proveForApi, serveRequests } from './prover-core';

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

let circuit: Promise<{ wasm: Uint8Array; zkey: Uint8Array }> | undefined;

async function checkedFile(file: { url: string; sha256: string }): Promise<Uint8Array> {
  const response = await proverFetch(file.url);
  if (!response.ok) {
    throw new ProverError(
      'CIRCUIT_UNAVAILABLE',
      `circuit file ${file.url}: HTTP ${response.status}`,
    );
  }
  const bytes = new Uint8Array(await readBody(file.url, response.arrayBuffer()));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  if (hex !== file.sha256) {
    throw new ProverError('CIRCUIT_MISMATCH', `circuit file ${file.url} is not the pinned one`);
  }
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
  const answer = answerFromIdentity(request) ?? answerJoinWork(request);
  if (answer) return answer;
  if (request.type !== 'prove') throw new Error(`unknown request ${request.type}`);
  const identity = Identity.import(request.backup);
  // The group first: a member whose join is not sealed yet is told before the circuit downloads.
  const leavesUrl = `/communities/${encodeURIComponent(request.community.slug)}/group/leaves`;
  const leaves = await proverFetch(leavesUrl).then((response) => {
    if (!response.ok) throw new ProverError('GROUP_UNAVAILABLE', `group: HTTP ${response.status}`);
    return readBody(leavesUrl, response.json() as Promise<PublishedGroup>);
  });
  const group = groupFromLeaves(leaves);
  if (group.indexOf(identity.commitment) === -1) {
    // A join is answered before its batch is sealed (docs/threat-model.md): not in the leaves yet.
    throw notSealed(request.sealHours);
  }
  const files = await circuitFiles();
  return proveForApi(request.id, identity, group, request, files);
}

serveRequests(handle);
