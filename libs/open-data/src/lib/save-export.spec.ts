import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fakeInstance, type Answer, type ServedRequest } from '../testing/fake-instance';
import { community, note, type Streams } from '../testing/memory-export';
import type { ExportManifest, ExportStream } from './export-format';
import { directorySource, type ExportSource } from './export-source';
import { httpSource } from './http-source';
import { ExportFolderError, saveExport } from './save-export';

const notes = (count: number) =>
  Array.from({ length: count }, () => {
    const id = randomUUID();
    return { ...note(null), id, cursor: id, changedBatch: '10' };
  });

/** A community of three with `count` notes, listing only the streams it serves. */
function withNotes(count: number, streams: Partial<Streams> = {}) {
  const { manifest, members, roots } = community([1n, 2n, 3n]);
  const served = { members, roots, notes: notes(count), ...streams };
  return {
    manifest: { ...manifest, streams: Object.keys(served) as ExportStream[] },
    streams: served as Partial<Streams>,
  };
}

async function all(source: ExportSource, stream: ExportStream) {
  const records: unknown[] = [];
  for await (const record of source.records(stream)) records.push(record);
  return records;
}

/** Exports `state` served as `answer` says into `folder`. */
async function exportTo(
  state: { manifest: ExportManifest; streams: Partial<Streams> },
  folder: string,
  answer?: (request: ServedRequest) => Answer,
) {
  const instance = await fakeInstance(state, answer);
  try {
    return await saveExport(httpSource(instance.url, instance.slug, { retries: 0 }), folder);
  } finally {
    await instance.close();
  }
}

describe('saveExport into a folder', () => {
  let parent: string;
  let folder: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'bn-save-'));
    folder = join(parent, 'export');
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  it('replaces an earlier export whole, or leaves it as it was when the new read fails', async () => {
    const first = withNotes(2, { requests: [] });
    await exportTo(first, folder);

    const failing = withNotes(3);
    await expect(
      exportTo(failing, folder, (request) =>
        request.path === 'notes' ? { kind: 'status', status: 404 } : { kind: 'serve' },
      ),
    ).rejects.toThrow(/notes\?limit=5000: answered 404/);
    const kept = directorySource(folder);
    expect(await all(kept, 'notes')).toEqual(first.streams.notes);
    expect(await all(kept, 'members')).toEqual(first.streams.members);
    expect(await readdir(parent)).toEqual(['export']);

    const second = withNotes(3);
    const manifest = await exportTo(second, folder);
    expect(await all(directorySource(folder), 'notes')).toEqual(second.streams.notes);
    // The earlier export's requests are gone with it: the new one has none.
    expect((await readdir(folder)).sort()).toEqual([
      'manifest.json',
      'members.ndjson',
      'notes.ndjson',
      'roots.ndjson',
    ]);
    expect(manifest.files?.notes).toEqual({
      records: 3,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('records each file, so one cut short or edited does not read as part of the export', async () => {
    await exportTo(withNotes(2), folder);
    const path = join(folder, 'notes.ndjson');
    const text = await readFile(path, 'utf8');
    await truncate(path, text.indexOf('\n') + 1);
    await expect(all(directorySource(folder), 'notes')).rejects.toThrow(
      `${path} is not the file this export saved (1 records, SHA-256 `,
    );
    await writeFile(path, text.replace('the post is accurate', 'the post is wrong'));
    await expect(all(directorySource(folder), 'notes')).rejects.toThrow(/not the file/);
    expect(await all(directorySource(folder), 'members')).toHaveLength(3);
  });

  it('saves every stream the manifest lists, one this version does not know as it is', async () => {
    const future = [{ cursor: 'f1', anything: [1, 2] }];
    const state = withNotes(1, { ['future-things' as ExportStream]: future } as Partial<Streams>);
    const manifest = await exportTo(state, folder);
    expect(manifest.streams).toContain('future-things');
    expect(await all(directorySource(folder), 'future-things' as ExportStream)).toEqual(future);

    const escaping = withNotes(1, { ['../outside' as ExportStream]: future } as Partial<Streams>);
    await expect(exportTo(escaping, join(parent, 'other'))).rejects.toThrow(
      /lists a stream named "..\/outside"/,
    );
    expect(await readdir(parent)).toEqual(['export']);
  });

  it('does not replace a folder that is not an export', async () => {
    await mkdir(folder);
    await writeFile(join(folder, 'thesis.tex'), 'years of work');
    await expect(exportTo(withNotes(1), folder)).rejects.toThrow(ExportFolderError);
    expect(await readFile(join(folder, 'thesis.tex'), 'utf8')).toBe('years of work');

    // A manifest.json is no sign of an export: a browser extension's folder has one.
    const extension = join(parent, 'extension');
    await mkdir(extension);
    await writeFile(join(extension, 'manifest.json'), '{"manifest_version":3}');
    await writeFile(join(extension, 'background.js'), 'work');
    await expect(exportTo(withNotes(1), extension)).rejects.toThrow(
      /is not an export folder \(no manifest\.json of bridgenotes-export\/1/,
    );
    expect(await readFile(join(extension, 'background.js'), 'utf8')).toBe('work');

    // An export with a file of the user's own beside it (a verification report).
    const saved = join(parent, 'saved');
    await exportTo(withNotes(1), saved);
    await writeFile(join(saved, 'report.json'), '{"verdict":"VERIFIED"}');
    await expect(exportTo(withNotes(2), saved)).rejects.toThrow(
      `${saved} holds "report.json", which is not part of its export`,
    );
    expect(await readFile(join(saved, 'report.json'), 'utf8')).toBe('{"verdict":"VERIFIED"}');
    expect(await all(directorySource(saved), 'notes')).toHaveLength(1);
  });

  it('deletes a left-over .partial or .replaced folder only when it holds nothing but export files', async () => {
    for (const suffix of ['.partial', '.replaced']) {
      const leftOver = `${folder}${suffix}`;
      await mkdir(leftOver);
      await writeFile(join(leftOver, 'notes.ndjson'), '');
      await writeFile(join(leftOver, 'draft.md'), 'mine');
      await expect(exportTo(withNotes(1), folder)).rejects.toThrow(
        `${leftOver} exists and holds more than an export's files ("draft.md")`,
      );
      expect(await readFile(join(leftOver, 'draft.md'), 'utf8')).toBe('mine');
      await rm(join(leftOver, 'draft.md'));
    }
    // An earlier save's own leftovers go, and the export is saved.
    await exportTo(withNotes(1), folder);
    expect((await readdir(parent)).sort()).toEqual(['export']);
  });
});
