// The extension's prover, a Web Worker of the extension's own: it holds the identity only while
// it works, rebuilds the group from the published leaves (checking the root, never asking the
// instance for a Merkle proof) and proves the action, or solves a join's proof-of-work, with the
// widget's prover core.
import { Identity } from '@semaphore-protocol/core';
import { groupFromLeaves } from '@bridgenotes/client';
import { useSingleThreadedCurve } from '@bridgenotes/protocol';
import {
  answerFromIdentity,
  answerJoinWork,
  proveForApi,
  serveRequests,
} from '@bridgenotes/widget/prover';

import type { ProverRequest, ProverResponse } from '../shared/messages';

async function handle(request: ProverRequest): Promise<ProverResponse> {
  const answer = answerFromIdentity(request) ?? answerJoinWork(request);
  if (answer) return answer;
  if (request.type !== 'prove') throw new Error(`unknown request ${request.type}`);
  // snarkjs' default curve runs threads from blob: URLs, which an extension's policy forbids.
  await useSingleThreadedCurve();
  return proveForApi(
    request.id,
    Identity.import(request.backup),
    groupFromLeaves(request.group),
    request,
    { wasm: new Uint8Array(request.wasm), zkey: new Uint8Array(request.zkey) },
  );
}

serveRequests(handle);
