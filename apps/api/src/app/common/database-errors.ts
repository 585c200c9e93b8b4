import type { ErrorCode } from './error-catalogue';

/** What a transient database failure answers: a 503 the client may send again. */
export interface DatabaseFailure {
  code: Extract<ErrorCode, 'DATABASE_BUSY' | 'DATABASE_UNAVAILABLE'>;
  /** Seconds, for Retry-After: a busy pool frees up in moments, a server away takes longer. */
  retryAfter: number;
}

const BUSY: DatabaseFailure = { code: 'DATABASE_BUSY', retryAfter: 1 };
const UNAVAILABLE: DatabaseFailure = { code: 'DATABASE_UNAVAILABLE', retryAfter: 5 };

/** node-postgres' pool, when no connection was free within `connectionTimeoutMillis`. */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Prisma's interactive transaction (P2028, among other transaction errors), when it got no
 * connection within its `maxWait`: the write buffer's submissions wait so while a long
 * transaction holds the pool.
 */
const TRANSACTION_START_TIMEOUT = 'Unable to start a transaction in the given time';

/** PostgreSQL's SQLSTATEs for a server that refuses connections for now. */
const REFUSING = new Set([
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or in recovery)
]);

interface AdapterCause {
  kind?: string;
  code?: string;
}

/** The driver adapter's error, as Prisma passes it on (in `meta`, or thrown as it is). */
function adapterCause(error: object): AdapterCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  if (meta?.driverAdapterError?.cause) return meta.driverAdapterError.cause;
  if ((error as { name?: unknown }).name === 'DriverAdapterError') {
    return (error as { cause?: AdapterCause }).cause;
  }
  return undefined;
}

/**
 * Whether an error is the database being busy or away rather than a fault of the request or the
 * code: such a request is answered 503 with Retry-After (the client sends it again), not 500.
 */
export function databaseFailureOf(error: unknown): DatabaseFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (message === POOL_TIMEOUT) return BUSY;
  if (
    code === 'P2028' &&
    typeof message === 'string' &&
    message.includes(TRANSACTION_START_TIMEOUT)
  ) {
    return BUSY;
  }
  const cause = adapterCause(error);
  switch (cause?.kind) {
    case 'TooManyConnections':
      return BUSY;
    case 'DatabaseNotReachable':
    case 'ConnectionClosed':
    case 'SocketTimeout':
      return UNAVAILABLE;
    case 'postgres':
      return REFUSING.has(cause.code ?? '') ? UNAVAILABLE : undefined;
    default:
      return undefined;
  }
}
