// The prover's side of a backup's check (libs/protocol `backupProblem`): a Restore's paste is
// refused with a code the page translates.
import { explainedBackupProblem } from '@bridgenotes/protocol';

export { BACKUP_BYTES, backupProblem, type BackupProblem } from '@bridgenotes/protocol';

/**
 * What the page may say beside a ProverError's code: RATE_LIMITED's `retryAfter` seconds,
 * NOT_SEALED's seal wait in hours (prover/not-sealed.ts).
 */
export interface ProverErrorDetails {
  retryAfter?: number;
  sealHours?: number | null;
}

/** A failure a prover reports with a code the page can translate (the message is English). */
export class ProverError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ProverErrorDetails,
  ) {
    super(message);
  }
}

/** `text` trimmed, when it is a backup; otherwise a ProverError coded BACKUP_INVALID. */
export function checkedBackup(text: string): string {
  const problem = explainedBackupProblem(text);
  if (problem) {
    throw new ProverError(
      'BACKUP_INVALID',
      `This is not a Bridgenotes identity backup: ${problem}.`,
    );
  }
  return text.trim();
}
