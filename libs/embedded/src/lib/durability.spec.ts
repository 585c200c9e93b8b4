import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { eventually } from '@bridgenotes/testing';

import { ServeProcess, startServeProcess } from '../testing/serve-process';

const LEGS_PER_TRANSFER = 200;
/** The process is killed once this many commits are acknowledged. */
const KILL_AFTER_COMMITS = 30;

/**
 * The embedded database killed with SIGKILL in the middle of writing, then started again on the
 * same folder: every acknowledged commit is there, and no transaction is there in part.
 */
describe('the embedded database after a crash', () => {
  let dataDir: string;
  let database: ServeProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bn-embedded-crash-'));
  });

  afterAll(async () => {
    await database?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every committed transaction and none half-written', async () => {
    database = await startServeProcess(['--data-dir', dataDir]);
    const writer = new Client({ connectionString: database.url });
    writer.on('error', () => undefined);
    await writer.connect();
    await writer.query('CREATE TABLE transfers (id INT PRIMARY KEY, note TEXT NOT NULL)');
    await writer.query('CREATE TABLE legs (transfer_id INT NOT NULL, n INT NOT NULL)');

    // Each transfer is one transaction of one row and 200 legs; acknowledged = COMMIT returned.
    const acknowledged: number[] = [];
    let stop = false;
    // Resolved by the writer itself at the KILL_AFTER_COMMITS-th acknowledgement: nothing polls.
    let enoughCommitted!: () => void;
    const committed = new Promise<void>((resolve) => (enoughCommitted = resolve));
    const writing = (async () => {
      for (let id = 1; !stop; id += 1) {
        await writer.query('BEGIN');
        await writer.query('INSERT INTO transfers VALUES ($1, $2)', [id, 'x'.repeat(2_000)]);
        await writer.query('INSERT INTO legs SELECT $1, n FROM generate_series(1, $2::int) AS n', [
          id,
          LEGS_PER_TRANSFER,
        ]);
        await writer.query('COMMIT');
        acknowledged.push(id);
        if (acknowledged.length === KILL_AFTER_COMMITS) enoughCommitted();
      }
    })();
    // Until enough commits are acknowledged; a writer that fails before the kill fails the test
    // at once with its own error, and leaves no wait running that would keep Jest alive.
    await Promise.race([
      committed,
      writing.then(() => {
        throw new Error('the writer stopped before the kill');
      }),
    ]).catch(async (error: unknown) => {
      await writer.end().catch(() => undefined);
      throw error;
    });
    const { child } = database;
    child.kill('SIGKILL');
    stop = true;
    // Killed mid-write, the writer's query under way fails with the lost connection: expected now.
    await writing.catch(() => undefined);
    await eventually(async () => expect(child.signalCode).toBe('SIGKILL'));
    await writer.end().catch(() => undefined);

    // The dead process's lock on the folder is taken over; the data must be all there.
    database = await startServeProcess(['--data-dir', dataDir]);
    const reader = new Client({ connectionString: database.url });
    await reader.connect();
    try {
      const { rows: transfers } = await reader.query<{ id: number }>(
        'SELECT id FROM transfers ORDER BY id',
      );
      const ids = transfers.map(({ id }) => id);
      expect(ids.slice(0, acknowledged.length)).toEqual(acknowledged);
      // The transaction under way when the process died either committed whole or not at all.
      expect(ids.length - acknowledged.length).toBeLessThanOrEqual(1);
      const { rows: partial } = await reader.query(
        `SELECT t.id, count(l.n) AS legs FROM transfers t LEFT JOIN legs l ON l.transfer_id = t.id
          GROUP BY t.id HAVING count(l.n) <> $1`,
        [LEGS_PER_TRANSFER],
      );
      expect(partial).toEqual([]);
      const { rows: orphans } = await reader.query(
        'SELECT DISTINCT transfer_id FROM legs WHERE transfer_id NOT IN (SELECT id FROM transfers)',
      );
      expect(orphans).toEqual([]);
    } finally {
      await reader.end();
    }
  });

  it('refuses to open a data folder another process has open', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bn-embedded-open-'));
    const holder = await startServeProcess(['--data-dir', folder]);
    try {
      await expect(startServeProcess(['--data-dir', folder])).rejects.toThrow(
        new RegExp(`in use by process ${holder.child.pid}\\b`),
      );
    } finally {
      await holder.stop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
