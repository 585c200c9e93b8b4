/** A mistake in the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`${what} is required`);
  return value;
}

export function positiveInteger(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) {
    throw new UsageError(`${what} must be a whole number ≥ 0`);
  }
  return number;
}

export const list = (value: string | undefined): string[] =>
  value === undefined || value === '' ? [] : value.split(',').map((item) => item.trim());

/** The largest record to read from an instance (`--max-record-bytes`), or the default. */
export function maxRecordBytes(value: string | undefined): number | undefined {
  const bytes = positiveInteger(value, '--max-record-bytes');
  if (bytes !== undefined && bytes < 1_024) {
    throw new UsageError('--max-record-bytes must be at least 1024');
  }
  return bytes;
}
