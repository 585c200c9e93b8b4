import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { CopyRefusedError, copyDatabase } from './copy-database';
import { dropDatabase, ensureDatabase } from './database-admin';
import { applyMigrations } from './migrations';

const MIGRATIONS = join(__dirname, '../../../../prisma/migrations');

// Two databases are needed; the embedded database (PGlite) is one, so this runs on servers only.
// The embedded side of a copy is PostgreSQL all the same (see docs/architecture.md).
const onServers = currentTestRun().embedded ? describe.skip : describe;

onServers('copyDatabase', () => {
  let from: string;
  let to: string;

  const databaseNamed = (suffix: string) => {
    const url = new URL(currentTestRun().databaseUrl);
    url.pathname = `${url.pathname}_${suffix}${Math.random().toString(36).slice(2, 8)}`;
    return url.toString();
  };

  async function query<T extends object>(url: string, sql: string, params: unknown[] = []) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** A community with a post, a note, two ratings, three outbox events and a run. */
  async function plant(url: string): Promise<{ communityId: string; noteId: string }> {
    const communityId = randomUUID();
    const noteId = randomUUID();
    await query(
      url,
      `WITH c AS (
         INSERT INTO communities (id, slug, name, scope, updated_at, scoring_lease_owner, scoring_lease_until)
         VALUES ($1, 'copied', 'Copied', '123', now(), $1, now() + interval '1 minute') RETURNING id),
       p AS (INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), 'https://example.com/a') RETURNING id),
       n AS (
         INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
         SELECT $2, c.id, p.id, '7', 'NOT_MISLEADING', '{FACTUALLY_CORRECT}', 'It''s "quoted" \\ text', '{https://example.org}'
           FROM c, p RETURNING id),
       r AS (
         INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
         SELECT gen_random_uuid(), $1, n.id, rater, 'HELPFUL', '{CLEAR}', 29000000, '{"points": ["1", "2"]}'
           FROM n, (VALUES ('a'), ('b')) AS v(rater) RETURNING id),
       e AS (INSERT INTO scoring_events (community_id, kind) SELECT $1, 'rating.put' FROM generate_series(1, 3) RETURNING id)
       INSERT INTO scoring_runs (id, community_id, status) SELECT gen_random_uuid(), $1, 'RUNNING'
         FROM (SELECT count(*) FROM r) AS rs, (SELECT count(*) FROM e) AS es`,
      [communityId, noteId],
    );
    return { communityId, noteId };
  }

  beforeEach(() => {
    from = databaseNamed('from');
    to = databaseNamed('to');
  });

  afterEach(async () => {
    await dropDatabase(from);
    await dropDatabase(to);
  });

  async function migratedSource(): Promise<{ communityId: string; noteId: string }> {
    await ensureDatabase(from);
    await applyMigrations({ connectionString: from, migrationsDir: MIGRATIONS });
    return plant(from);
  }

  it('copies every row exactly, parents first, and sequences continue after them', async () => {
    const { noteId } = await migratedSource();
    const copied = await copyDatabase({
      from,
      to,
      migrationsDir: MIGRATIONS,
      finish: `UPDATE communities SET scoring_lease_owner = NULL, scoring_lease_until = NULL`,
    });
    expect(copied).toMatchObject({
      communities: 1,
      posts: 1,
      notes: 1,
      ratings: 2,
      scoring_events: 3,
      scoring_runs: 1,
    });
    const rowsOf = (url: string, table: string) =>
      query<{ row: unknown }>(url, `SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY 1`);
    for (const table of ['posts', 'notes', 'ratings', 'scoring_events', 'scoring_runs']) {
      expect(await rowsOf(to, table)).toEqual(await rowsOf(from, table));
    }
    const [note] = await query<{ text: string; sources: string[] }>(
      to,
      'SELECT text, sources FROM notes WHERE id = $1',
      [noteId],
    );
    expect(note).toEqual({ text: 'It\'s "quoted" \\ text', sources: ['https://example.org'] });
    // The finishing SQL ran in the copy.
    expect(await query(to, 'SELECT scoring_lease_owner FROM communities')).toEqual([
      { scoring_lease_owner: null },
    ]);
    const [next] = await query<{ id: string }>(
      to,
      `INSERT INTO scoring_events (community_id, kind) SELECT id, 'x' FROM communities RETURNING id`,
    );
    expect(next?.id).toBe('4');
  });

  it('keeps the change positions and the batch counter, so followers keep their cursors', async () => {
    await migratedSource();
    // A source far ahead of the target, as an embedded database that served for a while.
    const ahead = (2n ** 40n).toString();
    await query(from, `UPDATE change_batches SET last = $1`, [ahead]);
    await query(from, `ALTER TABLE notes DISABLE TRIGGER notes_changed_batch`);
    await query(from, `UPDATE notes SET changed_batch = $1`, [ahead]);
    await query(from, `ALTER TABLE ratings DISABLE TRIGGER ratings_changed_batch`);
    await query(from, `UPDATE ratings SET changed_batch = $1`, [ahead]);
    await copyDatabase({ from, to, migrationsDir: MIGRATIONS });

    const positions = await query<{ batch: string }>(
      to,
      `SELECT changed_batch::text AS batch FROM notes
       UNION ALL SELECT changed_batch::text FROM ratings`,
    );
    expect(positions).toEqual([{ batch: ahead }, { batch: ahead }, { batch: ahead }]);
    // A later change sorts after every copied one.
    const [later] = await query<{ batch: string }>(
      to,
      `UPDATE ratings SET tags = '{}' WHERE rater_pseudonym = 'a' RETURNING changed_batch::text AS batch`,
    );
    expect(BigInt(later?.batch ?? 0)).toBe(2n ** 40n + 1n);
  });

  it('refuses a target that already holds data, and changes nothing there', async () => {
    await migratedSource();
    await copyDatabase({ from, to, migrationsDir: MIGRATIONS });
    await expect(copyDatabase({ from, to, migrationsDir: MIGRATIONS })).rejects.toThrow(
      CopyRefusedError,
    );
    expect(await query(to, 'SELECT count(*)::int AS n FROM ratings')).toEqual([{ n: 2 }]);
  });

  it('writes nothing to the target when any part of the copy fails', async () => {
    await migratedSource();
    await expect(
      copyDatabase({ from, to, migrationsDir: MIGRATIONS, finish: 'SELECT 1 / 0' }),
    ).rejects.toThrow(/division by zero/);
    expect(await query(to, 'SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 0 }]);
  });
});
