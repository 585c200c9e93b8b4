import { HttpException } from '@nestjs/common';

/**
 * Which failures of a sealing batch are its data's fault (a write the database refuses, whenever
 * it is tried) rather than the moment's (a lock, a connection, a timeout, a serialization
 * failure: gone at the next check). docs/architecture.md, "Sealed writes".
 */

/**
 * PostgreSQL's classes of errors about a statement's data: 22, data exception (a value too long
 * or out of range, bad input syntax); 23, integrity constraint violation (unique, foreign key,
 * not null, check, exclusion). Not 40 (serialization failure, deadlock), 55 (lock not
 * available), 57 (canceled, shut down), 08 (connection), 53 (resources), which pass.
 */
const DATA_CLASSES = ['22', '23'];

/**
 * Prisma's codes for the same faults where it names no SQLSTATE (its own checks against the
 * schema): value too long (P2000), unique (P2002), foreign key (P2003), constraint (P2004),
 * invalid value (P2005 to P2007), null (P2011, P2012), relation (P2014), out of range (P2020),
 * inconsistent column data (P2023), number too large (P2033). Not its query-shape errors
 * (PrismaClientValidationError): a code or schema defect as likely as bad data, and it would
 * refuse every write of a kind; nor P2010/P2039, a raw query's or the database's failure, judged
 * by their SQLSTATE.
 */
const DATA_CODES = new Set([
  'P2000',
  'P2002',
  'P2003',
  'P2004',
  'P2005',
  'P2006',
  'P2007',
  'P2011',
  'P2012',
  'P2014',
  'P2020',
  'P2023',
  'P2033',
]);

interface Coded {
  name?: string;
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  cause?: { originalCode?: unknown };
}

/** The SQLSTATE behind an error: from node-postgres, or the driver adapter's under Prisma's. */
function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const coded = error as Coded;
  // Prisma's own codes (P2004) look like SQLSTATEs: its errors name theirs under the adapter's.
  const prisma = coded.name?.startsWith('Prisma') ?? false;
  const candidates = [
    coded.meta?.driverAdapterError?.cause?.originalCode,
    coded.cause?.originalCode,
    prisma ? undefined : coded.code,
  ];
  return candidates.find(
    (code): code is string => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code),
  );
}

/** Prisma's error code (P2xxx), if any. */
function prismaCode(error: unknown): string | undefined {
  const code = (error as Coded | null)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/** 4xx answers that say "not now" (timeout, locked, too many), not "never". */
const TRANSIENT_REFUSALS = new Set([408, 423, 429]);

/**
 * Whether the database refused a write for its data, or an applier refused it as the edge would
 * (a 4xx `ApiError`: the group full at sealing, GROUP_FULL), so that it would at every try. A 5xx
 * (the database busy, a queue away) is the moment's.
 */
export function isDataFault(error: unknown): boolean {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return status < 500 && !TRANSIENT_REFUSALS.has(status);
  }
  const state = sqlState(error);
  if (state !== undefined) return DATA_CLASSES.includes(state.slice(0, 2));
  const code = prismaCode(error);
  return code !== undefined && DATA_CODES.has(code);
}

/**
 * What a log says of an error: its name, Prisma code and SQLSTATE, never its message (Prisma's
 * and PostgreSQL's may print a query's arguments or a value: a pseudonym, a note's text, a
 * proof), except for errors of this code's own (`UnisolatedFault`) and plain ones of no
 * database (a connection or a transaction's start timing out), whose message names no value.
 */
export function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  if (error instanceof UnisolatedFault) return error.message;
  if (error instanceof HttpException) {
    const code = (error as Coded).code;
    return [error.name, typeof code === 'string' ? code : undefined, String(error.getStatus())]
      .filter((part) => part)
      .join(', ');
  }
  const parts = [error.name, prismaCode(error), sqlState(error) && `SQLSTATE ${sqlState(error)}`];
  const plain = error.constructor === Error && (error as Coded).code === undefined;
  if (plain) parts.push(error.message);
  return parts.filter((part) => part).join(', ');
}

/**
 * A batch the database refused for its data, where no write was refused when tried one by one
 * (a fault of the batch as a whole, or one that did not recur): left to the next check.
 */
export class UnisolatedFault extends Error {
  constructor(refused: unknown) {
    super(`${errorCode(refused)}; no write of the batch is refused alone, none dropped`);
    this.name = 'UnisolatedFault';
  }
}
