import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fakeInstance } from '../../testing/fake-instance';
import { community, note } from '../../testing/memory-export';
import type { ExportStream, NoteRecord } from '../export-format';
import { httpSource } from '../http-source';
import { saveExport } from '../save-export';
import { changeCursor } from './change-index';
import { SavedExport, type SavedPageRequest } from './saved-export';

/** Notes in id order (as saved), their change batches out of that order. */
function notes(batches: number[]): NoteRecord[] {
  return batches
    .map((batch) => ({ ...note(null), id: randomUUID(), changedBatch: String(batch) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((record) => ({ ...record, cursor: record.id }));
}

async function read(saved: SavedExport, stream: string, request: SavedPageRequest) {
  const lines = await saved.page(stream, request);
  const records: NoteRecord[] = [];
  for await (const line of lines ?? []) records.push(JSON.parse(line));
  return records;
}

describe('a saved export served as its instance served it', () => {
  let parent: string;
  let folder: string;
  const saved = notes([30, 10, 20, 10, 40, 20, 10]);

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'bn-serve-'));
    folder = join(parent, 'export');
    const { manifest, members, roots } = community([1n, 2n, 3n]);
    const streams = { members, roots, notes: saved };
    const instance = await fakeInstance({
      manifest: { ...manifest, streams: Object.keys(streams) as ExportStream[] },
      streams,
    });
    try {
      await saveExport(httpSource(instance.url, instance.slug), folder);
    } finally {
      await instance.close();
    }
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('pages each stream by cursor, and notes in change order up to a horizon', async () => {
    const served = await SavedExport.open(folder);
    expect(served.manifest).not.toHaveProperty('files');
    const byId: NoteRecord[] = [];
    for (let after: string | undefined; ;) {
      const page = await read(served, 'notes', { after, limit: 3, order: 'id' });
      byId.push(...page);
      if (page.length < 3) break;
      after = page[page.length - 1]?.cursor;
    }
    expect(byId).toEqual(saved);

    const changeOrder = [...saved].sort(
      (a, b) => Number(a.changedBatch) - Number(b.changedBatch) || (a.id < b.id ? -1 : 1),
    );
    const byChange: NoteRecord[] = [];
    for (let after: string | undefined; ;) {
      const page = await read(served, 'notes', { after, limit: 2, order: 'changes', before: '40' });
      byChange.push(...page);
      if (page.length < 2) break;
      after = page[page.length - 1]?.cursor;
    }
    // Batch 40 is not below the horizon asked for.
    expect(byChange).toEqual(
      changeOrder
        .filter((record) => record.changedBatch !== '40')
        .map((record) => ({
          ...record,
          cursor: changeCursor(BigInt(record.changedBatch as string), record.id),
        })),
    );
    // Any cursor, not only the last one served: after the second record of batch 10.
    const second = byChange[1] as NoteRecord;
    const rest = await read(served, 'notes', { after: second.cursor, limit: 10, order: 'changes' });
    expect(rest.map((record) => record.id)).toEqual(
      changeOrder.slice(2).map((record) => record.id),
    );
  });

  it('refuses cursors and orders it cannot serve', async () => {
    const served = await SavedExport.open(folder);
    await expect(
      read(served, 'notes', { after: 'nope', limit: 1, order: 'id' }),
    ).rejects.toMatchObject({
      code: 'CURSOR_INVALID',
    });
    await expect(read(served, 'members', { limit: 1, order: 'changes' })).rejects.toMatchObject({
      code: 'ORDER_INVALID',
    });
    expect(await served.page('ratings', { limit: 1, order: 'id' })).toBeUndefined();
  });

  it('refuses a folder that fails its own checks', async () => {
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    await writeFile(
      join(folder, 'manifest.json'),
      JSON.stringify({ ...manifest, files: undefined }),
    );
    await expect(SavedExport.open(folder)).rejects.toThrow('records no file counts and SHA-256s');
    await writeFile(join(folder, 'manifest.json'), JSON.stringify(manifest));
    await appendFile(join(folder, 'notes.ndjson'), '\n{"id":"x"}\n');
    await expect(SavedExport.open(folder)).rejects.toThrow('is not the file this export saved');
  });
});
