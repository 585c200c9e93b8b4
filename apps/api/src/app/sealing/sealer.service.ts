import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { errorCode, Prisma, PrismaService } from '@bridgenotes/database';
import { randomInt } from 'node:crypto';

import { isDataFault } from './data-fault';
import { type DueRule, isDue, longestWaitSeconds, type Waiting, waitWindows } from './due';
import {
  applyInOrder,
  type BufferedRow,
  NothingSealed,
  storedWithoutRefused,
} from './sealing-trial';
import { type BufferedKind, ScrubHeld, SEALING_LOCK, WriteBuffer } from './write-buffer.service';

/**
 * The kinds in the order a batch stores them: a note before the requests on its post, and a
 * note's deletion after the ratings answered before it.
 */
const KIND_ORDER: BufferedKind[] = ['join', 'note', 'request', 'rating', 'deletion'];

/** A held scrub is an error to act on past this: longer than a long export or `pg_dump` runs. */
const SCRUB_HELD_ALARM_MS = 60 * 60_000;

/**
 * How often immediate mode, which has no window, retries what it owes (`sweep`): what its start
 * owes, and a write whose seal failed in its request. The default window's period, so a held
 * scrub is retried and warned about as often as there, and a write waits no longer than one
 * check would have made it wait there.
 */
const SWEEP_RETRY_MS = 60_000;

/** A batch may be large after an outage: give its one transaction time. */
const BATCH_TRANSACTION = { maxWait: 30_000, timeout: 300_000 };

interface Batch {
  sealed: number;
  transaction: bigint;
  /** What the operator is told of each write dropped (`withoutRefused`), once committed. */
  drops?: string[];
}

/** Fisher–Yates with the system's CSPRNG: the stored order must not depend on arrival. */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Seals the write buffer into the real tables (docs/threat-model.md, docs/architecture.md
 * "Sealed writes"). Runs in every API process on a timer of SEAL_WINDOW_SECONDS; sealers of
 * several processes take turns on the sealing advisory lock, so a row is sealed once.
 * A community's joins, and separately its other writes, are due once SEAL_MIN_MEMBERS different
 * members wait (or the oldest waited SEAL_MAX_WAIT_SECONDS); every due write is stored in one
 * transaction, in shuffled order, and deleted from the buffer in it. A crash before the commit
 * leaves the buffer as it was; the next check seals it. A batch the database refuses for a
 * write's data is not retried as it is, which would stop every community's writes: the writes
 * it refuses are dropped, the rest sealed where it still makes K members (`storedWithoutRefused`).
 * After the commit the buffer's files are rewritten without the deleted rows
 * (`WriteBuffer.scrubSealed`). In immediate mode each request seals its own write, and the timer
 * only retries what the process owes (`sweep`): what its start owes, and a write whose seal
 * failed in its request (answered as pending, `afterSubmit`).
 */
