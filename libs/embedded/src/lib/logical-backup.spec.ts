import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { applyMigrations } from '@bridgenotes/database';

import { startServeProcess } from '../testing/serve-process';

const ROOT = join(__dirname, '../../../..');
const MARKER = 'deleted-before-the-backup-7f3a';

async function sql<T extends object>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Every file of a data folder that holds the marker's bytes. */
async function filesHolding(dataDir: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(marker)) found.push(path);
  }
  return found;
}

function runCopy(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/database/copy.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/**
 * `npm run db:copy -- --to-data-dir`: the embedded mode's backup is a logical copy into a new data
 * folder, which holds the live rows and none of the deleted ones a copy of the folder's files keeps.
 */
describe('db:copy --to-data-dir', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'bn-embedded-backup-'));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('copies the live rows into a new embedded database and leaves deleted rows behind', async () => {
    const source = join(workDir, 'data');
    const backup = join(workDir, 'backup');
    const database = await startServeProcess(['--data-dir', source]);
    try {
      await applyMigrations({
        connectionString: database.url,
        migrationsDir: join(ROOT, 'prisma/migrations'),
      });
      await sql(
        database.url,
        `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES
           (gen_random_uuid(), 'kept', 'Kept', '1', now()),
           (gen_random_uuid(), 'gone', '${MARKER}', '2', now());
         DELETE FROM communities WHERE slug = 'gone';`,
      );
    } finally {
      await database.stop();
    }
    // The source's own files still hold the deleted row: what a file copy would carry along.
    expect(await filesHolding(source, MARKER)).not.toEqual([]);

    const copy = await runCopy(['--data-dir', source, '--to-data-dir', backup]);
    expect(copy).toEqual({ code: 0, output: expect.stringContaining(`into ${backup}`) });
    expect(await filesHolding(backup, MARKER)).toEqual([]);

    const restored = await startServeProcess(['--data-dir', backup]);
    try {
      expect(await sql(restored.url, 'SELECT slug, name FROM communities')).toEqual([
        { slug: 'kept', name: 'Kept' },
      ]);
    } finally {
      await restored.stop();
    }

    // The source under another name (a link to it) is refused before anything opens it twice.
    await symlink(source, join(workDir, 'link'));
    const itself = await runCopy(['--data-dir', source, '--to-data-dir', join(workDir, 'link')]);
    expect(itself).toEqual({ code: 1, output: expect.stringContaining('is the source folder') });

    // A folder that already holds the data is refused, not overwritten.
    const again = await runCopy(['--data-dir', source, '--to-data-dir', backup]);
    expect(again.code).toBe(1);
    expect(await filesHolding(backup, MARKER)).toEqual([]);
  });
});
