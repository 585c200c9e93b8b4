import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Records the stream files of a saved export folder, edited by a test, in its manifest (each
 * file's record count and SHA-256, as `saveExport` does): the folder then reads as an export an
 * instance served this way, as a dishonest one would, and the verifier's checks are the ones
 * that find the edit.
 */
export async function resealExport(folder: string): Promise<void> {
  const path = join(folder, 'manifest.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as {
    files?: Record<string, { records: number; sha256: string }>;
  };
  for (const stream of Object.keys(manifest.files ?? {})) {
    const bytes = await readFile(join(folder, `${stream}.ndjson`));
    const records = bytes
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0).length;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    (manifest.files as Record<string, unknown>)[stream] = { records, sha256 };
  }
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
