import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { TREE_DEPTH } from '@bridgenotes/protocol';

/** The circuit version every proof must be made with (docs/protocol.md). */
export const ARTIFACTS_VERSION = '4.13.0';

/**
 * SHA-256 of `@zk-kit/semaphore-artifacts` 4.13.0's depth-20 files. The prover worker checks the
 * same hashes before it proves: a swapped circuit would make unverifiable (or forgeable) proofs.
 */
export const ARTIFACT_HASHES: Record<'wasm' | 'zkey', string> = {
  wasm: '6f71e55586929e520e76027ebe067daac8b41e2f4b8057313a5fd0304e1e44ee',
  zkey: '33f9a067a80c7daf90e085449073613a9559a1904dd40aeb6d603afb7988c2cc',
};

export class ArtifactMismatchError extends Error {
  override name = 'ArtifactMismatchError';
}

/** The circuit files on disk, after checking they are exactly the pinned ones. */
export function checkedArtifacts(): Record<'wasm' | 'zkey', string> {
  // Resolved at run time from node_modules (the bundler would inline a plain require.resolve).
  const folder = dirname(
    createRequire(__filename).resolve('@zk-kit/semaphore-artifacts/package.json'),
  );
  const version = (
    JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  if (version !== ARTIFACTS_VERSION) {
    throw new ArtifactMismatchError(
      `@zk-kit/semaphore-artifacts is ${version}; the widget needs ${ARTIFACTS_VERSION}`,
    );
  }
  const files = {
    wasm: join(folder, `semaphore-${TREE_DEPTH}.wasm`),
    zkey: join(folder, `semaphore-${TREE_DEPTH}.zkey`),
  };
  for (const kind of ['wasm', 'zkey'] as const) {
    const hash = createHash('sha256').update(readFileSync(files[kind])).digest('hex');
    if (hash !== ARTIFACT_HASHES[kind]) {
      throw new ArtifactMismatchError(`${files[kind]} has SHA-256 ${hash}, not the pinned one`);
    }
  }
  return files;
}

/**
 * Where the widget's browser bundles are: the API's build writes them to `widget/` beside its
 * own bundle. Running from source (the API's Jest tests), there are none, and the routes that
 * serve them answer 404.
 */
export function widgetBundleFolder(): string | null {
  const folder = join(__dirname, 'widget');
  return existsSync(join(folder, 'embed.js')) ? folder : null;
}
