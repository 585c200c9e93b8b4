import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Client } from 'pg';

/**
 * The longest a server's WAL keeps a scrubbed batch's buffered writes: a checkpoint retires
 * only filled segments, and on a quiet instance the current one can take days to fill, so a
 * segment is closed for it; closing one every batch would write a new 16 MB file a minute.
 */
export const WAL_RETIRE_INTERVAL_MS = 15 * 60_000;

/** What the scrub's role may do about the WAL, and whether a checkpointer will. */
async function walRights(client: Client): Promise<{ superuser: boolean; checkpointer: boolean }> {
  // The function, not the pg_stat_activity view: the embedded wire server answers the view with
  // its own client connections.
  const { rows } = await client.query<{ superuser: boolean; checkpointer: boolean }>(
    `SELECT rolsuper AS superuser,
            EXISTS (SELECT FROM pg_stat_get_activity(NULL) WHERE backend_type = 'checkpointer')
              AS checkpointer
       FROM pg_roles WHERE rolname = current_user`,
  );
  return rows[0] ?? { superuser: false, checkpointer: false };
}

/** Closes the WAL segment in use and checkpoints, so the segments before it can go. */
export async function retireWal(client: Client): Promise<void> {
  await client.query('SELECT pg_switch_wal()::text');
  await client.query('CHECKPOINT');
}

/**
 * Retires the WAL that holds buffered writes once their batch is scrubbed (docs/threat-model.md,
 * "The WAL"). Where no checkpointer runs (the embedded database, one session), nothing else
 * ever would: after every scrub. On a server, at most every WAL_RETIRE_INTERVAL_MS, on a timer
 * of its own, so the last batch of a quiet hour is retired too (one pending when the process
 * stops is left to the next process, whose start scrubs). Only a superuser may close a
 * segment; with `wal_recycle` off (docker-compose.yml, and the embedded database) the retired
 * segments are deleted, not kept under a new name for reuse.
 */
@Injectable()
export class WalRetirer implements OnApplicationShutdown {
  private readonly logger = new Logger(WalRetirer.name);
  private timer?: NodeJS.Timeout;
  private retiring: Promise<void> = Promise.resolve();
  private closed = false;
  /**
   * From the start: a server's first retirement waits a whole interval too, so a process that
   * starts (its start scrubs) never checkpoints at once; a restart picks up what a stopped
   * process left pending within one interval.
   */
  private lastRetired = Date.now();

  constructor(private readonly env: Environment) {}

  /** After a scrub succeeded, on its connection. */
  async afterScrub(client: Client): Promise<void> {
    const rights = await walRights(client);
    if (!rights.superuser) return;
    if (!rights.checkpointer) return retireWal(client);
    // Nest stops a module's providers side by side: a scrub the sealer finishes meanwhile must
    // not set a timer this one no longer clears.
    if (this.timer || this.closed) return;
    const delay = Math.max(0, this.lastRetired + WAL_RETIRE_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.retiring = this.retireNow();
    }, delay);
    this.timer.unref();
  }

  /** A connection of its own, for the retirement the timer runs. */
  protected connection(): Client {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    // As the scrub's (WriteBuffer.scrubSealed): a lost connection fails the statement, not the
    // process.
    client.on('error', () => undefined);
    return client;
  }

  private async retireNow(): Promise<void> {
    const client = this.connection();
    try {
      await client.connect();
      await retireWal(client);
      this.lastRetired = Date.now();
    } catch (error) {
      // The next scrub schedules it again.
      this.logger.warn(`retiring the WAL after a scrub failed: ${(error as Error).message}`);
    } finally {
      this.timer = undefined;
      await client.end().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.retiring;
  }
}
