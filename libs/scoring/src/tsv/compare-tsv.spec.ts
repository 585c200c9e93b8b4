import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compareTsvFiles, formatComparison, keysDiffer, TsvReadError } from './compare-tsv';

describe('compareTsvFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bn-compare-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, lines: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('compares shared columns over shared keys, numbers by difference, the rest by agreement', async () => {
    const ours = file('ours.tsv', [
      'noteId\tfinalRatingStatus\tcoreNoteIntercept\tfirstTag',
      '1\tCURRENTLY_RATED_HELPFUL\t0.41\thelpfulClear',
      '2\tNEEDS_MORE_RATINGS\t0.1\t',
      '3\tNEEDS_MORE_RATINGS\t\t',
      '4\tNEEDS_MORE_RATINGS\t0.2\t',
    ]);
    // Columns in another order, one column we do not write, one note we do not have.
    const reference = file('reference.tsv', [
      'coreNoteIntercept\tnoteId\tpflipProba\tfinalRatingStatus',
      '0.39\t1\t0.1\tNEEDS_MORE_RATINGS',
      '0.1\t2\t0.2\tNEEDS_MORE_RATINGS',
      '0.05\t3\t0.3\tNEEDS_MORE_RATINGS',
      '0.2\t4\t0.1\tNEEDS_MORE_RATINGS',
      '0.2\t5\t0.1\tNEEDS_MORE_RATINGS',
    ]);
    const comparison = await compareTsvFiles(ours, reference);
    expect(comparison.rows).toEqual({ both: 4, onlyOurs: 0, onlyReference: 1 });
    expect(comparison.examples.onlyReference).toEqual(['5']);
    expect(keysDiffer(comparison)).toBe(true);
    expect(comparison.onlyOurs).toEqual(['firstTag']);
    expect(comparison.onlyReference).toEqual(['pflipProba']);
    const [status, intercept] = comparison.columns;
    expect(status).toEqual({
      column: 'finalRatingStatus',
      kind: 'categorical',
      compared: 4,
      equal: 3,
      differences: [{ ours: 'CURRENTLY_RATED_HELPFUL', reference: 'NEEDS_MORE_RATINGS', rows: 1 }],
    });
    expect(intercept).toMatchObject({ column: 'coreNoteIntercept', kind: 'numeric', compared: 3 });
    expect(intercept).toMatchObject({ oneSided: 1 });
    expect(intercept?.kind === 'numeric' && intercept.maxAbsDiff).toBeCloseTo(0.02, 10);
    expect(formatComparison(comparison)).toContain('finalRatingStatus: 3 of 4 equal (75.00 %)');
  });

  it('counts and names the keys a file has twice, comparing the first row of each', async () => {
    const ours = file('ours-twice.tsv', [
      'noteId\tfinalRatingStatus',
      '1\tNEEDS_MORE_RATINGS',
      '1\tCURRENTLY_RATED_HELPFUL',
      '2\tNEEDS_MORE_RATINGS',
    ]);
    const reference = file('reference-twice.tsv', [
      'noteId\tfinalRatingStatus',
      '1\tNEEDS_MORE_RATINGS',
      '2\tNEEDS_MORE_RATINGS',
      '2\tNEEDS_MORE_RATINGS',
    ]);
    const comparison = await compareTsvFiles(ours, reference);
    expect(comparison.rows).toEqual({ both: 2, onlyOurs: 0, onlyReference: 0 });
    expect(comparison.duplicates).toEqual({ ours: 1, reference: 1 });
    expect(comparison.examples.duplicated).toEqual(['1', '2']);
    expect(comparison.columns[0]).toMatchObject({ compared: 2, equal: 2 });
    expect(keysDiffer(comparison)).toBe(true);
    expect(formatComparison(comparison)).toContain(
      "noteIds repeated: 1 rows in ours, 1 in the reference (each key's first row compared), e.g. 1, 2",
    );
  });

  it('refuses a file without the key column, or no file at all', async () => {
    const ours = file('keyless.tsv', ['id\tstatus', '1\tA']);
    await expect(compareTsvFiles(ours, ours)).rejects.toThrow(
      new TsvReadError(`${ours} has no noteId column`),
    );
    await expect(compareTsvFiles(join(dir, 'missing.tsv'), ours)).rejects.toThrow(
      /^cannot read .*missing\.tsv: ENOENT/,
    );
  });
});
