import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Column-by-column comparison of two TSV files with a header row and a key column (`noteId` for
 * `scored_notes.tsv` and `note_status_history.tsv`, `raterParticipantId` for
 * `helpfulness_scores.tsv`): ours and the reference scorer's output on the same data. Every
 * column both files have is compared over the keys both have: a column whose cells all read as
 * numbers (or are empty) by the size of the differences, any other by agreement and a table of
 * (ours, reference) value pairs.
 */
export interface TsvComparison {
  readonly key: string;
  readonly rows: {
    readonly both: number;
    readonly onlyOurs: number;
    readonly onlyReference: number;
  };
  /** Rows whose key an earlier row of the same file had (left out of the comparison). */
  readonly duplicates: { readonly ours: number; readonly reference: number };
  /** A few of the keys only one file has, and of those a file has twice. */
  readonly examples: {
    readonly onlyOurs: readonly string[];
    readonly onlyReference: readonly string[];
    readonly duplicated: readonly string[];
  };
  readonly columns: readonly ColumnComparison[];
  /** Columns only one file has, for the record. */
  readonly onlyOurs: readonly string[];
  readonly onlyReference: readonly string[];
}

export type ColumnComparison = NumericComparison | CategoricalComparison;

export interface NumericComparison {
  readonly column: string;
  readonly kind: 'numeric';
  /** Rows where both have a number. */
  readonly compared: number;
  /** Rows where exactly one side is empty (or not a number). */
  readonly oneSided: number;
  readonly maxAbsDiff: number;
  readonly p99AbsDiff: number;
  readonly meanAbsDiff: number;
}

export interface CategoricalComparison {
  readonly column: string;
  readonly kind: 'categorical';
  readonly compared: number;
  readonly equal: number;
  /** `ours → reference` → rows, for the pairs that differ, most frequent first. */
  readonly differences: readonly { ours: string; reference: string; rows: number }[];
}

/** A file that cannot be compared: missing, unreadable, or without the key column. */
export class TsvReadError extends Error {
  override name = 'TsvReadError';
}

/** Keys named in a comparison's summary, at most. */
const EXAMPLES = 5;

/** A file's lines as cells, the header first; blank lines skipped. */
async function* tsvRows(path: string): AsyncGenerator<string[]> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  await once(input, 'open').catch((error: Error) => {
    throw new TsvReadError(`cannot read ${path}: ${error.message}`);
  });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.length > 0) yield line.split('\t');
  }
}

/** A header's names and where the key is. */
function headerOf(cells: string[] | undefined, path: string, key: string) {
  const header = (cells ?? []).map((name) => name.trim());
  const keyAt = header.indexOf(key);
  if (keyAt < 0) throw new TsvReadError(`${path} has no ${key} column`);
  return { header, keyAt };
}

type Header = ReturnType<typeof headerOf>;

/**
 * The rows of both files by key, fed ours first: only the cells of the columns both have, for
 * the keys both have (and the keys only the reference has, to count them). A key twice in a file
 * is counted and named; its first row is the one compared.
 */
class KeyedRows {
  private readonly shared: string[];
  private readonly pairs = new Map<string, { ours: string[]; reference?: string[] }>();
  private readonly onlyReference = new Set<string>();
  private readonly duplicates = { ours: 0, reference: 0 };
  private readonly duplicated: string[] = [];

  constructor(
    private readonly key: string,
    private readonly ours: Header,
    private readonly reference: Header,
  ) {
    this.shared = ours.header.filter((name) => name !== key && reference.header.includes(name));
  }

  addOurs(cells: string[]): void {
    const id = cells[this.ours.keyAt] ?? '';
    if (this.pairs.has(id)) this.duplicate('ours', id);
    else this.pairs.set(id, { ours: this.cellsOf(cells, this.ours) });
  }

  addReference(cells: string[]): void {
    const id = cells[this.reference.keyAt] ?? '';
    const pair = this.pairs.get(id);
    if (pair?.reference !== undefined || this.onlyReference.has(id)) {
      this.duplicate('reference', id);
    } else if (pair) pair.reference = this.cellsOf(cells, this.reference);
    else this.onlyReference.add(id);
  }

  comparison(): TsvComparison {
    const both = [...this.pairs.values()].filter((pair) => pair.reference !== undefined);
    const onlyOurs = [...this.pairs].filter(([, pair]) => pair.reference === undefined);
    const { header: ours } = this.ours;
    const { header: reference } = this.reference;
    return {
      key: this.key,
      rows: {
        both: both.length,
        onlyOurs: onlyOurs.length,
        onlyReference: this.onlyReference.size,
      },
      duplicates: { ...this.duplicates },
      examples: {
        onlyOurs: onlyOurs.slice(0, EXAMPLES).map(([id]) => id),
        onlyReference: [...this.onlyReference].slice(0, EXAMPLES),
        duplicated: [...this.duplicated],
      },
      columns: this.shared.map((column, at) =>
        compareColumn(
          column,
          both.map((pair) => [pair.ours[at] ?? '', pair.reference?.[at] ?? '']),
        ),
      ),
      onlyOurs: ours.filter((name) => !reference.includes(name)),
      onlyReference: reference.filter((name) => !ours.includes(name)),
    };
  }

  private cellsOf(cells: string[], { header }: Header): string[] {
    return this.shared.map((column) => cells[header.indexOf(column)] ?? '');
  }

