import { currentTestRun, eventually, TcpProxy } from '@bridgenotes/testing';

import { openQueue } from './queue-connection';
import { QueueName } from './queue-names';

// The queues in PostgreSQL (the embedded mode's backend, and an option in server mode) must come
// back by themselves when the database was away at start-up, as the Redis backend does: BullMQ's
// PostgreSQL backend would otherwise keep its first failed connection for good.
describe('a queue in PostgreSQL whose first connection failed', () => {
  const run = currentTestRun();
  const database = new URL(run.databaseUrl);
  const proxy = new TcpProxy({ host: database.hostname, port: Number(database.port || 5432) });

  afterAll(() => proxy.close());

  it('works once the database answers, without being reopened', async () => {
    // Listening first fixes the port; cutting it then resets every connection (the port stays held).
    await proxy.open();
    await proxy.cut();
    const proxied = new URL(run.databaseUrl);
    proxied.host = proxy.url;
    const queue = openQueue(QueueName.Webhooks, {
      backend: 'postgres',
      databaseUrl: proxied.toString(),
      prefix: `${run.queuePrefix}-recovery`,
      role: 'producer',
    });
    queue.on('error', () => undefined);
    try {
      await expect(queue.count()).rejects.toThrow();

      await proxy.open();
      await eventually(async () => expect(await queue.count()).toBe(0));
    } finally {
      await queue.close();
    }
  });
});
