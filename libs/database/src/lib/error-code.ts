import { HttpException } from '@nestjs/common';

interface Coded {
  name?: string;
  code?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
  cause?: { originalCode?: unknown };
}

/** The SQLSTATE behind an error: from node-postgres, or the driver adapter's under Prisma's. */
export function sqlState(error: unknown): string | undefined {
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
export function prismaCode(error: unknown): string | undefined {
  const code = (error as Coded | null)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/** Node's code of a failed system call or connection (ECONNREFUSED, ETIMEDOUT), if any. */
function systemCode(error: unknown): string | undefined {
  const code = (error as Coded | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9_]{2,}$/.test(code) ? code : undefined;
}

/** An error of our own whose message is made of codes and counts, never a value: logged whole. */
export class CodedMessageError extends Error {}

/**
 * What a log says of an error: its name, Prisma code, SQLSTATE or Node's system error code,
 * never its message (Prisma's and PostgreSQL's may print a query's arguments or a value: a
 * pseudonym, a note's text, a proof), except for a `CodedMessageError` and plain errors of no
 * database (a connection or a transaction's start timing out, an invariant of ours naming a
 * community), whose message names no member's value.
 */
export function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  if (error instanceof CodedMessageError) return error.message;
  if (error instanceof HttpException) {
    const code = (error as Coded).code;
    return [error.name, typeof code === 'string' ? code : undefined, String(error.getStatus())]
      .filter((part) => part)
      .join(', ');
  }
  const parts = [
    error.name,
    prismaCode(error),
    sqlState(error) ? `SQLSTATE ${sqlState(error)}` : systemCode(error),
  ];
  const plain = error.constructor === Error && (error as Coded).code === undefined;
  if (plain) parts.push(error.message);
  return parts.filter((part) => part).join(', ');
}

const FRAME = /^\s+at \S/;

/**
 * An error for a log: `errorCode` and the stack's frames, without the stack's first lines,
 * which repeat the message (however many lines it spans, some perhaps shaped like frames): the
 * stack is cut after the message, then only frame lines (`    at …`) are kept.
 */
export function loggableError(error: unknown): string {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return errorCode(error);
  const end = error.message === '' ? -1 : error.stack.indexOf(error.message);
  const rest = end === -1 ? error.stack : error.stack.slice(end + error.message.length);
  const frames = rest.split('\n').filter((line) => FRAME.test(line));
  return [errorCode(error), ...frames].join('\n');
}
