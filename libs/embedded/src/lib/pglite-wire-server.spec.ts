import { eventually } from '@bridgenotes/testing';
import { Client, Pool } from 'pg';

import { ServeProcess, startServeProcess } from '../testing/serve-process';

/**
 * What several clients sharing PGlite's single session can rely on. Each of these fails against
 * a server that hands the session over between any two messages (as `@electric-sql/pglite-socket`
 * does outside explicit transactions) or applies no per-client state.
 */
describe('the embedded database served to several clients', () => {
  let database: ServeProcess;
  let pool: Pool;

  beforeAll(async () => {
    database = await startServeProcess();
    pool = new Pool({ connectionString: database.url, max: 8 });
    await pool.query('CREATE TABLE accounts (id INT PRIMARY KEY, balance INT NOT NULL)');
    await pool.query('CREATE TABLE entries (account INT NOT NULL, amount INT NOT NULL)');
  });

  afterAll(async () => {
    await pool.end();
    await database.stop();
  });

  async function connect(options = {}): Promise<Client> {
    const client = new Client({ connectionString: database.url, ...options });
    await client.connect();
    return client;
  }

  it('never binds one client’s parameters to another client’s statement', async () => {
    // 300 kB of parameters take several TCP reads: a server that let another client in between
    // them would bind this query's values to that client's statement.
    const large = 'x'.repeat(300_000);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        try {
          if (i % 2 === 0) {
            const { rows } = await pool.query('SELECT length($1::text) AS n, $2::int AS i', [
              large,
              i,
            ]);
            return rows[0].n === large.length && rows[0].i === i;
          }
          const { rows } = await pool.query('SELECT $1::text AS s', [`v${i}`]);
          return rows[0].s === `v${i}`;
        } catch {
          return false;
        }
      }),
    );
    expect(outcomes.filter((ok) => !ok)).toEqual([]);
  });

  it('keeps a transaction’s uncommitted writes from other clients until it commits', async () => {
    const writer = await connect();
    const reader = await connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO accounts VALUES (1, 100)');
      // The reader's statement waits for the session: it must not see, nor join, the open
      // transaction. It is started now and awaited only after the writer has finished.
      const seen = reader.query<{ n: string }>('SELECT count(*) AS n FROM accounts WHERE id = 1');
      await writer.query('INSERT INTO accounts VALUES (2, 100)');
      await writer.query('ROLLBACK');
      expect((await seen).rows[0]?.n).toBe('0');

      await writer.query('BEGIN');
      await writer.query('INSERT INTO accounts VALUES (1, 100), (2, 100)');
      const after = reader.query<{ n: string }>('SELECT count(*) AS n FROM accounts');
      await writer.query('COMMIT');
      expect((await after).rows[0]?.n).toBe('2');
    } finally {
      await writer.end();
      await reader.end();
    }
  });

  it('runs concurrent transactions one after another: no lost update, no half transfer', async () => {
    // Read-modify-write without row locks: under real concurrency at READ COMMITTED some of these
    // updates would be lost; here each transaction owns the session from BEGIN to COMMIT.
    const transfers = Array.from({ length: 20 }, async (_, i) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ balance: number }>(
          'SELECT balance FROM accounts WHERE id = 1',
        );
        await client.query('UPDATE accounts SET balance = $1 WHERE id = 1', [
          (rows[0]?.balance ?? 0) - 1,
        ]);
        await client.query('INSERT INTO entries VALUES (1, -1), (2, 1)');
        await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 2');
        if (i % 5 === 4) throw new Error('abandoned transfer');
        await client.query('COMMIT');
      } catch {
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
    await Promise.all(transfers);
    const { rows } = await pool.query<{ id: number; balance: number }>(
      'SELECT id, balance FROM accounts ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, balance: 84 },
      { id: 2, balance: 116 },
    ]);
    const entries = await pool.query<{ n: string }>('SELECT count(*) AS n FROM entries');
    expect(entries.rows[0]?.n).toBe('32');
  });

  it('rolls back the transaction of a client that disconnects, and serves the others', async () => {
    const leaving = await connect();
    leaving.on('error', () => undefined);
    await leaving.query('BEGIN');
    await leaving.query('INSERT INTO accounts VALUES (3, 1)');
    const waiting = pool.query<{ n: string }>('SELECT count(*) AS n FROM accounts WHERE id = 3');
    // A dropped socket, not a polite Terminate: as when a process dies.
    (
      leaving as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    expect((await waiting).rows[0]?.n).toBe('0');
    await leaving.end().catch(() => undefined);
  });

  it('lets clients connect while another holds a transaction', async () => {
    const holder = await connect();
    await holder.query('BEGIN');
    try {
      // Connecting needs no turn on the session: it completes while the transaction is open (a
      // connection waiting for the session would wait for the commit below, which comes after).
      const late = new Client({ connectionString: database.url });
      await late.connect();
      await late.end();
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('applies each client’s startup settings while it holds the session', async () => {
    const queueClient = await connect({ options: '-c search_path=pg_catalog' });
    try {
      const [own, other, ownAgain] = await Promise.all([
        queueClient.query<{ search_path: string }>('SHOW search_path'),
        pool.query<{ search_path: string }>('SHOW search_path'),
        queueClient.query<{ search_path: string }>('SHOW search_path'),
      ]);
      expect(own.rows[0]?.search_path).toBe('pg_catalog');
      expect(ownAgain.rows[0]?.search_path).toBe('pg_catalog');
      expect(other.rows[0]?.search_path).not.toBe('pg_catalog');
    } finally {
      await queueClient.end();
    }
  });

  it('delivers a notification to the clients listening on its channel only', async () => {
    const listener = await connect();
    const bystander = await connect();
    const received: string[] = [];
    listener.on('notification', ({ channel, payload }) => received.push(`${channel}:${payload}`));
    bystander.on('notification', ({ channel }) => received.push(`bystander got ${channel}`));
    try {
      await listener.query('LISTEN jobs');
      await pool.query(`SELECT pg_notify('jobs', 'scoring')`);
      await pool.query(`SELECT pg_notify('elsewhere', 'x')`);
      await bystander.query('SELECT 1');
      await listener.query('SELECT 1');
      expect(received).toEqual(['jobs:scoring']);
    } finally {
      await listener.end();
      await bystander.end();
    }
  });

  it('refuses clients beyond its connection limit with PostgreSQL’s error', async () => {
    const small = await startServeProcess(['--max-connections', '1']);
    const first = new Client({ connectionString: small.url });
    const second = new Client({ connectionString: small.url });
    try {
      await first.connect();
      await expect(second.connect()).rejects.toThrow(/too many clients/);
    } finally {
      await first.end();
      await small.stop();
    }
  });

  it('says when one client held the session long, and how many waited behind it', async () => {
    // Far above what a short hold (the waiter's SELECT 1) takes on a busy machine, so that a
    // line for one is the server's fault, not the load's; the hold itself lasts longer still.
    const longHoldMs = 2_000;
    const watched = await startServeProcess(['--long-hold-ms', String(longHoldMs)]);
    const holder = new Client({ connectionString: watched.url });
    const waiter = new Client({ connectionString: watched.url });
    try {
      await holder.connect();
      await waiter.connect();
      // The hold is the scenario: a transaction open past the threshold, with what `meanwhile`
      // sends waiting behind it.
      const hold = async (meanwhile: () => Promise<unknown>) => {
        await holder.query('BEGIN');
        await holder.query('SELECT 1');
        const waited = meanwhile();
        await new Promise((resolve) => setTimeout(resolve, longHoldMs + 500));
        await holder.query('COMMIT');
        await waited;
      };
      await hold(() => waiter.query('SELECT 1'));
      // Again: this line comes after any the waiter's short hold (its SELECT 1 once the first
      // hold ended) printed, so once it is there the output is complete up to it.
      await hold(() => waiter.query('SELECT 1'));
      const held = () => watched.output().match(/^.*held the session.*$/gm) ?? [];
      await eventually(async () => expect(held().length).toBeGreaterThanOrEqual(2));
      // Short holds say nothing; nor does a line say what the client ran.
      expect(held()).toEqual(
        Array(2).fill(
          expect.stringMatching(
            /^one client held the session \d+\.\d s; 1 waiting for it, the longest \d+\.\d s$/,
          ),
        ),
      );
      expect(watched.output()).not.toMatch(/SELECT|BEGIN|COMMIT/);
    } finally {
      await holder.end();
      await waiter.end();
      await watched.stop();
    }
  });
});
