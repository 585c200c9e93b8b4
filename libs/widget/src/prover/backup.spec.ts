import { Identity } from '@semaphore-protocol/core';

import { BACKUP_BYTES, backupProblem, checkedBackup, ProverError } from './backup';
import { answerFromIdentity, failureAnswer } from './prover-core';

describe('identity backups', () => {
  const identity = new Identity();
  const backup = identity.export();

  it('are what Semaphore exports: 32 bytes of private key, in base64', () => {
    expect(Buffer.from(backup, 'base64')).toHaveLength(BACKUP_BYTES);
    expect(backup).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('round-trip: a backup, with whitespace around it, restores the same identity', () => {
    expect(backupProblem(backup)).toBeNull();
    expect(checkedBackup(`  \n${backup}\t\n`)).toBe(backup);
    const answer = answerFromIdentity({
      id: 1,
      type: 'commitment',
      backup: ` ${backup}\n`,
      strict: true,
    } as { id: number; type: string });
    expect(answer?.commitment).toBe(identity.commitment.toString());
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

  it('are refused by the prover with a code and a sentence saying why', () => {
    const refusal = (() => {
      try {
        answerFromIdentity({
          id: 7,
          type: 'commitment',
          backup: backup.slice(0, 30),
          strict: true,
        } as { id: number; type: string });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ProverError);
    expect(failureAnswer(7, refusal)).toEqual({
      id: 7,
      ok: false,
      code: 'BACKUP_INVALID',
      error:
        'This is not a Bridgenotes identity backup: it has 30 characters where a backup has 44: it may be cut off or have something added.',
    });
    expect(failureAnswer(8, new Error('boom'))).toEqual({ id: 8, ok: false, error: 'boom' });
  });

  it('are checked only for a Restore: a backup already kept is used as it is, as before', () => {
    // What an earlier version's lenient import kept (here: with a character it skips inside).
    const kept = `${backup.slice(0, 10)} ${backup.slice(10)}`;
    expect(backupProblem(kept)).toBe('characters');
    const request = (strict?: boolean) =>
      ({
        id: 9,
        type: 'commitment',
        backup: kept,
        ...(strict === undefined ? {} : { strict }),
      }) as {
        id: number;
        type: string;
      };
    // Joins and proofs (no flag, or strict: false) still get the commitment they always got.
    expect(answerFromIdentity(request())?.commitment).toBe(
      Identity.import(kept).commitment.toString(),
    );
    expect(answerFromIdentity(request(false))?.commitment).toBe(
      Identity.import(kept).commitment.toString(),
    );
    expect(() => answerFromIdentity(request(true))).toThrow(ProverError);
  });
});
