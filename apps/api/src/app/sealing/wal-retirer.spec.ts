import type { Environment } from '@bridgenotes/config';
import type { Client } from 'pg';

import { WAL_RETIRE_INTERVAL_MS, WalRetirer } from './wal-retirer.service';

/** A connection that answers the rights query with `rights` and records every statement. */
function recordingClient(rights: { superuser: boolean; checkpointer: boolean }) {
  const statements: string[] = [];
  const client = {
    statements,
    connect: async () => undefined,
    end: async () => undefined,
    query: async (sql: string) => {
      statements.push(sql.includes('rolsuper') ? 'rights' : sql);
      return { rows: [rights] };
    },
  };
  return client as typeof client & Client;
}

const RETIRE = ['SELECT pg_switch_wal()::text', 'CHECKPOINT'];

/** The retirer, its own connections (the timer's) recorded. */
class RecordedRetirer extends WalRetirer {
  readonly own: ReturnType<typeof recordingClient>[] = [];
  protected override connection(): Client {
    const client = recordingClient({ superuser: true, checkpointer: true });
    this.own.push(client);
    return client;
  }
}

describe('retiring the WAL after a scrub', () => {
  let retirer: RecordedRetirer;

  beforeEach(() => {
    jest.useFakeTimers();
    retirer = new RecordedRetirer({ DATABASE_URL: 'postgresql://unused' } as Environment);
  });

  afterEach(async () => {
    await retirer.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('retires at once, on the scrub connection, where no checkpointer runs (embedded)', async () => {
    const scrub = recordingClient({ superuser: true, checkpointer: false });
    await retirer.afterScrub(scrub);
    expect(scrub.statements).toEqual(['rights', ...RETIRE]);
    expect(retirer.own).toEqual([]);
  });

  it('leaves the WAL alone for a role that may not close a segment', async () => {
    const scrub = recordingClient({ superuser: false, checkpointer: true });
    await retirer.afterScrub(scrub);
    await jest.advanceTimersByTimeAsync(2 * WAL_RETIRE_INTERVAL_MS);
    expect(scrub.statements).toEqual(['rights']);
    expect(retirer.own).toEqual([]);
  });

  it('on a server, retires at most once an interval from the start, the last scrub included', async () => {
    // A process's start scrubs: no checkpoint at once for it.
    await retirer.afterScrub(recordingClient({ superuser: true, checkpointer: true }));
    await jest.advanceTimersByTimeAsync(WAL_RETIRE_INTERVAL_MS - 1);
    expect(retirer.own).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(retirer.own.map((client) => client.statements)).toEqual([RETIRE]);
    // Scrubs within the interval: one retirement at its end, which covers them all.
    for (let scrubs = 0; scrubs < 3; scrubs += 1) {
      await jest.advanceTimersByTimeAsync(WAL_RETIRE_INTERVAL_MS / 4);
      await retirer.afterScrub(recordingClient({ superuser: true, checkpointer: true }));
    }
    expect(retirer.own).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(WAL_RETIRE_INTERVAL_MS / 4);
    expect(retirer.own.map((client) => client.statements)).toEqual([RETIRE, RETIRE]);
    // Nothing scrubbed since: nothing more.
    await jest.advanceTimersByTimeAsync(3 * WAL_RETIRE_INTERVAL_MS);
    expect(retirer.own).toHaveLength(2);
  });

  it('sets no timer once stopped, for a scrub that finishes while the app stops', async () => {
    await retirer.onApplicationShutdown();
    await retirer.afterScrub(recordingClient({ superuser: true, checkpointer: true }));
    await jest.advanceTimersByTimeAsync(2 * WAL_RETIRE_INTERVAL_MS);
    expect(retirer.own).toEqual([]);
  });
});
