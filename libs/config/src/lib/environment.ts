// Over 550 lines, one room: the one declaration of every variable the API and the worker read,
// each with its default, bounds and what it does, validated whole at each boot
// (`validateEnvironment`), so that neither app starts with a setting the other would refuse.
// Long because it lists some sixty variables, not because it does much.
import { plainToInstance, Transform } from 'class-transformer';
import { MAX_ROOT_HISTORY_WINDOW_SECONDS } from '@bridgenotes/protocol';
import { availableParallelism } from 'node:os';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';

export const NODE_ENVIRONMENTS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;
export type QueueBackend = (typeof QUEUE_BACKENDS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/**
 * Every variable either app reads. Both apps validate the whole set at boot so a deployment
 * cannot start one half of the system with a configuration the other half would reject.
 * Documented, one row per variable, in the README.
 */
export class Environment {
  @IsIn(NODE_ENVIRONMENTS, { message: `must be one of ${NODE_ENVIRONMENTS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVIRONMENTS)[number] = 'development';

  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'must be a PostgreSQL connection URL, e.g. postgresql://user@host:5432/database',
  })
  DATABASE_URL!: string;

  /**
   * How long a query waits for one of the process's pooled database connections (10) before its
   * request is answered 503 DATABASE_BUSY. On a server a wait means the pool is too small for
   * the load, and 5 s says so early. The embedded database is one session that every query
   * waits its turn for, behind legitimate work that holds it for seconds (a scoring publish, a
   * scrub, a loaded machine): `npm start` sets 30 there, so requests queue rather than fail.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be from 1 to 300 (seconds)' })
  @Max(300, { message: 'must be from 1 to 300 (seconds)' })
  DATABASE_POOL_WAIT_SECONDS = 5;

  /**
   * Where BullMQ keeps its queues: Redis, or PostgreSQL (a schema `bullmq_<QUEUE_PREFIX>` in DATABASE_URL's
   * database, for deployments with no Redis, such as the embedded mode of `npm start`).
   */
  @IsIn(QUEUE_BACKENDS, { message: `must be one of ${QUEUE_BACKENDS.join(', ')}` })
  QUEUE_BACKEND: QueueBackend = 'redis';

  /** Needed only when the queues live in Redis. */
  @ValidateIf((environment: Environment) => environment.QUEUE_BACKEND === 'redis')
  @Matches(/^rediss?:\/\/\S+$/, {
    message: 'must be a Redis connection URL, e.g. redis://127.0.0.1:6379',
  })
  REDIS_URL?: string;

  /** At most 56: with the PostgreSQL backend it names the schema `bullmq_<prefix>` (63 at most). */
  @Matches(/^[A-Za-z0-9_.-]{1,56}$/, {
    message: 'must be 1 to 56 letters, digits, dots, dashes or underscores',
  })
  QUEUE_PREFIX = 'bridgenotes';

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be a port number from 1 to 65535' })
  @Max(65535, { message: 'must be a port number from 1 to 65535' })
  PORT = 3000;

  @IsString({ message: 'must be a host name or address to listen on' })
  HOST = '127.0.0.1';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** SHA-256 of the operator API key, hex. Unset: operator endpoints answer 403. */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be the SHA-256 of the operator key, 64 hex digits' })
  OPERATOR_API_KEY_SHA256?: string;

  /**
   * The key of the hashes that stand for issuer accounts and used tickets (CREDENTIAL
   * admission), 64 hex digits (32 random bytes). Unset: credential joins answer 503. Changing it
   * forgets which accounts hold memberships. Secret: never logged.
   */
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be 32 random bytes as 64 hex digits' })
  CREDENTIAL_HASH_KEY?: string;

  /**
   * Days an account of a CREDENTIAL community waits between two replacements of a lost identity
   * (`replaceLostIdentity`): each replacement gives the account a new pseudonym while the old
   * one's ratings keep counting, so without a wait one account could rate as many.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of days' })
  @Min(1, { message: 'must be at least 1 (days)' })
  @Max(3_650, { message: 'must be at most 3650 (days)' })
  CREDENTIAL_REPLACEMENT_DAYS = 30;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(64, { message: 'must be at most 64' })
  SCORING_CONCURRENCY = 1;

  /**
   * How long a replaced group root still admits proofs, in seconds, like the Semaphore contract's
   * `merkleTreeDuration`: members who fetched the group just before a change can still act.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 or more (seconds)' })
  @Max(MAX_ROOT_HISTORY_WINDOW_SECONDS, {
    message: `must be at most ${MAX_ROOT_HISTORY_WINDOW_SECONDS} (30 days)`,
  })
  ROOT_HISTORY_WINDOW_SECONDS = 3_600;

  /**
   * The fewest live members (non-zero leaves) a group root must have for a proof against it to
   * be accepted (`403 PROOF_ROOT_TOO_SMALL` below): a proof hides its member only among the
   * root's members, and a pseudonym's anonymity set is the smallest one it ever proved against,
   * for good (a one-member root is the member's commitment itself). 20 by default: above
   * SEAL_MIN_MEMBERS' batches of 8, and about what a community needs before its notes can be
   * decided at all (5 ratings each, from raters on both sides); docs/threat-model.md. 1 turns it
   * off (the test runs' setting, whose communities have a few members).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of members' })
  @Min(1, { message: 'must be at least 1 (members)' })
  @Max(1_048_576, { message: 'must be at most 1048576 (a tree of depth 20)' })
  PROOF_MIN_MEMBERS = 20;

  /**
   * Debounce of rescoring after new notes and ratings, in seconds: the first accepted write
   * schedules one run this long after it, and writes until then share that run. Short, for a
   * rating to show soon (`npm run bench:freshness`): runs never overlap (one lease per community),
   * so under a steady stream a large community is rescored back to back at most; raise it to
   * spend less CPU on such a community.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 or more (seconds)' })
  SCORING_DEBOUNCE_SECONDS = 5;

  /**
   * How long a scoring job's lock in Redis lasts without renewal, in seconds. A worker that dies
   * mid-run has its job taken over by another about this long after; it must exceed the longest
   * synchronous scoring step (about 30 s at 10M ratings), which cannot renew the lock.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(2, { message: 'must be at least 2 (seconds)' })
  SCORING_LOCK_SECONDS = 120;

  /**
   * A scoring run's hard limit, in seconds, per attempt: an attempt still running this long after
   * it started (the database's clock: `now() - started_at`) is failed `TIMED_OUT` by its own
   * timer and by the worker's watch over runs, its lease freed and its community asked for again.
   * A connection that hangs (half-open) would otherwise hold the run, its community's lease and
   * a slot of the scoring queue for good.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be at least 1 (seconds)' })
  // Node's longest timer is 2^31 - 1 ms; a longer one fires at once, failing every run.
  @Max(2_147_483, { message: 'must be at most 2147483 (seconds, about 24 days)' })
  SCORING_RUN_TIMEOUT_SECONDS = 3_600;

  /**
   * `statement_timeout` of the scoring load's own connection (its COPY statements), in seconds;
   * that connection also sends TCP keepalives, so a peer gone without a word ends it with an error.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be at least 1 (seconds)' })
  SCORING_STATEMENT_TIMEOUT_SECONDS = 600;

  /**
   * How long, in ms, a scoring job waits before trying again when another run of its community
   * holds the lease: short enough that queued runs follow soon after the holder, long enough not
   * to keep a worker polling the database while a long run goes on.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(50, { message: 'must be at least 50 (ms)' })
  SCORING_BUSY_RETRY_MS = 5_000;

  /**
   * Worker threads a scoring run of a large community (50,000 ratings or more) spreads its
   * independent fits over (libs/scoring `scoreNotesInThreads`: at most 2 are used today); 1
   * scores in the worker's own thread. Statuses are byte-identical whatever the number.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1 (score in the worker thread itself)' })
  @Max(64, { message: 'must be at most 64' })
  SCORING_THREADS = availableParallelism();

  /**
   * When every community is rescored in full, as a cron pattern (minute hour day month weekday),
   * on top of the rescoring new writes ask for; \`off\` disables it.
   */
  @Matches(/^(off|\S+( \S+){4,5})$/, {
    message: 'must be a cron pattern such as "0 * * * *", or off',
  })
  SCORING_CRON = '0 * * * *';

  /**
   * Incremental runs (docs/architecture.md, "Incremental runs"): a run asked for by new ratings
   * scores only the notes they touched, against the rater parameters of the community's last
   * full run, as long as that run finished less than this many seconds ago; after that (and
   * with `SCORING_CRON`'s runs) the run is full. 0 makes every run full.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 or more (seconds)' })
  SCORING_FULL_RUN_INTERVAL_SECONDS = 3_600;

  /**
   * A run is full, whatever the interval, once this many ratings were written or changed since
   * the last full run: the frozen rater parameters drift from what the data says as it grows.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  SCORING_FULL_RUN_AFTER_RATINGS = 20_000;

  /**
   * How many of a community's latest runs keep their per-note scores; older runs keep only their
   * run record (counts, input hash, parameters).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  SCORE_RETENTION_RUNS = 168;

  /**
   * How often every followed community is pulled from its origin, in seconds (a new mirror is
   * pulled at once); 0 disables the periodic pull.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 (off) or more (seconds)' })
  MIRROR_PULL_SECONDS = 300;

  /**
   * What a mirror reads of an origin, which another party runs (docs/operations.md, "Mirroring:
   * what an origin may send"); over any of these a pull stops and records why. The most bytes
   * of one record: an NDJSON line of the export, or a JSON document (the manifest, the runs
   * list). Real records are 0.1 to 4 kB; the largest note possible a few tens of kB.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of bytes' })
  @Min(1_024, { message: 'must be at least 1024 (bytes)' })
  MIRROR_MAX_RECORD_BYTES = 1_048_576;

  /**
   * The most bytes of one response: a page of 500 notes, ratings or requests, of 1,000
   * moderation log entries, or of 5,000 members, roots or results (5,000 results, the largest,
   * are about 20 MB).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of bytes' })
  @Min(1_024, { message: 'must be at least 1024 (bytes)' })
  MIRROR_MAX_RESPONSE_BYTES = 67_108_864;

  /**
   * The most records one pull reads of a stream it takes whole before storing anything of it:
   * the new roots and the new members (held in memory, about 250 bytes each), the origin's
   * results (one per note, kept in a temporary file). 2^20: a full group (Semaphore depth 20).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  MIRROR_MAX_STREAM_RECORDS = 1_048_576;

  /** How long, in ms, a mirror waits for an origin's headers or the next bytes of its body. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(100, { message: 'must be at least 100 (ms)' })
  MIRROR_READ_IDLE_MS = 30_000;

  /** How long, in ms, one response of an origin may take from the request to its last byte. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(100, { message: 'must be at least 100 (ms)' })
  MIRROR_READ_TIMEOUT_MS = 120_000;

  /**
   * Whether a mirror may read an origin at a loopback, private (RFC 1918, carrier-grade NAT),
   * link-local (with the cloud metadata service), unique-local or unspecified address, or at a
   * name that resolves to one (`isPrivateAddress`), when following (the API reads the manifest)
   * and pulling (the worker). Off by default: both read from inside the deployment's network, so
   * an origin URL (or a name an origin controls) could otherwise reach the machine and its
   * neighbours. `true` to follow `bridgenotes serve` on 127.0.0.1, or an instance on the local
   * network, and for tests. Redirects are never followed, whatever this says.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  MIRROR_ALLOW_PRIVATE_ORIGINS = false;

  /**
   * Worker threads each API process verifies proofs in (Groth16: ~7.5 ms of CPU for one proof
   * alone, ~3 ms each in the batches a busy API forms); 0 verifies on the request thread.
   * Defaults to one per CPU core: verification is most of a write's CPU, and the request thread
   * mostly waits on PostgreSQL meanwhile. With API_PROCESSES > 1, about cores ÷ processes.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (verify on the request thread) or more' })
  @Max(64, { message: 'must be at most 64' })
  PROOF_VERIFIER_THREADS = availableParallelism();

  /**
   * Proofs that may wait for a verifier thread in one API process; a write beyond that is
   * answered 503 PROOF_VERIFIER_BUSY with Retry-After at once (at ~3 ms a proof per thread,
   * 256 is under a second of work on two threads) instead of waiting ever longer.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  PROOF_VERIFIER_QUEUE = 256;

  /**
   * API processes sharing the port (Node's cluster), each with its own verifier threads: one
   * process serves HTTP on one core, so a machine with more cores than reads need takes more.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(64, { message: 'must be at most 64' })
  API_PROCESSES = 1;

  /**
   * How long, in ms, an API process answers `GET /posts` (the widget's read on every page view)
   * from its cache. A write through this machine's API processes clears it at once; published
   * statuses and writes through other machines show after at most this long. 0: no cache.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(0, { message: 'must be 0 (no cache) or more (milliseconds)' })
  @Max(60_000, { message: 'must be at most 60000 (a minute)' })
  POST_CACHE_MS = 1_000;

  /**
   * Requests one client may make per RATE_LIMIT_WINDOW_SECONDS, per class of route: reads (GET),
   * joins (POST …/members), proven writes (every other write a member makes; a failed proof
   * costs RATE_LIMIT_FAILED_PROOF_COST of them) and operator routes. 0 turns a class's limit off.
   * Clients are told apart by a keyed hash of their address (see docs/operations.md).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no limit) or more' })
  RATE_LIMIT_READS = 1_200;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no limit) or more' })
  RATE_LIMIT_JOINS = 20;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no limit) or more' })
  RATE_LIMIT_WRITES = 120;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no limit) or more' })
  RATE_LIMIT_OPERATOR = 600;

  /**
   * The window of every class's budget. The buckets' key changes every hour, or every window (in
   * whole windows) when the window is longer, so a change cuts a window at most once.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1, { message: 'must be at least 1 (second)' })
  @Max(86_400, { message: 'must be at most 86400 (a day)' })
  RATE_LIMIT_WINDOW_SECONDS = 60;

  /**
   * How many proven writes a write whose proof fails verification counts as: a forged proof
   * costs the API a full Groth16 check (~40 reads' worth of CPU), so its sender runs out first.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1_000, { message: 'must be at most 1000' })
  RATE_LIMIT_FAILED_PROOF_COST = 10;

  /**
   * Reverse proxies in front of the API whose X-Forwarded-For to believe (Express' "trust
   * proxy" hop count). 0, the default, uses the connection's address: set it only behind a
   * proxy that overwrites the header, or any client can pick its own rate-limit bucket.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of proxy hops' })
  @Min(0, { message: 'must be 0 (no proxy) or more' })
  @Max(10, { message: 'must be at most 10' })
  TRUST_PROXY_HOPS = 0;

  /**
   * Secret shared by every API machine for the hash that keys rate-limit buckets (at least 32
   * characters), so machines behind one load balancer share a client's buckets in Redis. Unset:
   * each start draws a random one, shared with its own API_PROCESSES. Kept in memory only.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\S{32,}$/, { message: 'must be at least 32 characters, no spaces' })
  RATE_LIMIT_SECRET?: string;

  /**
   * The Redis the rate-limit buckets live in, shared by every API process and machine: one
   * that keeps nothing on disk (`--save "" --appendonly no`), never the queues' Redis, whose
   * append-only file would keep each client's hits with their times to the millisecond. The API
   * checks the server's persistence when it connects and keeps its buckets in its own memory
   * while it persists. Unset: each API process keeps its own buckets in memory (a client spread
   * over API_PROCESSES processes gets up to that many budgets). See docs/operations.md.
   */
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, {
    message: 'must be a Redis connection URL, e.g. redis://127.0.0.1:6380',
  })
  RATE_LIMIT_REDIS_URL?: string;

  /**
   * Notes, and note requests, one pseudonym may write per UTC day in one community (Community
   * Notes' daily limits); 0: no quota. Counted per day, never with a finer time.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no quota) or more' })
  NOTES_PER_DAY = 10;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no quota) or more' })
  NOTE_REQUESTS_PER_DAY = 20;

  /**
   * Invite codes the members of one community may create by proof per UTC day, all members
   * together (invite quotas): invitees who earn standing invite in turn, and this keeps the
   * community's growth through member invites linear. Counted per day, never with a finer time.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1 (inviteQuota 0 turns member invites off)' })
  MEMBER_INVITES_PER_DAY = 20;

  /**
   * When the worker deletes the daily quota counts of days before today (cron, UTC): a quota only
   * needs today's, and the older rows would say who wrote on which day. \`off\` keeps them.
   */
  @Matches(/^(off|\S+( \S+){4,5})$/, {
    message: 'must be a cron pattern such as "10 0 * * *", or off',
  })
  DAILY_COUNTS_PRUNE_CRON = '10 0 * * *';

  /**
   * A community whose group gains more members than this in an hour is reported (a warning in
   * the log, and `warnings.groupGrowth` in `GET /ready`); 0 turns the report off.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(0, { message: 'must be 0 (no report) or more' })
  GROUP_GROWTH_ALERT_PER_HOUR = 500;

  /**
   * Unlinkability at rest (docs/threat-model.md): proven writes and joins wait in the write
   * buffer and are sealed into their tables in batches, one transaction per batch, in shuffled
   * order. The API checks every SEAL_WINDOW_SECONDS and seals a community's joins, or its other
   * writes, once at least SEAL_MIN_MEMBERS different members (K) wait in it, or once its oldest
   * has waited SEAL_MAX_WAIT_SECONDS (0: never; the batch is then smaller than K, which the
   * threat model says). SEAL_WINDOW_SECONDS=0 seals every write at once, in its request: no
   * unlinkability, for development and tests only.
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 (seal at once) or more (seconds)' })
  SEAL_WINDOW_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be 1 or more' })
  SEAL_MIN_MEMBERS = 8;

  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(0, { message: 'must be 0 (wait for K members) or more (seconds)' })
  SEAL_MAX_WAIT_SECONDS = 21_600;

  /**
   * Whether a community's webhook may be a loopback, private (RFC 1918, carrier-grade NAT),
   * link-local (with the cloud metadata service), unique-local or unspecified address, or a name
   * that resolves to one (`isPrivateAddress`). Off by default: the worker POSTs from inside the
   * deployment's network, so such a URL would let an operator key reach the machine and its
   * neighbours. `true` for an on-premises receiver on the local network, and for tests.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE_RECEIVERS = false;

  /**
   * At most how many status changes one webhook request carries: a run with more (a first run,
   * an algorithm change in a large community) is sent as several pages, in order, each with the
   * run's `sequence` and its `page` of `pages`. 115 to 124 bytes a change: 500 keep a request
   * under 63 kB, below receivers' common default body limits (100 kB, 1 MB).
   */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  WEBHOOK_PAGE_CHANGES = 500;

  /** How long the worker may take to finish its active jobs after SIGTERM before it exits anyway. */
  @Transform(toInt)
  @IsInt({ message: 'must be a whole number of milliseconds' })
  @Min(1_000, { message: 'must be at least 1000 (ms)' })
  SHUTDOWN_TIMEOUT_MS = 60_000;
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const reasons = [...new Set(Object.values(error.constraints ?? {}))];
    const shown = error.value === undefined || error.value === '' ? 'is not set' : 'is invalid';
    // Values are never echoed: a malformed variable is as likely to hold a secret as a valid one.
    return `${error.property} ${shown}: ${reasons.join('; ')}`;
  });
}

/** Parses and validates raw variables (usually `process.env`); throws naming every problem. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const environment = plainToInstance(Environment, present, { exposeDefaultValues: true });
  const errors = validateSync(environment, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(describe(errors));
  }
  return environment;
}
