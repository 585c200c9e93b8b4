// Generates the Prisma client into libs/database/src/generated (never committed).
//
// `prisma generate` needs no schema engine, but the CLI insists on finding one and tries to
// download it when it is missing, which fails offline. Pointing PRISMA_SCHEMA_ENGINE_BINARY at
// any existing file satisfies the check; commands that really need the engine (migrate deploy)
// are not run this way. See docs/architecture.md, "Migrations".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'node_modules', 'prisma', 'build', 'index.js');

if (!existsSync(cli)) {
  console.error('prisma is not installed yet; run npm install first.');
  process.exit(1);
}

const result = spawnSync(process.execPath, [cli, 'generate'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    ...process.env,
  },
});
process.exit(result.status ?? 1);
