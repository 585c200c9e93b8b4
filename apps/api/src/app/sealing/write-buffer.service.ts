import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { blockedForWrite, Prisma, PrismaService } from '@bridgenotes/database';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

import { ApiError } from '../common/api-error';
import { WalRetirer } from './wal-retirer.service';

type Tx = Prisma.TransactionClient;

/**
 * The advisory lock a sealing holds exclusively and a submission shared: a submission never
 * sees a write half-way between the buffer and its table.
 */
export const SEALING_LOCK = 0x5ea1n;

/** A submission may wait for a sealing to finish: give it the time a large batch takes. */
const SUBMIT_TRANSACTION = { maxWait: 30_000, timeout: 300_000 };

/** How long the scrub waits for the buffer's table before it leaves it to the next batch. */
const SCRUB_LOCK_TIMEOUT_MS = 2_000;

/**
 * Submissions one process runs at once. Each holds a pooled connection for its transaction, and
 * they queue on locks (always on the embedded database's one session): measured there, 50
 * concurrent ratings held all 10 of the pool's connections and the rest of the API's queries
 * failed after the pool's 5-s wait. The others wait here, holding nothing.
 */
const SUBMISSIONS_AT_ONCE = 4;

/**
 * A scrub put off while a transaction older than the sealed batch is open: expected while a long
 * reader runs (the sealer's next check retries). Names what holds it.
 */
export class ScrubHeld extends Error {
  constructor(readonly holder: string) {
    super(`a transaction older than the sealed batch may still read its rows (${holder})`);
  }
}

/** How many holders a held scrub names, oldest first: enough to find the one left open. */
const HOLDERS_NAMED = 10;

/**
 * What may still read rows deleted by transaction `through` (or before), which a rewrite would
 * then copy, oldest first (the one left open is among them), or null. A session of this
 * database, or a standby's feedback (its walsender has no database), by its snapshot or its own
 * transaction; a session of any database by its own transaction, as the rewrite's snapshot
 * counts every transaction running anywhere as running (measured: one open in another database
 * kept all the batch's rows); a prepared transaction of any database, for the same reason; a
 * replication slot; or `vacuum_defer_cleanup_age` (PostgreSQL 15 and older). A plain VACUUM's
 * snapshot holds back no rewrite (an autovacuum of a large table would otherwise put the scrub
 * off for its whole run). `through` is a transaction id taken by the database (never a special
 * one): compared by age, as pg_stat_activity shows 32-bit ids.
 */
async function olderTransactionHolders(client: Client, through: bigint): Promise<string | null> {
  const { rows } = await client.query<{ holders: string | null }>(
    `WITH bound AS (SELECT age($1::text::xid) AS age),
     holders AS (
       SELECT format('session %s, %s%s', pid, coalesce(backend_type, 'backend'),
                     ', database ' || nullif(datname, current_database())) AS holder,
              greatest(age(backend_xmin), age(backend_xid)) AS age
         FROM pg_stat_get_activity(NULL) LEFT JOIN pg_database d ON d.oid = datid, bound
        WHERE pid <> pg_backend_pid()
          AND pid NOT IN (SELECT pid FROM pg_stat_progress_vacuum)
          AND (age(backend_xid) >= bound.age
               OR (datid IS NULL OR datname = current_database())
                  AND age(backend_xmin) >= bound.age)
       UNION ALL
       SELECT format('prepared transaction %s', gid), age(transaction)
         FROM pg_prepared_xacts, bound WHERE age(transaction) >= bound.age
       UNION ALL
       SELECT format('replication slot %s', slot_name), age(xmin)
         FROM pg_replication_slots, bound WHERE age(xmin) >= bound.age
       UNION ALL
       SELECT 'vacuum_defer_cleanup_age', NULL FROM bound
        WHERE bound.age <= coalesce(current_setting('vacuum_defer_cleanup_age', true)::int, 0))
     SELECT (SELECT string_agg(holder, '; ' ORDER BY age DESC NULLS LAST)
               FROM (SELECT * FROM holders ORDER BY age DESC NULLS LAST LIMIT $2) oldest)
            || (SELECT CASE WHEN count(*) > $2 THEN format('; and %s more', count(*) - $2) ELSE '' END
                  FROM holders) AS holders`,
    [(through % 2n ** 32n).toString(), HOLDERS_NAMED],
  );
  const [row] = rows;
  if (!row) throw new Error('the scrub could not tell what may still read the sealed rows');
  return row.holders;
}

/**
 * Rewrites the buffer's table and answers how many deleted rows the rewrite had to keep, as
 * PostgreSQL itself counts them (VERBOSE's "dead row versions cannot be removed yet", the
 * detail of its report on the table), or null when it made no report (it rewrites nothing for
 * a role that does not own the table): the one sure word, as what holds them may show in no
 * view by the time it is looked for (a session that ended since, a backend still connecting).
 * The count leads the detail in every language the server speaks; a report without one fails
 * the scrub rather than pass it.
 */
