import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

/**
 * Streams a TSV file with a header row, handing `onRow` the wanted columns of each line in a
 * reused array: the file is never held in memory and no object is kept per row. Missing columns
 * read as ''. Fields are cut with indexOf up to the last wanted column only. A path ending in
 * `.gz` is decompressed as it streams.
 */
export async function readTsv(
  path: string,
  wanted: readonly string[],
  onRow: (fields: readonly string[]) => void,
): Promise<void> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let positions: number[] | undefined;
  let lastWanted = 0;
  const fields: string[] = wanted.map(() => '');
  for await (const line of lines) {
    if (positions === undefined) {
      const header = line.split('\t').map((name) => name.trim());
      positions = wanted.map((name) => header.indexOf(name));
      lastWanted = Math.max(...positions);
      continue;
    }
    if (line.length === 0) continue;
    cutFields(line, positions, lastWanted, fields);
    onRow(fields);
  }
}

function cutFields(line: string, positions: number[], last: number, out: string[]): void {
  out.fill('');
  let start = 0;
  for (let column = 0; column <= last; column++) {
    let end = line.indexOf('\t', start);
    if (end < 0) end = line.length;
    for (let w = 0; w < positions.length; w++) {
      if (positions[w] === column) out[w] = line.slice(start, end);
    }
    if (end === line.length) break;
    start = end + 1;
  }
}

/** A ratings path may be one file or a folder of `*.tsv` (or `*.tsv.gz`) files, in name order. */
export function ratingFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.tsv') || name.endsWith('.tsv.gz'))
    .sort()
    .map((name) => join(path, name));
}
