// What an identity backup is, checked before it is used: `Identity.export()` of Semaphore v4 is
// the 32-byte private key in standard base64 (44 characters, ending with one "="). Semaphore's
// own import decodes leniently (@zk-kit skips any character outside base64) and takes any bytes
// as a key, so a mistyped or cut-off paste would otherwise "restore" a stranger's identity.
// Kept free of the prover's heavy imports: the frame checks a paste with it too.

/** The bytes of a Semaphore v4 identity export: its private key. */
export const BACKUP_BYTES = 32;

/** Why a text is not a backup: nothing there, a character no backup holds, a wrong length. */
export type BackupProblem = 'empty' | 'characters' | 'length';

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

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What is wrong with `text` as a backup, or null for a backup: strict standard base64 (padding
 * included, nothing but the whitespace around it) of exactly BACKUP_BYTES bytes, in the one
 * spelling an export has (unused bits zero, so a changed last character is not taken).
 */
export function backupProblem(text: string): BackupProblem | null {
  const backup = text.trim();
  if (backup === '') return 'empty';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(backup)) return 'characters';
  if (!BASE64.test(backup)) return 'length';
  const bytes = atob(backup);
  if (bytes.length !== BACKUP_BYTES) return 'length';
  return btoa(bytes) === backup ? null : 'characters';
}

const EXPLAINED: Record<BackupProblem, (text: string) => string> = {
  empty: () => 'nothing was pasted',
  characters: () =>
    'it holds characters a backup never has (a backup is letters, digits, + and /, ending with =)',
  length: (text) =>
    `it has ${text.trim().length} characters where a backup has 44: it may be cut off or have something added`,
};

/** `text` trimmed, when it is a backup; otherwise a ProverError coded BACKUP_INVALID. */
export function checkedBackup(text: string): string {
  const problem = backupProblem(text);
  if (problem) {
    throw new ProverError(
      'BACKUP_INVALID',
      `This is not a Bridgenotes identity backup: ${EXPLAINED[problem](text)}.`,
    );
  }
  return text.trim();
}
