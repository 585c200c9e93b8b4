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

/** What a database error the request's values caused answers: a 4xx, never a 500. */
export interface ClientFault {
  code: Extract<ErrorCode, 'CONFLICT' | 'NOT_FOUND' | 'INVALID_VALUE'>;
  /** Prisma's code, or the driver's kind or SQLSTATE: what the warning names, never a value. */
  reason: string;
}

/** Prisma's codes for a value the column or query cannot take. */
const INVALID_VALUE_CODES = new Set([
  'P2000', // too long for the column
  'P2006', // not valid for the field
  'P2007', // invalid input value (22P02)
  'P2020', // out of range for the type
]);

/** The driver adapter's kinds, and PostgreSQL's SQLSTATEs, for the same. */
const INVALID_VALUE_KINDS = new Set(['LengthMismatch', 'InvalidInputValue', 'ValueOutOfRange']);
const INVALID_VALUE_STATES = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22021', // character_not_in_repertoire (U+0000)
  '22P02', // invalid_text_representation
  '22P05', // untranslatable_character
]);

/**
 * Whether a database error is the request's doing (a duplicate, a missing row, a value the
 * column cannot take) that a check at the edge missed: a safety net under those checks, so a
 * client gets a 4xx with a code rather than a 500. `databaseFailureOf` is asked first.
 */
export function clientFaultOf(error: unknown): ClientFault | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name === 'PrismaClientValidationError') {
    return { code: 'INVALID_VALUE', reason: 'PrismaClientValidationError' };
  }
  if (code === 'P2002') return { code: 'CONFLICT', reason: code };
  if (code === 'P2025') return { code: 'NOT_FOUND', reason: code };
  if (typeof code === 'string' && INVALID_VALUE_CODES.has(code)) {
    return { code: 'INVALID_VALUE', reason: code };
  }
  const cause = adapterCause(error);
  if (cause?.kind === 'UniqueConstraintViolation') return { code: 'CONFLICT', reason: cause.kind };
  if (INVALID_VALUE_KINDS.has(cause?.kind ?? '')) {
    return { code: 'INVALID_VALUE', reason: cause?.kind as string };
  }
  if (cause?.kind === 'postgres' && INVALID_VALUE_STATES.has(cause.code ?? '')) {
    return { code: 'INVALID_VALUE', reason: cause.code as string };
  }
  return undefined;
}
