// What an identity backup is, checked before it is used, by the widget, the extension and the
// CLI alike: `Identity.export()` of Semaphore v4 is the 32-byte private key in standard base64 (44
// characters, ending with one "="). Semaphore's own import decodes leniently (@zk-kit skips any
// character outside base64) and takes any bytes as a key, so a mistyped or cut-off paste would
// otherwise "restore" a stranger's identity. Free of heavy imports: the widget's frame checks a
// paste with it too.

/** The bytes of a Semaphore v4 identity export: its private key. */
export const BACKUP_BYTES = 32;

/** Why a text is not a backup: nothing there, a character no backup holds, a wrong length. */
export type BackupProblem = 'empty' | 'characters' | 'length';

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
  empty: () => 'nothing was given',
  characters: () =>
    'it holds characters a backup never has (a backup is letters, digits, + and /, ending with =)',
  length: (text) =>
    `it has ${text.trim().length} characters where a backup has 44: it may be cut off or have something added`,
};

/** What is wrong with `text` as a backup, in words (English), or null for a backup. */
export function explainedBackupProblem(text: string): string | null {
  const problem = backupProblem(text);
  return problem && EXPLAINED[problem](text);
}