  private duplicate(file: 'ours' | 'reference', id: string): void {
    this.duplicates[file] += 1;
    if (this.duplicated.length < EXAMPLES) this.duplicated.push(id);
  }
}

/** Compares two files streamed line by line, holding only what `KeyedRows` keeps. */
export async function compareTsvFiles(
  oursPath: string,
  referencePath: string,
  key = 'noteId',
): Promise<TsvComparison> {
  const oursRows = tsvRows(oursPath);
  const referenceRows = tsvRows(referencePath);
  const rows = new KeyedRows(
    key,
    headerOf((await oursRows.next()).value ?? undefined, oursPath, key),
    headerOf((await referenceRows.next()).value ?? undefined, referencePath, key),
  );
  for await (const cells of oursRows) rows.addOurs(cells);
  for await (const cells of referenceRows) rows.addReference(cells);
  return rows.comparison();
}

/** Whether the files disagree on their keys: some only in one file, or some twice. */
export const keysDiffer = (comparison: TsvComparison): boolean =>
  comparison.rows.onlyOurs + comparison.rows.onlyReference > 0 ||
  comparison.duplicates.ours + comparison.duplicates.reference > 0;

const isNumber = (cell: string): boolean => cell !== '' && Number.isFinite(Number(cell));

/** The reference names rules with their version (`CoreModel (v1.1)`); we compare names only. */
const withoutVersions = (cell: string): string => cell.replace(/ \(v\d+(\.\d+)*\)/g, '');

/** One column over the rows both files have: numbers by their differences, the rest by agreement. */
function compareColumn(column: string, cells: [string, string][]): ColumnComparison {
  const pairs = cells.map(([a, b]) => [withoutVersions(a), withoutVersions(b)] as const);
  const numeric = pairs.every(([a, b]) => (a === '' || isNumber(a)) && (b === '' || isNumber(b)));
  if (numeric && pairs.some(([a, b]) => isNumber(a) || isNumber(b))) {
    const diffs = pairs
      .filter(([a, b]) => isNumber(a) && isNumber(b))
      .map(([a, b]) => Math.abs(Number(a) - Number(b)))
      .sort((x, y) => x - y);
    return {
      column,
      kind: 'numeric',
      compared: diffs.length,
      oneSided: pairs.filter(([a, b]) => isNumber(a) !== isNumber(b)).length,
      maxAbsDiff: diffs.length > 0 ? (diffs[diffs.length - 1] as number) : NaN,
      p99AbsDiff:
        diffs.length > 0
          ? (diffs[Math.min(diffs.length - 1, Math.floor(0.99 * diffs.length))] as number)
          : NaN,
      meanAbsDiff: diffs.length > 0 ? diffs.reduce((sum, d) => sum + d, 0) / diffs.length : NaN,
    };
  }
  const differing = new Map<string, number>();
  let equal = 0;
  for (const [a, b] of pairs) {
    if (a === b) equal++;
    else differing.set(`${a}\t${b}`, (differing.get(`${a}\t${b}`) ?? 0) + 1);
  }
  return {
    column,
    kind: 'categorical',
    compared: pairs.length,
    equal,
    differences: [...differing]
      .map(([pair, rows]) => {
        const [a, b] = pair.split('\t');
        return { ours: a ?? '', reference: b ?? '', rows };
      })
      .sort((x, y) => y.rows - x.rows || (x.ours + x.reference < y.ours + y.reference ? -1 : 1)),
  };
}

/** The comparison as text, one line per column. */
export function formatComparison(comparison: TsvComparison): string {
  const { rows, duplicates, examples, key } = comparison;
  const some = (keys: readonly string[]) => `, e.g. ${keys.join(', ')}`;
  const out = [
    `${rows.both} ${key}s in both files (${rows.onlyOurs} only in ours, ${rows.onlyReference} only in the reference)`,
  ];
  if (rows.onlyOurs > 0)
    out.push(`only in ours: ${rows.onlyOurs} ${key}s${some(examples.onlyOurs)}`);
  if (rows.onlyReference > 0) {
    out.push(`only in the reference: ${rows.onlyReference} ${key}s${some(examples.onlyReference)}`);
  }
  if (duplicates.ours + duplicates.reference > 0) {
    out.push(
      `${key}s repeated: ${duplicates.ours} rows in ours, ${duplicates.reference} in the reference (each key's first row compared)${some(examples.duplicated)}`,
    );
  }
  const number = (value: number): string => (Number.isNaN(value) ? '-' : value.toPrecision(3));
  for (const c of comparison.columns) {
    if (c.kind === 'numeric') {
      out.push(
        `${c.column}: ${c.compared} compared, |diff| max ${number(c.maxAbsDiff)}, p99 ${number(c.p99AbsDiff)}, mean ${number(c.meanAbsDiff)}; ${c.oneSided} empty on one side`,
      );
    } else {
      const share = c.compared > 0 ? ((100 * c.equal) / c.compared).toFixed(2) : '-';
      out.push(`${c.column}: ${c.equal} of ${c.compared} equal (${share} %)`);
      for (const d of c.differences.slice(0, 10)) {
        out.push(
          `    ours ${d.ours || '(empty)'} / reference ${d.reference || '(empty)'}: ${d.rows}`,
        );
      }
    }
  }
  if (comparison.onlyOurs.length > 0) out.push(`only ours: ${comparison.onlyOurs.join(', ')}`);
  if (comparison.onlyReference.length > 0) {
    out.push(`only the reference: ${comparison.onlyReference.join(', ')}`);
  }
  return out.join('\n');
}
