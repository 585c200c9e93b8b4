import { Identity } from '@semaphore-protocol/core';

import { BACKUP_BYTES, backupProblem, explainedBackupProblem } from './identity-backup';

describe('identity backups', () => {
  const identity = new Identity();
  const backup = identity.export();

  it('are what Semaphore exports: 32 bytes of private key, in base64', () => {
    expect(Buffer.from(backup, 'base64')).toHaveLength(BACKUP_BYTES);
    expect(backup).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('are accepted as exported, with whitespace around them', () => {
    expect(backupProblem(backup)).toBeNull();
    expect(backupProblem(`  \n${backup}\t\n`)).toBeNull();
    expect(explainedBackupProblem(backup)).toBeNull();
    for (let i = 0; i < 20; i++) expect(backupProblem(new Identity().export())).toBeNull();
  });

  it('refuse an empty paste', () => {
    expect(backupProblem('')).toBe('empty');
    expect(backupProblem(' \n\t ')).toBe('empty');
  });

  it('refuse a cut-off backup', () => {
    for (const cut of [1, 2, 4, 10, 43]) {
      expect([cut, backupProblem(backup.slice(0, backup.length - cut))]).toEqual([cut, 'length']);
    }
    expect(backupProblem(backup.slice(0, -1))).toBe('length');
  });

  it('refuse extra characters, inside or after, that lenient base64 would skip', () => {
    expect(backupProblem(`${backup.slice(0, 10)} ${backup.slice(10)}`)).toBe('characters');
    expect(backupProblem(`${backup.slice(0, 10)}-${backup.slice(10)}`)).toBe('characters');
    expect(backupProblem(`${backup.slice(0, 10)}.${backup.slice(10)}`)).toBe('characters');
    expect(backupProblem(`${backup}x`)).toBe('characters');
    expect(backupProblem(`"${backup}"`)).toBe('characters');
    // The URL-safe alphabet is not an export's. A fixed key whose export holds both + and /
    // (a random one has neither about one time in four, and the check would compare a backup
    // with itself).
    const symbols = new Identity(
      Buffer.from([...Array(BACKUP_BYTES)].map((_, i) => [0xfb, 0xff, 0xbf][i % 3])),
    ).export();
    const urlSafe = symbols.replace(/\+/g, '-').replace(/\//g, '_');
    expect(backupProblem(symbols)).toBeNull();
    expect(urlSafe).toMatch(/-.*_|_.*-/);
    expect(backupProblem(urlSafe)).toBe('characters');
  });

  it('refuse base64 of another length, and a changed last character an export never has', () => {
    expect(backupProblem(btoa('a'.repeat(31)))).toBe('length');
    expect(backupProblem(btoa('a'.repeat(33)))).toBe('length');
    expect(backupProblem(btoa('a'.repeat(64)))).toBe('length');
    expect(backupProblem(backup.slice(0, -1))).toBe('length');
    expect(backupProblem(`${backup.slice(0, -1)}==`)).toBe('length');
    // 43 characters carry 258 bits: the last one's 2 spare bits are zero in an export.
    const last = backup[42];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const spare = alphabet[alphabet.indexOf(last) + 1];
    expect(backupProblem(`${backup.slice(0, 42)}${spare}=`)).toBe('characters');
  });

  it('are refused in words saying what is wrong', () => {
    expect(explainedBackupProblem('')).toBe('nothing was given');
    expect(explainedBackupProblem(backup.slice(0, 30))).toBe(
      'it has 30 characters where a backup has 44: it may be cut off or have something added',
    );
    expect(explainedBackupProblem(`${backup}x`)).toMatch(/^it holds characters a backup never has/);
  });
});
