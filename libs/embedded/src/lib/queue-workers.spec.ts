import {
  type BackendFactory,
  createPostgresBackend,
  type IQueueBackend,
  type PostgresPoolConfig,
  Queue,
  Worker,
} from 'bullmq';
import { Client } from 'pg';

import { eventually } from '@bridgenotes/testing';
import { ServeProcess, startServeProcess } from '../testing/serve-process';

type Factory = BackendFactory<IQueueBackend, PostgresPoolConfig>;
type Counted = { getWorkersCount(): Promise<number> };

/**
 * The embedded mode's queue dashboard said "No workers" while the worker ran: BullMQ's
 * PostgreSQL backend finds a queue's workers in `pg_stat_activity`, by the `application_name`
 * each worker gives its connection, and PGlite, one session for everyone, had neither. The wire
 * server keeps each connection's name and answers `pg_stat_activity` from its connections.
 */
describe('the embedded database: who is connected, as BullMQ asks', () => {
  let database: ServeProcess;

  beforeAll(async () => {
    database = await startServeProcess();
  });

  afterAll(async () => {
    await database?.stop();
  });

  const named = (client: Client) =>
    client
      .query<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity
          WHERE datname = current_database() AND application_name <> '' ORDER BY 1`,
      )
      .then(({ rows }) => rows.map((row) => row.application_name));

  it('keeps each connection’s application_name and lists the open ones in pg_stat_activity', async () => {
    const worker = new Client({ connectionString: database.url });
    const api = new Client({ connectionString: database.url, application_name: 'api' });
    const reader = new Client({ connectionString: database.url });
    await Promise.all([worker.connect(), api.connect(), reader.connect()]);
    try {
      // As BullMQ names a worker's connection: a bound parameter, after connecting.
      await worker.query(`SELECT set_config('application_name', $1, false)`, ['bull:jobs:w:1']);
      expect(await named(reader)).toEqual(['api', 'bull:jobs:w:1']);
      // Each keeps its own name, whoever ran in between.
      const show = async (client: Client) =>
        (await client.query<{ application_name: string }>('SHOW application_name')).rows[0]
          ?.application_name;
      expect(await show(worker)).toBe('bull:jobs:w:1');
      expect(await show(reader)).toBe('');
      expect(await show(api)).toBe('api');
      await worker.end();
      // The server learns of the disconnection a moment later, as PostgreSQL does.
      await eventually(async () => {
        const open = await named(reader);
        if (open.join() !== 'api') throw new Error(`still listed: ${open}`);
      });
    } finally {
      await Promise.all([api.end(), reader.end(), worker.end().catch(() => undefined)]);
    }
  });

  it('lets each BullMQ queue on the PostgreSQL backend find its running worker, and forget it once closed', async () => {
    const connection: PostgresPoolConfig = {
      connectionString: database.url,
      schema: 'bullmq_embedded',
      migrate: true,
    };
    const factory = createPostgresBackend as Factory;
    const names = ['scoring', 'loading'];
    const open = () => names.map((name) => new Queue(name, { connection, prefix: 'e' }, factory));
    const counts = (queues: Counted[]) =>
      Promise.all(queues.map((queue) => queue.getWorkersCount()));
    const until = (queues: Counted[], wanted: number[]) =>
      eventually(async () => {
        const found = await counts(queues);
        if (found.join() !== wanted.join()) throw new Error(`workers per queue: ${found}`);
      });
    const queues = open();
    const workers = names.map(
      (name) => new Worker(name, async () => undefined, { connection, prefix: 'e' }, factory),
    );
    try {
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
      // One session named after the last worker would show one queue's worker, not both.
      await until(queues, [1, 1]);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(queues.map((queue) => queue.close()));
    }
    const later = open();
    try {
      await until(later, [0, 0]);
    } finally {
      await Promise.all(later.map((queue) => queue.close()));
    }
  });
});