async function rewriteBuffer(client: Client): Promise<number | null> {
  const counts: (number | undefined)[] = [];
  const collect = (notice: { message?: string; detail?: string }) => {
    if (!notice.message?.includes('write_buffer') || notice.detail === undefined) return;
    const count = /^\s*(\d+)/.exec(notice.detail)?.[1];
    counts.push(count === undefined ? undefined : Number(count));
  };
  client.on('notice', collect);
  try {
    await client.query('VACUUM (FULL, VERBOSE) write_buffer');
  } finally {
    client.off('notice', collect);
  }
  if (counts.length === 0) return null;
  return counts.reduce<number>((sum, count) => {
    if (count === undefined) throw new Error('VACUUM FULL did not say how many rows it kept');
    return sum + count;
  }, 0);
}

/** What waits in the buffer: a member's join, or a proven write (a note's deletion too). */
export type BufferedKind = 'join' | 'note' | 'rating' | 'request' | 'deletion';

/** One buffered write, as its applier gets it when its batch is sealed. */
export interface SealedEntry<P = unknown> {
  communityId: string;
  payload: P;
}

/**
 * Stores a kind's buffered writes in their tables, inside the batch's transaction, in the order
 * given (already shuffled). Should not fail for a write the edge accepted: a failure rolls the
 * whole batch back; one of the moment is retried at the next check, one of a write's data makes
 * the sealer find and drop that write (`withoutRefused`, sealing-trial.ts).
 */
export type Applier<P = unknown> = (tx: Tx, entries: SealedEntry<P>[]) => Promise<void>;

export interface BufferedWrite<P> {
  communityId: string;
  kind: BufferedKind;
  /** The member the batch hides: the pseudonym, or the joining commitment. */
  actor: string;
  /** Two writes with one key are one write: the second is not buffered (`submit` says so). */
  dedupeKey: string;
  payload: P;
}

/**
 * The durable buffer of proven writes and joins (docs/threat-model.md). A write service checks
 * its write in full (proof, rules, quotas, against what is stored and what waits here), then
 * `submit`s what it will store: once that returns, the write is durable and is answered 201. The
 * `Sealer` later stores it in its table through the applier its service registered, with the
 * other writes of its batch.
 */
@Injectable()
export class WriteBuffer {
  private readonly appliers = new Map<BufferedKind, Applier>();
  private active = 0;
  private readonly queued: (() => void)[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    private readonly wal: WalRetirer,
  ) {}

  /** Called by each write service at construction, for its kind. */
  register<P>(kind: BufferedKind, applier: Applier<P>): void {
    this.appliers.set(kind, applier as Applier);
  }

  applierOf(kind: BufferedKind): Applier {
    const applier = this.appliers.get(kind);
    if (!applier) throw new Error(`no applier registered for buffered ${kind} writes`);
    return applier;
  }

  /** The window a time falls in: rows remember only this, to bound a quiet community's wait. */
  windowOf(ms: number): bigint {
    const seconds = Math.max(1, this.env.SEAL_WINDOW_SECONDS);
    return BigInt(Math.floor(ms / 1000 / seconds));
  }

