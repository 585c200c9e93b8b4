import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { copyOutRows, parseCopyLine, sqlLiteral } from './copy-out';

// Runs on the server and, in the embedded pass, through PGlite's wire server.
describe('copyOutRows', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: currentTestRun().databaseUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  async function rows(query: string): Promise<(string | null)[][]> {
    const all: (string | null)[][] = [];
    for await (const row of copyOutRows(client, query)) all.push(row);
    return all;
  }

  it('gives back every field as the database holds it: escapes, NULL, multi-byte text', async () => {
    const awkward = ['tab\there', 'line\nbreak\r', 'back\\slash \\N', 'é€😀', '', "it's"];
    const got = await rows(
      `SELECT v, NULL::text, length(v) FROM unnest(ARRAY[${awkward.map(sqlLiteral).join(',')}]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
    );
    expect(got).toEqual(awkward.map((text) => [text, null, String([...text].length)]));
  });

  it('streams many rows across chunks, whole and in order, and the connection stays usable', async () => {
    // Long multi-byte fields make chunk boundaries fall inside rows and inside characters.
    const got = await rows(`SELECT g, repeat('é😀', g % 50) FROM generate_series(1, 30000) g`);
    expect(got).toHaveLength(30_000);
    got.forEach(([n, text], index) => {
      expect(n).toBe(String(index + 1));
      expect(text).toBe('é😀'.repeat((index + 1) % 50));
    });
    const { rows: after } = await client.query<{ one: number }>('SELECT 1 AS one');
    expect(after).toEqual([{ one: 1 }]);
  });

  it('surfaces an error of the query', async () => {
    await expect(rows('SELECT 1/0')).rejects.toThrow(/division by zero/);
    await expect(client.query('SELECT 1')).resolves.toBeDefined();
  });
});

describe('parseCopyLine', () => {
  it('unescapes what COPY writes, and the escapes it may read', () => {
    expect(parseCopyLine('a\\tb\t\\N\t\\\\N\t\\x41\\101\\q')).toEqual(['a\tb', null, '\\N', 'AAq']);
  });

  it('refuses a literal PostgreSQL cannot hold', () => {
    expect(() => sqlLiteral('a\0b')).toThrow();
    expect(sqlLiteral("o'clock")).toBe("'o''clock'");
  });
});
