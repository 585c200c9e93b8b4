// Which way `npm start` runs: against PostgreSQL and Redis servers, or embedded (PostgreSQL in
// WebAssembly, queues in it too, data in a folder), for machines with nothing but Node.
// Standard library only, like the rest of tools/scripts/lib.
import { answers, DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from './workspace.mjs';

export const MODES = ['embedded', 'server'];

function endpointOf(url) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: Number(parsed.port || (parsed.protocol.startsWith('redis') ? 6379 : 5432)),
  };
}

/**
 * Explicit choices win (`--embedded`/`--server`, else BRIDGENOTES_MODE). Otherwise servers are
 * used when any is configured (DATABASE_URL or REDIS_URL) or answers on its default address, and
 * the embedded mode when neither is: a fresh machine gets a working service, a developer's
 * servers keep being used exactly as before.
 */
export async function chooseMode({
  requested,
  configured = {},
  defaults = { databaseUrl: DEFAULT_DATABASE_URL, redisUrl: DEFAULT_REDIS_URL },
  probe = answers,
} = {}) {
  if (requested) {
    if (!MODES.includes(requested)) {
      throw new Error(`BRIDGENOTES_MODE must be embedded or server, not "${requested}"`);
    }
    return { mode: requested, reason: 'as asked' };
  }
  const set = ['DATABASE_URL', 'REDIS_URL'].filter((name) => configured[name]);
  if (set.length > 0) return { mode: 'server', reason: `${set.join(' and ')} set` };
  const targets = [
    ['PostgreSQL', endpointOf(defaults.databaseUrl)],
    ['Redis', endpointOf(defaults.redisUrl)],
  ];
  const found = [];
  for (const [label, target] of targets) {
    if (await probe(target)) found.push(`${label} answers on ${target.host}:${target.port}`);
  }
  if (found.length > 0) return { mode: 'server', reason: found.join(', ') };
  return {
    mode: 'embedded',
    reason: `no DATABASE_URL or REDIS_URL, and nothing answers on ${targets
      .map(([, { host, port }]) => `${host}:${port}`)
      .join(' or ')}`,
  };
}
