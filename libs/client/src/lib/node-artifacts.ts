import { dirname, join } from 'node:path';

import { TREE_DEPTH } from '@bridgenotes/protocol';

import type { CircuitArtifacts } from './prove';

/** The circuit files from `@zk-kit/semaphore-artifacts` (4.13.0, pinned) for Node clients. */
export function nodeArtifacts(): CircuitArtifacts {
  const folder = dirname(require.resolve('@zk-kit/semaphore-artifacts/package.json'));
  return {
    wasm: join(folder, `semaphore-${TREE_DEPTH}.wasm`),
    zkey: join(folder, `semaphore-${TREE_DEPTH}.zkey`),
  };
}
