import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fakeInstance, type Answer, type ServedRequest } from '../testing/fake-instance';
import { community, note } from '../testing/memory-export';
import { httpSource } from './http-source';
import { ExportReadError } from './origin-read';
import { saveExport } from './save-export';
import { verifyExport } from './verify-export';

const PAGE = 2;

const notes = () =>
  Array.from({ length: 2 * PAGE }, (_, index) => ({ ...note(null), cursor: `n${index}` }));

/**
 * An instance whose notes pages never end: the full page `pageAfter` names for each cursor.
 * Only `REPEATS` times, so that a reader without a guard ends (and fails its spec) instead of
 * reading for ever; a reader with one stops at the first page it already read.
 */
const REPEATS = 20;
function looping(pageAfter: (after: string | null) => { cursor: string }[]) {
  let served = 0;
  return (request: ServedRequest): Answer =>
    request.path === 'notes' && served++ < REPEATS
      ? { kind: 'page', records: pageAfter(request.query.get('after')) }
      : { kind: 'serve' };
}

describe('httpSource: an instance that serves pages it served before', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bn-loop-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  const cases: [string, (after: string | null) => { cursor: string }[]][] = [
    ['the same page whatever the cursor', () => notes().slice(0, PAGE)],
    // Two pages in turn: each cursor moves, but back to one already read.
    [
      'two pages in turn',
      (after) => (after === 'n1' ? notes().slice(PAGE) : notes().slice(0, PAGE)),
    ],
  ];

  it.each(cases)('stops verify and export with a clear error: %s', async (_, pageAfter) => {
    const { manifest, members, roots } = community([1n, 2n, 3n]);
    const state = { manifest, streams: { members, roots, notes: [] } };
    const stopped = /\/notes answers a page it served before, after cursor n\d: read stopped$/;
    for (const read of [
      (url: string) => verifyExport(httpSource(url, manifest.community.slug, { pageSize: PAGE })),
      (url: string) =>
        saveExport(
          httpSource(url, manifest.community.slug, { pageSize: PAGE }),
          join(folder, randomUUID()),
        ),
    ]) {
      const instance = await fakeInstance(state, looping(pageAfter));
      try {
        const result = read(instance.url);
        await expect(result).rejects.toThrow(ExportReadError);
        await expect(result).rejects.toThrow(stopped);
        // Stopped at the first page read again, not at the instance's own end.
        const pages = instance.requests.filter((request) => request.path === 'notes');
        expect(pages.length).toBeLessThanOrEqual(3);
      } finally {
        await instance.close();
      }
    }
    // The export saved nothing.
    expect(await readdir(folder)).toEqual([]);
  });
});
