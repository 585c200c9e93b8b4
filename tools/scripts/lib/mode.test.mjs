// `node --test tools/scripts`: the mode choice of `npm start` against real sockets (run by
// `npm test`). The "default ports" are free ports of this machine, so the machine's own
// PostgreSQL and Redis never influence the outcome.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { chooseMode } from './mode.mjs';

/** A port nothing listens on: bound once by the system, then released. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('chooseMode', () => {
  let listener;
  let listening;
  let closedDatabase;
  let closedRedis;

  before(async () => {
    listener = createServer((socket) => socket.destroy());
    await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listening = listener.address().port;
    closedDatabase = await freePort();
    closedRedis = await freePort();
  });

  after(() => new Promise((resolve) => listener.close(resolve)));

  const defaults = (databasePort, redisPort) => ({
    databaseUrl: `postgresql://postgres@127.0.0.1:${databasePort}/bridgenotes`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
  });

  it('runs embedded when nothing is configured and nothing answers on the default ports', async () => {
    const choice = await chooseMode({ defaults: defaults(closedDatabase, closedRedis) });
    assert.equal(choice.mode, 'embedded');
    assert.match(choice.reason, new RegExp(`127\\.0\\.0\\.1:${closedDatabase}`));
  });

  it('uses the servers when PostgreSQL or Redis answers on its default port', async () => {
    for (const ports of [
      [listening, closedRedis],
      [closedDatabase, listening],
    ]) {
      const choice = await chooseMode({ defaults: defaults(...ports) });
      assert.equal(choice.mode, 'server');
      assert.match(choice.reason, new RegExp(`answers on 127\\.0\\.0\\.1:${listening}`));
    }
  });

  it('uses the servers when DATABASE_URL or REDIS_URL is set, without probing', async () => {
    const probe = () => assert.fail('must not probe');
    for (const configured of [
      { DATABASE_URL: 'postgresql://db.internal/bridgenotes' },
      { REDIS_URL: 'redis://cache.internal' },
    ]) {
      assert.deepEqual(await chooseMode({ configured, probe }), {
        mode: 'server',
        reason: `${Object.keys(configured)[0]} set`,
      });
    }
  });

  it('does what it is told whatever runs, and refuses an unknown mode', async () => {
    const probe = () => assert.fail('must not probe');
    const configured = { DATABASE_URL: 'postgresql://db.internal/bridgenotes' };
    assert.equal((await chooseMode({ requested: 'embedded', configured, probe })).mode, 'embedded');
    assert.equal((await chooseMode({ requested: 'server', probe })).mode, 'server');
    await assert.rejects(chooseMode({ requested: 'cloud', probe }), /embedded or server/);
  });
});
