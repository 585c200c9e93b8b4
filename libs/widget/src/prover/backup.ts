// The prover's side of a backup's check (libs/protocol `backupProblem`): a Restore's paste is
// refused with a code the page translates.
import { explainedBackupProblem } from '@bridgenotes/protocol';

export { BACKUP_BYTES, backupProblem, type BackupProblem } from '@bridgenotes/protocol';

/** A failure a prover reports with a code the page can translate (the message is English). */
export class ProverError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** What the page may say beside the code (RATE_LIMITED's `retryAfter` seconds). */
    readonly details?: { retryAfter?: number },
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