@Injectable()
export class Sealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Sealer.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<number> = Promise.resolve(0);
  /**
   * The newest sealed batch (its transaction id) whose scrub failed (the table's lock not had in
   * time, or a snapshot older than the batch still open: a long reader, an autovacuum not yet
   * cancelled): its rows stay in the files until a scrub succeeds, so every check retries it,
   * not only the next batch, which a quiet community may not have for hours. Owed from the
   * start (`start`): a process that stopped between a batch's commit and its scrub, or with one
   * owed, leaves the rows for the next process's first check.
   */
  private scrubOwed: bigint | 'start' | null = 'start';
  /** Immediate mode: what a process with a window left waiting is still to be stored (`sweep`). */
  private leftOver = true;
  /** Immediate mode: a write whose seal failed in its request waits for the timer (`sweep`). */
  private unsealed = false;
  /** Shutting down: a failed seal arms no timer that would outlive the process's database. */
  private closing = false;
  /** When the owed scrub was first held by an older transaction (ScrubHeld), since its last success. */
  private heldSince: number | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly buffer: WriteBuffer,
    private readonly env: Environment,
  ) {}

  /** Every write is sealed in its own request (SEAL_WINDOW_SECONDS=0). */
  get immediate(): boolean {
    return this.env.SEAL_WINDOW_SECONDS === 0;
  }

  /** The longest a write waits for its batch (`longestWaitSeconds`), published with communities. */
  get longestWaitSeconds(): number | null {
    return longestWaitSeconds(this.env);
  }

  onApplicationBootstrap(): void {
    this.arm();
    // Writes a previous process left in the buffer are sealed as soon as they are due (in
    // immediate mode all of them: each would have been sealed in its request).
    void this.sealDue();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.disarm();
    await this.running;
  }

  /** Starts the checks, unless they already run: every window, or every minute in immediate mode. */
  private arm(): void {
    if (this.timer !== undefined || this.closing) return;
    const every = this.immediate ? SWEEP_RETRY_MS : this.env.SEAL_WINDOW_SECONDS * 1000;
    this.timer = setInterval(() => void this.sealDue(), every);
    this.timer.unref();
  }

  private disarm(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Seals what is due now; answers how many writes it stored. One seal at a time per process. */
  sealDue(): Promise<number> {
    this.running = this.running.then(() =>
      this.seal().catch((error: unknown) => {
        // The buffer is untouched (one transaction): the next check retries.
        // Its code, never its message: a query's error may print its arguments (a payload).
        this.logger.error(`sealing failed (${errorCode(error)}): retried at the next check`);
        return 0;
      }),
    );
    return this.running;
  }

  /**
   * After a write in immediate mode: seals its community's waiting writes before the answer.
   * Never throws: the write is in the buffer, durable, and will be stored, so a failed seal (a
   * lock timeout, a connection lost, a batch failing for its data with no write refused alone)
   * must not answer 500, which a client would retry, or show as a failure of a write that then
   * appears. The service answers what it reads: the write still pending, as with a window (a
   * join's `pending`, the note or request as it will be stored); and the timer, stopped once
   * nothing was owed, is armed again to store it within a minute (`sweep`), not at the next
   * write to its community, which may never come.
   */
  async afterSubmit(communityId: string): Promise<void> {
    if (!this.immediate) return;
    try {
      await this.seal(communityId);
    } catch (error) {
      // Its code, never its message: a query's error may print its arguments (a payload).
      this.logger.error(
        `sealing a write in its request failed (${errorCode(error)}): answered as pending, ` +
          'retried within a minute',
      );
      this.unsealed = true;
      this.arm();
    }
  }

  /**
   * Seals what is due, or everything waiting for `only` (immediate mode), then scrubs the
   * sealed rows out of the buffer's files once the batch is committed. A scrub owed from before
   * (`scrubOwed`) is retried first, also when this batch then fails: by then a window has passed
   * since its batch, and the statements that were running at that batch's commit (which hold
   * back a scrub tried right after it, on a busy instance every time) are long done. A write
   * sealed in its request (`only`, immediate mode) has no order to hide (it is stored alone, as
   * it arrives), so it is not scrubbed; immediate mode's own checks `sweep`.
   */
  private async seal(only?: string): Promise<number> {
    if (only !== undefined) return (await this.store(only))?.sealed ?? 0;
    if (this.immediate) return this.sweep();
    if (this.scrubOwed !== null) await this.scrub();
    const batch = await this.store();
    if (!batch) return 0;
    this.scrubOwed = batch.transaction;
    await this.scrub();
    return batch.sealed;
  }

  /**
   * Immediate mode's check, at its start and then on a timer until it owes nothing: stores every
   * write waiting in any community (what a process with a window left: answered 201, each would
   * otherwise wait for the next write to its community, if one ever comes), then scrubs what a
   * process with a window sealed without scrubbing, and this batch: their rows lie in the
   * buffer's files in arrival order. Once that store succeeded, a check only retries the scrub:
   * whatever waits later is a live process's (a write between its submission and its own seal),
   * unless a request's own seal failed (`unsealed`): then it stores every write waiting, again
   * and at every check until that succeeds, and scrubs none of it (each would have been stored
   * alone as it arrived, with no order to hide). The flag is cleared before the store, so a seal
   * failing meanwhile sets it for the next check, its write being in the buffer before.
   * The scrub's bound is taken after the store, and again after each store that failed:
   * meanwhile a request sealing its write seals its community's leftovers with it. Retried by
   * the timer, not by the next request: a request must not wait for the table's rewrite, and a
   * quiet instance may have none for hours.
   */
  private async sweep(): Promise<number> {
    const unsealed = this.unsealed;
    this.unsealed = false;
    try {
      if (!this.leftOver && !unsealed) return 0;
      const batch = await this.store();
      if (this.leftOver && batch) this.scrubOwed = batch.transaction;
      this.leftOver = false;
      return batch?.sealed ?? 0;
    } catch (error) {
      this.unsealed ||= unsealed;
      throw error;
    } finally {
      await this.scrub();
      if (this.leftOver) this.scrubOwed = 'start';
      if (this.scrubOwed === null && !this.unsealed) this.disarm();
    }
  }

  /** The batch is stored either way: a failed scrub stays owed, and the next check retries it. */
  private async scrub(): Promise<void> {
    try {
      const through =
        this.scrubOwed === 'start' ? await this.buffer.committedThrough() : this.scrubOwed;
      if (through === null) return;
      this.scrubOwed = through;
      await this.buffer.scrubSealed(through);
      this.scrubOwed = null;
      this.heldSince = null;
    } catch (error) {
      const message = `scrubbing sealed writes failed: ${(error as Error).message}`;
      if (!(error instanceof ScrubHeld)) return this.logger.error(message);
      // Held for a while is a long reader at work; held past the alarm is something left open
      // (a session idle in its transaction, a slot or a standby behind), keeping the sealed
      // writes in the buffer's files in arrival order until it ends: an error to act on.
      this.heldSince ??= Date.now();
      const minutes = Math.floor((Date.now() - this.heldSince) / 60_000);
      if (minutes * 60_000 < SCRUB_HELD_ALARM_MS) return this.logger.warn(message);
      this.logger.error(`${message}, for ${minutes} minutes: end it to scrub the sealed writes`);
    }
  }

  /**
   * The batch stored, and its transaction's id (the scrub's bound), or nothing when none was due.
   * A batch the database refused for a write's data (`isDataFault`) is tried once more in a new
   * transaction that first finds and drops the writes it cannot store (`withoutRefused`); any
   * other failure (a lock or connection lost, a serialization failure, a timeout) leaves the
   * buffer as it was for the next check.
   */
  private async store(only?: string): Promise<Batch | null> {
    try {
      return await this.storeBatch(only);
    } catch (error) {
      if (!isDataFault(error)) throw error;
      const batch = await this.storeBatch(only, error).catch((failure: unknown) => {
        if (!(failure instanceof NothingSealed)) throw failure;
        for (const drop of failure.drops) this.logger.error(drop);
        return null;
      });
      // Said only now: until the commit nothing was dropped (a failure after the trial leaves
      // every write in the buffer for the next check).
      for (const drop of batch?.drops ?? []) this.logger.error(drop);
      return batch;
    }
  }

  /** One batch's transaction; after `refused` (a data fault), without the writes refused. */
  private storeBatch(only?: string, refused?: unknown): Promise<Batch | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEALING_LOCK})`;
      const rule = this.dueRule();
      const due = (await this.dueGroups(tx, rule)).filter(
        (group) => only === undefined || group.community_id === only,
      );
      // Nothing due changes nothing: the counter stays, or it would tick with every check, a
      // clock in the export beside the batches it orders.
      if (due.length === 0) return null;
      // Takes this batch's number before any applier writes (the same lock order whatever is
      // stored): the counter row stays locked until the commit.
      await tx.$queryRaw`SELECT change_batch()`;
      const rows = await tx.$queryRaw<BufferedRow[]>`
        SELECT id, community_id, kind, actor, arrived_window, payload FROM write_buffer
         WHERE (community_id, kind = 'join') IN (
           SELECT * FROM unnest(${due.map((group) => group.community_id)}::uuid[],
                                ${due.map((group) => group.joins)}::boolean[]))`;
      const ordered = KIND_ORDER.flatMap((kind) =>
        shuffled(rows.filter((row) => row.kind === kind)),
      );
      const { stored, removed, drops } =
        refused === undefined
          ? { stored: ordered, removed: ordered, drops: [] }
          : await storedWithoutRefused(tx, ordered, refused, rule, (kind) =>
              this.buffer.applierOf(kind),
            );
      await applyInOrder(tx, stored, (kind) => this.buffer.applierOf(kind));
      // The dropped writes leave the buffer with the sealed ones, and its files with their scrub.
      await tx.$executeRaw`
        DELETE FROM write_buffer WHERE id = ANY(${removed.map((row) => row.id)}::uuid[])`;
      const [batch] = await tx.$queryRaw<{ xid: string }[]>`
        SELECT pg_current_xact_id()::text AS xid`;
      if (!batch) throw new Error('the batch has no transaction id');
      return { sealed: stored.length, transaction: BigInt(batch.xid), drops };
    }, BATCH_TRANSACTION);
  }

  /** When a group is due at this check. */
  private dueRule(): DueRule {
    return {
      immediate: this.immediate,
      minMembers: this.env.SEAL_MIN_MEMBERS,
      waitWindows: waitWindows(this.env),
      now: this.buffer.windowOf(Date.now()),
    };
  }

  /** The (community, joins or not) groups due now, counted over every waiting row. */
  private async dueGroups(tx: Prisma.TransactionClient, rule: DueRule): Promise<Waiting[]> {
    const groups = await tx.$queryRaw<Waiting[]>`
      SELECT community_id, kind = 'join' AS joins, count(DISTINCT actor)::int AS members,
             min(arrived_window) AS oldest
        FROM write_buffer GROUP BY 1, 2`;
    return groups.filter((group) => isDue(group, rule));
  }
}
