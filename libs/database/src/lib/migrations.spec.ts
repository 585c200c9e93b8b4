import { mkdtemp, mkdir, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { dropDatabase, ensureDatabase } from './database-admin';
import { applyMigrations, MigrationError, readMigrations } from './migrations';

const REAL_MIGRATIONS = join(__dirname, '../../../../prisma/migrations');

// Every test here needs a fresh database of its own; the embedded database (PGlite) is one
// database, so this suite runs against PostgreSQL servers only.
const onServers = currentTestRun().embedded ? describe.skip : describe;

onServers('applyMigrations', () => {
  let databaseUrl: string;
  let folder: string;

  beforeEach(async () => {
    const url = new URL(currentTestRun().databaseUrl);
    url.pathname = `${url.pathname}_m${Math.random().toString(36).slice(2, 8)}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);
    folder = await mkdtemp(join(tmpdir(), 'bn-migrations-'));
  });

  afterEach(async () => {
    await dropDatabase(databaseUrl);
    await rm(folder, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(folder, name));
    await writeFile(join(folder, name, 'migration.sql'), sql);
  }

  async function query<T extends object>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  const apply = () => applyMigrations({ connectionString: databaseUrl, migrationsDir: folder });
  const copyMigration = (name: string) =>
    cp(join(REAL_MIGRATIONS, name), join(folder, name), { recursive: true });

  /** Applies the project's migrations before the one whose name ends with `suffix`: its name. */
  async function migrateUpTo(suffix: string): Promise<string> {
    const all = await readMigrations(REAL_MIGRATIONS);
    const at = all.findIndex((migration) => migration.name.endsWith(suffix));
    expect(at).toBeGreaterThan(0);
    for (const migration of all.slice(0, at)) await copyMigration(migration.name);
    await apply();
    return all[at].name;
  }

  it("applies the project's migrations and records them as Prisma does", async () => {
    await cp(REAL_MIGRATIONS, folder, { recursive: true });
    const expected = await readMigrations(folder);
    expect(await apply()).toEqual(expected.map((migration) => migration.name));
    const history = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(history).toEqual(
      expected.map(({ name, checksum }) => ({
        migration_name: name,
        checksum,
        applied_steps_count: 1,
      })),
    );
    expect(await apply()).toEqual([]);
  });

  it('reseals rows written before sealed writes: one transaction, batches only at run marks, files in id order', async () => {
    const reseal = await migrateUpTo('_reseal_legacy_writes');
    // Written as before sealing: each row in a transaction of its own, ids not in arrival order.
    const community = '00000000-0000-4000-8000-00000000c0de';
    const post = '00000000-0000-4000-8000-0000000000b0';
    const ids = (prefix: string) =>
      ['f', '0', '8'].map((d) => `${d.repeat(8)}-0000-4000-8000-${prefix}`);
    const [noteIds, ratingIds, memberIds, requestIds] = [
      '00000000a001',
      '00000000b002',
      '00000000c003',
      '00000000d004',
    ].map(ids);
    const statements = [
      `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES ('${community}', 'legacy', 'Legacy', '1', now())`,
      `INSERT INTO posts (id, canonical_url) VALUES ('${post}', 'https://example.com/p')`,
      ...memberIds.map(
        (id, i) =>
          `INSERT INTO members (id, community_id, commitment, leaf_index) VALUES ('${id}', '${community}', '${i + 1}', ${i})`,
      ),
      ...noteIds.map(
        (id, i) =>
          `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources) VALUES ('${id}', '${community}', '${post}', '${i + 1}', 'NOT_MISLEADING', '{}', 'text', '{}')`,
      ),
      ...ratingIds.map(
        (id, i) =>
          `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof) VALUES ('${id}', '${community}', '${noteIds[0]}', '${i + 1}', 'HELPFUL', '{}', 1, '{}')`,
      ),
      ...requestIds.map(
        (id, i) =>
          `INSERT INTO note_requests (id, community_id, post_id, requester_pseudonym, post_ref, client_minute, proof) VALUES ('${id}', '${community}', '${post}', '${i + 1}', '{}', 1, '{}')`,
      ),
    ];
    for (const statement of statements) await query(statement);
    const tables = ['notes', 'ratings', 'members', 'note_requests'];
    const xmins = () =>
      query<{ xmin: string }>(
        tables.map((table) => `SELECT xmin::text AS xmin FROM ${table}`).join(' UNION ALL '),
      );
    expect(new Set((await xmins()).map((row) => row.xmin)).size).toBe(12);
    const [{ last: before }] = await query<{ last: string }>(
      'SELECT max(changed_batch)::text AS last FROM ratings',
    );
    // A published run read everything up to the second rating: what it read must stay at or
    // below its mark, and what it did not read above it, for the verifier to rebuild its input.
    const byBatch = await query<{ id: string; batch: string }>(
      'SELECT id::text, changed_batch::text AS batch FROM ratings ORDER BY changed_batch',
    );
    const mark = byBatch[1].batch;
    await query(
      `INSERT INTO scoring_runs (id, community_id, status, changed_through, finished_at)
       VALUES (gen_random_uuid(), '${community}', 'SUCCEEDED', ${mark}, now())`,
    );

    await copyMigration(reseal);
    expect(await apply()).toEqual([reseal]);

    expect(new Set((await xmins()).map((row) => row.xmin)).size).toBe(1);
    const batchOf = async (table: string) =>
      new Map(
        (
          await query<{ id: string; batch: string }>(
            `SELECT id::text, changed_batch::text AS batch FROM ${table}`,
          )
        ).map((row) => [row.id, row.batch]),
      );
    const notes = await batchOf('notes');
    expect(new Set(notes.values())).toEqual(new Set([mark]));
    const ratings = await batchOf('ratings');
    expect(ratings.get(byBatch[0].id)).toBe(mark);
    expect(ratings.get(byBatch[1].id)).toBe(mark);
    const unread = ratings.get(byBatch[2].id) as string;
    expect(BigInt(unread)).toBeGreaterThan(BigInt(before));
    for (const table of tables) {
      const inFile = await query<{ id: string }>(`SELECT id::text FROM ${table} ORDER BY ctid`);
      expect(inFile.map((row) => row.id)).toEqual(inFile.map((row) => row.id).sort());
    }
    // Nothing was a change of a rating, and the ratings' triggers work again afterwards.
    expect(await query('SELECT * FROM replaced_ratings')).toEqual([]);
    await query(`UPDATE ratings SET helpfulness = 'NOT_HELPFUL' WHERE id = '${ratingIds[1]}'`);
    expect(await query('SELECT * FROM replaced_ratings')).toHaveLength(1);
    const [{ batch: moved }] = await query<{ batch: string }>(
      `SELECT changed_batch::text AS batch FROM ratings WHERE id = '${ratingIds[1]}'`,
    );
    expect(BigInt(moved)).toBeGreaterThan(BigInt(unread));
  });

  it('puts the requests stored before their change feed at its start, and each new one at its batch', async () => {
    const feed = await migrateUpTo('_request_change_feed');
    const community = '00000000-0000-4000-8000-00000000c0de';
    const post = '00000000-0000-4000-8000-0000000000b0';
    const insert = (id: string, pseudonym: string) =>
      query(
        `INSERT INTO note_requests (id, community_id, post_id, requester_pseudonym, post_ref, client_minute, proof) VALUES ('${id}', '${community}', '${post}', '${pseudonym}', '{}', 1, '{}')`,
      );
    await query(
      `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES ('${community}', 'older', 'Older', '1', now())`,
    );
    await query(
      `INSERT INTO posts (id, canonical_url) VALUES ('${post}', 'https://example.com/p')`,
    );
    await insert('ffffffff-0000-4000-8000-000000000001', '1');

    await copyMigration(feed);
    expect(await apply()).toEqual([feed]);
    await insert('00000000-0000-4000-8000-000000000002', '2');
    const rows = await query<{ id: string; batch: string }>(
      'SELECT id::text, changed_batch::text AS batch FROM note_requests ORDER BY changed_batch, id',
    );
    const [{ last }] = await query<{ last: string }>(
      'SELECT last::text FROM change_batches WHERE id = 1',
    );
    expect(rows).toEqual([
      { id: 'ffffffff-0000-4000-8000-000000000001', batch: '0' },
      { id: '00000000-0000-4000-8000-000000000002', batch: last },
    ]);
    expect(BigInt(last)).toBeGreaterThan(0n);
  });

  it("keeps of each failed run's stored text only its code, and not the text", async () => {
    const codes = await migrateUpTo('_scoring_run_error_code');
    const community = '00000000-0000-4000-8000-00000000c0de';
    await query(
      `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES ('${community}', 'older', 'Older', '1', now())`,
    );
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const stored: [string | null, string | null][] = [
      // What a database error can quote: a row's values, a note's text among them.
      [
        'Raw query failed. Code: `23505`. Message: `Key (text)=(Ana Souza lives at 12 Elm St) already exists`',
        'WORKER_ERROR',
      ],
      [
        'job stalled more than allowable limit: the workers running it stopped renewing its lock',
        'STALLED',
      ],
      [
        `Its job ${id(9)} is no longer in the queue (removed, or lost with the queue's data)`,
        'JOB_LOST',
      ],
      [`Its job ${id(9)} completed without publishing the run`, 'JOB_COMPLETED_UNPUBLISHED'],
      [`Scoring run ${id(9)} of community ${community} is not pending`, 'RUN_NOT_PENDING'],
      [
        `Scoring run ${id(9)} was superseded: run ${id(8)} already published the community's later writes, or the same ones at a later time`,
        'SUPERSEDED',
      ],
      [
        `Scoring run ${id(9)} scored on run ${id(8)}, which a newer full run has replaced`,
        'BASE_REPLACED',
      ],
      ['Not finished when the data was copied to another database', 'COPIED_UNFINISHED'],
      [null, null],
    ];
    for (const [n, [error]] of stored.entries()) {
      await query(
        `INSERT INTO scoring_runs (id, community_id, status, error) VALUES ('${id(n)}', '${community}', '${error === null ? 'SUCCEEDED' : 'FAILED'}', ${error === null ? 'NULL' : `'${error.replaceAll("'", "''")}'`})`,
      );
    }

    await copyMigration(codes);
    expect(await apply()).toEqual([codes]);
    const rows = await query<{ id: string; error_code: string | null }>(
      'SELECT id::text, error_code::text FROM scoring_runs ORDER BY id',
    );
    expect(rows).toEqual(stored.map(([, code], n) => ({ id: id(n), error_code: code })));
    const columns = await query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'scoring_runs' AND column_name = 'error'",
    );
    expect(columns).toEqual([]);
    await expect(
      query(`UPDATE scoring_runs SET error_code = 'Ana Souza' WHERE id = '${id(0)}'`),
    ).rejects.toThrow(/invalid input value for enum/);
  });

  it("counts each root's live members: the current root's from its leaves, an older one's at most what it had", async () => {
    const counts = await migrateUpTo('_group_live_members');
    const community = '00000000-0000-4000-8000-00000000c0de';
    await query(
      `INSERT INTO communities (id, slug, name, scope, tree_size, tree_root, updated_at) VALUES ('${community}', 'older', 'Older', '1', 3, 'r4', now())`,
    );
    // Three members joined one by one (roots r1-r3), then the first was removed (r4: its leaf 0).
    await query(
      `INSERT INTO members (id, community_id, commitment, leaf_index, removed_at) VALUES
        (gen_random_uuid(), '${community}', '11', 0, now()),
        (gen_random_uuid(), '${community}', '12', 1, NULL),
        (gen_random_uuid(), '${community}', '13', 2, NULL)`,
    );
    await query(
      `INSERT INTO tree_nodes (community_id, level, index, hash) VALUES
        ('${community}', 0, 0, '0'), ('${community}', 0, 1, '12'), ('${community}', 0, 2, '13')`,
    );
    await query(
      `INSERT INTO group_roots (id, community_id, root, size, created_at, superseded_at) VALUES
        (gen_random_uuid(), '${community}', 'r1', 1, now() - interval '4 min', now() - interval '3 min'),
        (gen_random_uuid(), '${community}', 'r2', 2, now() - interval '3 min', now() - interval '2 min'),
        (gen_random_uuid(), '${community}', 'r3', 3, now() - interval '2 min', now() - interval '1 min'),
        (gen_random_uuid(), '${community}', 'r4', 3, now() - interval '1 min', NULL)`,
    );

    await copyMigration(counts);
    expect(await apply()).toEqual([counts]);
    expect(await query('SELECT tree_members FROM communities')).toEqual([{ tree_members: 2 }]);
    // r4 exactly; r1-r3 had 1, 2 and 3 live members, and the removed member counts in none.
    expect(await query('SELECT root, live_members FROM group_roots ORDER BY created_at')).toEqual([
      { root: 'r1', live_members: 0 },
      { root: 'r2', live_members: 1 },
      { root: 'r3', live_members: 2 },
      { root: 'r4', live_members: 2 },
    ]);
  });

  it('counts the live members of many one-member roots as a per-root count would', async () => {
    const counts = await migrateUpTo('_group_live_members');
    const community = '00000000-0000-4000-8000-00000000c0de';
    const joined = 10_000;
    await query(
      `INSERT INTO communities (id, slug, name, scope, tree_size, tree_root, updated_at) VALUES ('${community}', 'many', 'Many', '1', ${joined}, 'r${joined}', now())`,
    );
    // Members joined one by one (root r<n> after the n-th), and every third one (leaves 0, 3,
    // 6, ...) was removed later: the roots before its removal held it, and count it in none.
    await query(
      `INSERT INTO members (id, community_id, commitment, leaf_index, removed_at)
       SELECT gen_random_uuid(), '${community}', (1000 + i)::text, i,
              CASE WHEN i % 3 = 0 THEN now() END
         FROM generate_series(0, ${joined - 1}) i`,
    );
    await query(
      `INSERT INTO tree_nodes (community_id, level, index, hash)
       SELECT '${community}', 0, i, CASE WHEN i % 3 = 0 THEN '0' ELSE (1000 + i)::text END
         FROM generate_series(0, ${joined - 1}) i`,
    );
    await query(
      `INSERT INTO group_roots (id, community_id, root, size, created_at, superseded_at)
       SELECT gen_random_uuid(), '${community}', 'r' || n, n,
              now() - make_interval(secs => ${joined} - n + 1),
              CASE WHEN n < ${joined} THEN now() - make_interval(secs => ${joined} - n) END
         FROM generate_series(1, ${joined}) n`,
    );

    await copyMigration(counts);
    expect(await apply()).toEqual([counts]);
    const live = Math.floor((joined * 2) / 3);
    expect(await query('SELECT tree_members FROM communities')).toEqual([{ tree_members: live }]);
    // Sampled roots against the per-root count they stand for...
    const sampled = await query<{ size: number; live_members: number; expected: string }>(
      `SELECT r.size, r.live_members,
              (SELECT count(*) FROM members m WHERE m.community_id = r.community_id
                  AND m.leaf_index < r.size AND m.removed_at IS NULL)::text AS expected
         FROM group_roots r
        WHERE r.size IN (1, 2, 3, 4, ${joined - 1}, ${joined}) OR r.size % 997 = 0
        ORDER BY r.size`,
    );
    expect(sampled).toHaveLength(6 + Math.floor(joined / 997));
    for (const root of sampled) expect(root.live_members).toBe(Number(root.expected));
    expect(sampled.slice(0, 4).map((root) => root.live_members)).toEqual([0, 1, 2, 2]);
    expect(sampled[sampled.length - 1].live_members).toBe(live);
    // ...and every root against its closed form: of leaves 0..size-1, ceil(size / 3) removed.
    expect(
      await query(
        'SELECT count(*)::int AS wrong FROM group_roots WHERE live_members <> size - (size + 2) / 3',
      ),
    ).toEqual([{ wrong: 0 }]);
  });

  it("numbers each community's roots in the order the export gave them: time, size, id", async () => {
    const numbered = await migrateUpTo('_group_root_seq');
    const [first, second] = [
      '00000000-0000-4000-8000-0000000000a1',
      '00000000-0000-4000-8000-0000000000b2',
    ];
    for (const community of [first, second]) {
      await query(
        `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES ('${community}', 's${community.slice(-2)}', 'S', '${community.slice(-2)}', now())`,
      );
    }
    // Inserted out of order; two of one time and size (ordered by id), two of one time.
    await query(
      `INSERT INTO group_roots (id, community_id, root, size, live_members, created_at) VALUES
        ('00000000-0000-4000-8000-00000000000f', '${first}', 'a4', 2, 1, '2026-01-01T00:02Z'),
        ('00000000-0000-4000-8000-000000000002', '${first}', 'a1', 1, 1, '2026-01-01T00:00Z'),
        ('00000000-0000-4000-8000-000000000009', '${first}', 'a3', 2, 1, '2026-01-01T00:01Z'),
        ('00000000-0000-4000-8000-000000000003', '${first}', 'a2', 2, 2, '2026-01-01T00:01Z'),
        ('00000000-0000-4000-8000-000000000001', '${second}', 'b1', 1, 1, '2026-01-01T00:01Z')`,
    );

    await copyMigration(numbered);
    expect(await apply()).toEqual([numbered]);
    expect(await query('SELECT root, seq FROM group_roots ORDER BY community_id, seq')).toEqual([
      { root: 'a1', seq: 0 },
      { root: 'a2', seq: 1 },
      { root: 'a3', seq: 2 },
      { root: 'a4', seq: 3 },
      { root: 'b1', seq: 0 },
    ]);
  });

  it('applies only what is pending, in name order', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    expect(await apply()).toEqual(['20260101000000_a']);
    await addMigration('20260102000000_b', 'CREATE TABLE b (id INT);');
    await addMigration('20260103000000_c', 'ALTER TABLE b ADD COLUMN x INT;');
    expect(await apply()).toEqual(['20260102000000_b', '20260103000000_c']);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await addMigration(
      '20260102000000_bad',
      'CREATE TABLE half (id INT); SELECT no_such_function();',
    );
    await expect(apply()).rejects.toThrow(/20260102000000_bad failed and was rolled back/);
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((table) => table.tablename)).toEqual(['_prisma_migrations', 'a']);
  });

  it('holds each credential issuer to one key source, mending the rows an older API stored', async () => {
    const check = await migrateUpTo('_credential_issuer_one_key_source');
    const community = '00000000-0000-4000-8000-00000000c0de';
    await query(
      `INSERT INTO communities (id, slug, name, scope, updated_at) VALUES ('${community}', 'older', 'Older', '1', now())`,
    );
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    const keys = `'{"keys": [{"kty": "EC"}]}'::jsonb`;
    const rows: [number, string, string][] = [
      [1, `'https://a.example/jwks'`, 'NULL'], // a URL: kept
      [2, 'NULL', keys], // inline keys: kept
      [3, `'https://c.example/jwks'`, keys], // both: the inline keys, which the verifier used
      [4, 'NULL', 'NULL'], // neither, as `"jwks": null` stored: no keys, removed
      [5, 'NULL', `'null'::jsonb`], // a JSON null is no keys either
    ];
    for (const [n, url, jwks] of rows) {
      await query(
        `INSERT INTO credential_issuers (id, community_id, issuer, jwks_url, jwks) VALUES ('${id(n)}', '${community}', 'https://${n}.example', ${url}, ${jwks})`,
      );
    }
    await copyMigration(check);
    expect(await apply()).toEqual([check]);
    expect(
      await query(
        'SELECT id::text, jwks_url, jwks IS NOT NULL AS inline FROM credential_issuers ORDER BY id',
      ),
    ).toEqual([
      { id: id(1), jwks_url: 'https://a.example/jwks', inline: false },
      { id: id(2), jwks_url: null, inline: true },
      { id: id(3), jwks_url: null, inline: true },
    ]);
    await expect(
      query(
        `INSERT INTO credential_issuers (id, community_id, issuer) VALUES ('${id(6)}', '${community}', 'https://6.example')`,
      ),
    ).rejects.toThrow(/credential_issuers_one_key_source_check/);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await apply();
    await writeFile(
      join(folder, '20260101000000_a', 'migration.sql'),
      'CREATE TABLE a (id BIGINT);',
    );
    await expect(apply()).rejects.toThrow(MigrationError);
    await expect(apply()).rejects.toThrow(/was changed after it was applied/);
  });

  it('refuses a database that has migrations the folder lacks', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    await apply();
    await rm(join(folder, '20260101000000_a'), { recursive: true });
    await expect(apply()).rejects.toThrow(/which prisma\/migrations does not/);
  });

  it('applies each migration once when several runners start together', async () => {
    await addMigration('20260101000000_a', 'CREATE TABLE a (id INT);');
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.flat()).toEqual(['20260101000000_a']);
  });
});