  /**
   * Runs `check` and, if it passes, buffers the write, in one transaction under a lock on
   * `lockKey` (a transaction-level advisory lock), so two submissions that decide against each
   * other (a member's ratings of one note, its quota) are checked one after the other. `check`
   * throws to refuse the write, or answers false when there is nothing to store (a replay).
   * Answers whether the write was buffered: not when a write with its dedupe key already waits.
   * A pseudonym's write (all but a join) is refused with PSEUDONYM_BLOCKED when a moderator
   * blocked the pseudonym after its proof was checked (`blockedForWrite`, before `check`).
   */
  async submit<P>(
    lockKey: string,
    check: (tx: Tx) => Promise<boolean | void>,
    write: BufferedWrite<P>,
  ): Promise<boolean> {
    // A finished submission hands its slot straight to the next one waiting.
    if (this.active >= SUBMISSIONS_AT_ONCE) {
      await new Promise<void>((resolve) => this.queued.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await this.store(lockKey, check, write);
    } finally {
      const next = this.queued.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  private store<P>(
    lockKey: string,
    check: (tx: Tx) => Promise<boolean | void>,
    write: BufferedWrite<P>,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      // Never beside a sealing: what `check` reads is either still waiting here or stored.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${SEALING_LOCK})`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 25))`;
      // A block committed since the proof check's: refused as the proof check refuses one.
      if (write.kind !== 'join' && (await blockedForWrite(tx, write.communityId, write.actor))) {
        throw ApiError.of('PSEUDONYM_BLOCKED');
      }
      if ((await check(tx)) === false) return false;
      const inserted = await tx.$executeRaw`
        INSERT INTO write_buffer (id, community_id, kind, actor, dedupe_key, payload, arrived_window)
        VALUES (${randomUUID()}::uuid, ${write.communityId}::uuid, ${write.kind}, ${write.actor},
                ${write.dedupeKey}, ${JSON.stringify(write.payload)}::jsonb,
                ${this.windowOf(Date.now())})
        ON CONFLICT (dedupe_key) DO NOTHING`;
      return inserted === 1;
    }, SUBMIT_TRANSACTION);
  }

  /**
   * Rewrites the buffer's table and indexes with only the rows still waiting, after a batch was
   * sealed: the rows a batch deleted would otherwise keep their bytes and transaction ids in the
   * table's file, in arrival order, until their space is reused (a plain VACUUM only marks it
   * free). Takes the table's exclusive lock for the rewrite (a fraction of a second): submissions
   * wait for it. It must run outside every transaction and holding no other lock, which is why
   * the sealer calls it after its batch's commit: it waits only for the submissions already in
   * the table, which wait for nothing the rewrite holds. A long reader of the table (`pg_dump`, a
   * `db:copy` from this database) would make it wait, and every submission behind it: on its own
   * connection with a lock timeout, it gives up instead (thrown; the sealer's next check scrubs
   * again), as it does while a transaction older than `through` (the newest sealed batch's
   * transaction id) is open, or when the rewrite kept deleted rows (but for those immediate mode
   * takes as sealed later, `laterSealedAlone`).
   *
   * Then the WAL that still holds the buffered rows is retired (`WalRetirer`).
   */
  async scrubSealed(through: bigint): Promise<void> {
    const client = new Client({
      connectionString: this.env.DATABASE_URL,
      options: `-c lock_timeout=${SCRUB_LOCK_TIMEOUT_MS}`,
    });
    // A connection lost between statements is an 'error' event, which unheard would end the
    // process (a database restart, a proxy's cut): the next statement fails instead.
    client.on('error', () => undefined);
    await client.connect();
    try {
      // A rewrite copies the deleted rows a snapshot from before their deletion may still read
      // (a long export, a `pg_dump`): not tried while something is seen to hold them, and not
      // called done when it kept any (then named, if a view shows what holds them).
      const holders = await olderTransactionHolders(client, through);
      if (holders) throw new ScrubHeld(holders);
      const fileOf = async () =>
        (
          await client.query<{ node: string }>(
            `SELECT pg_relation_filenode('write_buffer')::text AS node`,
          )
        ).rows[0]?.node;
      const before = await fileOf();
      const kept = await rewriteBuffer(client);
      // VACUUM only warns, and rewrites nothing, when this role does not own the table.
      if ((await fileOf()) === before) {
        throw new Error('VACUUM FULL did not rewrite write_buffer: the role must own the table');
      }
      if (kept === null) throw new Error('VACUUM FULL did not say how many rows it kept');
      if (kept > 0) {
        const after = await olderTransactionHolders(client, through);
        if (after !== null || !this.laterSealedAlone) {
          const unseen =
            'none shown: a session that ended since, one still connecting, or a later batch';
          throw new ScrubHeld(`${after ?? unseen}; ${kept} deleted rows kept`);
        }
      }
      await this.wal.afterScrub(client);
    } finally {
      await client.end();
    }
  }

  /**
   * Whether deleted rows a rewrite kept, with nothing older than `through` seen to hold them
   * before it or after it, are taken as deleted after `through`, and the scrub as done: in
   * immediate mode (SEAL_WINDOW_SECONDS=0). There each request seals its own write, deleting its
   * row, and on a busy instance some request's transaction is always open from before the
   * latest of those deletions: the rewrite keeps those rows, and a scrub waiting for none to be
   * kept would be held for ever (after an hour, an error asking to end what holds it, which is
   * nothing). Such a row needs no scrub: stored alone as it arrived, it has no order to hide (a
   * process with a window still running beside it scrubs its own batches).
   *
   * Sound, but for holders no view shows: a row deleted by `through` or before is kept only
   * while something holds the rewrite's horizon at `through` or older. A snapshot's horizon is
   * the oldest transaction running when it is taken, so one that old needs a transaction of
   * `through` or older still running, which was running at the check before the rewrite, and
   * seen there (the scrub is then not tried). Unseen at both checks, yet there during the
   * rewrite, would be a standby's feedback arriving older than the horizon and gone again
   * before the second check, or a transaction passing between two views (being prepared) at the
   * very moment of the first: a few of the scrubbed batch's rows could then stay in the files
   * until a later rewrite. With a window, where every batch's rows have an order to hide,
   * PostgreSQL's count alone decides.
   */
  private get laterSealedAlone(): boolean {
    return this.env.SEAL_WINDOW_SECONDS === 0;
  }

  /**
   * A transaction id newer than every one committed so far (one taken for it): the scrub's bound
   * for the batches of earlier processes.
   */
  async committedThrough(): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<{ xid: string }[]>`
      SELECT pg_current_xact_id()::text AS xid`;
    if (!row) throw new Error('no transaction id');
    return BigInt(row.xid);
  }

  /** The payloads of a kind waiting for a community whose dedupe keys start with `prefix`. */
  async waiting<P>(
    client: Tx | PrismaService,
    communityId: string,
    kind: BufferedKind,
    prefix: string,
  ): Promise<P[]> {
    const rows = await client.$queryRaw<{ payload: P }[]>`
      SELECT payload FROM write_buffer
       WHERE community_id = ${communityId}::uuid AND kind = ${kind}
         AND starts_with(dedupe_key, ${prefix})`;
    return rows.map((row) => row.payload);
  }
}
