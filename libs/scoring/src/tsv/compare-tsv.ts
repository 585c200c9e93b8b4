import { readFileSync } from 'node:fs';

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

interface Table {
  header: string[];
  rows: Map<string, string[]>;
}

function readTable(path: string, key: string): Table {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((name) => name.trim());
  const keyAt = header.indexOf(key);
  if (keyAt < 0) throw new Error(`${path} has no ${key} column`);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    if (line.length === 0) continue;
    const cells = line.split('\t');
    rows.set(cells[keyAt] ?? '', cells);
  }
  return { header, rows };
}

const isNumber = (cell: string): boolean => cell !== '' && Number.isFinite(Number(cell));

/** The reference names rules with their version (`CoreModel (v1.1)`); we compare names only. */
const withoutVersions = (cell: string): string => cell.replace(/ \(v\d+(\.\d+)*\)/g, '');

export function compareTsv(oursPath: string, referencePath: string, key = 'noteId'): TsvComparison {
  const ours = readTable(oursPath, key);
  const reference = readTable(referencePath, key);
  const keys = [...ours.rows.keys()].filter((k) => reference.rows.has(k)).sort();
  const shared = ours.header.filter((name) => name !== key && reference.header.includes(name));
  const columns = shared.map((column): ColumnComparison => {
    const at = ours.header.indexOf(column);
    const referenceAt = reference.header.indexOf(column);
    const pairs = keys.map((k) => [
      withoutVersions(ours.rows.get(k)?.[at] ?? ''),
      withoutVersions(reference.rows.get(k)?.[referenceAt] ?? ''),
    ]);
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
  });
  return {
    key,
    rows: {
      both: keys.length,
      onlyOurs: ours.rows.size - keys.length,
      onlyReference: reference.rows.size - keys.length,
    },
    columns,
    onlyOurs: ours.header.filter((name) => !reference.header.includes(name)),
    onlyReference: reference.header.filter((name) => !ours.header.includes(name)),
  };
}

/** The comparison as text, one line per column. */
export function formatComparison(comparison: TsvComparison): string {
  const { rows } = comparison;
  const out = [
    `${rows.both} ${comparison.key}s in both files (${rows.onlyOurs} only in ours, ${rows.onlyReference} only in the reference)`,
  ];
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
