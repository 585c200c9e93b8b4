// `npm run bench:verify`: how fast an auditor re-verifies proofs, on this machine.
//   Groth16 verifications per second in one thread and spread over worker threads (the way
//   `bridgenotes verify` runs them), and the projected time to verify 1M ratings.
// Options: --proofs 300 --threads <list, default 1..cores>
import { Group } from '@semaphore-protocol/core';
import { createIdentity, nodeArtifacts, proveAction } from '@bridgenotes/client';
import {
  communityScope,
  createProofVerifier,
  releaseCurve,
  type ProofJson,
} from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { proofs: { type: 'string', default: '300' }, threads: { type: 'string' } },
});
const total = Number(values.proofs);
const cores = availableParallelism();
const threadCounts = values.threads
  ? values.threads.split(',').map(Number)
  : Array.from({ length: cores }, (_, index) => index + 1);

async function main(): Promise<void> {
  const community = { id: randomUUID(), scope: '' };
  community.scope = communityScope(community.id).toString();
  const members = [createIdentity(), createIdentity()];
  const group = new Group(members.map((member) => member.commitment));
  const made: ProofJson[] = [];
  for (const [index, member] of members.entries()) {
    made.push(
      (
        await proveAction(
          member,
          group,
          { kind: 'bench.verify', community, payload: { index } },
          nodeArtifacts(),
        )
      ).proof,
    );
  }
  const proofs = Array.from(
    { length: total },
    (_, index) => made[index % made.length] as ProofJson,
  );
  console.log(`${total} verifications of real depth-20 proofs; ${cores} CPU cores available\n`);

  const run = async (label: string, threads: number) => {
    const verifier = createProofVerifier(threads);
    await verifier.verify(proofs.slice(0, Math.max(1, threads) * 2)); // warm up curve and threads
    const started = performance.now();
    const batches: Promise<boolean[]>[] = [];
    for (let start = 0; start < proofs.length; start += 32) {
      batches.push(verifier.verify(proofs.slice(start, start + 32)));
    }
    const valid = (await Promise.all(batches)).flat();
    const seconds = (performance.now() - started) / 1000;
    await verifier.close();
    if (!valid.every(Boolean)) throw new Error('a valid proof failed to verify');
    console.log(
      `${label.padEnd(28)} ${(total / seconds).toFixed(1).padStart(7)} proofs/s   1M ratings in ${formatDuration(1e6 / (total / seconds))}`,
    );
  };
  await run('this thread', 0);
  for (const threads of threadCounts)
    await run(`${threads} worker thread${threads > 1 ? 's' : ''}`, threads);
  await releaseCurve();
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.round((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
