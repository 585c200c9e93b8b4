import { HttpException } from '@nestjs/common';
import { CodedMessageError, errorCode, prismaCode, sqlState } from '@bridgenotes/database';

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
 * A batch the database refused for its data, where no write was refused when tried one by one
 * (a fault of the batch as a whole, or one that did not recur): left to the next check.
 */
export class UnisolatedFault extends CodedMessageError {
  constructor(refused: unknown) {
    super(`${errorCode(refused)}; no write of the batch is refused alone, none dropped`);
    this.name = 'UnisolatedFault';
  }
}
