import { once } from 'node:events';
import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * Streams the rows of `COPY (query) TO STDOUT` (PostgreSQL's text format), each as its fields:
 * strings, or null for SQL NULL. COPY sends rows back to back with no per-row protocol message
 * and no per-row parsing in the driver: at 1M ratings it loads several times faster than pages of
 * `SELECT` (`npm run bench:scoring-run`). It works on a server and on the embedded database,
 * whose wire server passes COPY's messages through like any other.
 *
 * COPY takes no parameters: the caller inlines values with `sqlLiteral`.
 */
export async function* copyOutRows(
  client: ClientBase,
  query: string,
): AsyncGenerator<(string | null)[], void, undefined> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  // Bytes after the last whole line: a chunk may end inside a row, even inside a UTF-8 sequence,
  // so only whole lines are decoded (the text format escapes every newline inside a field).
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) {
      rest = Buffer.concat([rest, chunk]);
      continue;
    }
    const text = Buffer.concat([rest, chunk.subarray(0, end)]).toString('utf8');
    rest = Buffer.from(chunk.subarray(end + 1));
    for (const line of text.split('\n')) yield parseCopyLine(line);
  }
  if (rest.length > 0) yield parseCopyLine(rest.toString('utf8'));
  // The stream ends at COPY's last row, before the server says it is ready again; a statement
  // sent meanwhile would be queued, which node-postgres deprecates.
  if (!(client as ClientBase & { readyForQuery: boolean }).readyForQuery)
    await once(client, 'drain');
}

/** One line of COPY's text format: tab-separated fields, `\N` for NULL, backslash escapes. */
export function parseCopyLine(line: string): (string | null)[] {
  return line.split('\t').map((field) => {
    if (field === '\\N') return null;
    return field.includes('\\') ? unescapeCopyField(field) : field;
  });
}

const ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function unescapeCopyField(field: string): string {
  return field.replace(
    /\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g,
    (_, code: string) =>
      ESCAPES[code] ??
      (code[0] === 'x'
        ? String.fromCharCode(parseInt(code.slice(1), 16))
        : /^[0-7]/.test(code)
          ? String.fromCharCode(parseInt(code, 8))
          : code),
  );
}

/** A value as an SQL string literal, for statements that take no parameters (COPY). */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('An SQL literal cannot hold U+0000');
  return `'${value.replace(/'/g, "''")}'`;
}
