import { Identity } from '@semaphore-protocol/core';

import { backupProblem, checkedBackup, ProverError } from './backup';
import { answerFromIdentity, failureAnswer } from './prover-core';

// What a backup is, and each way one is refused: libs/protocol identity-backup.spec.ts. Here, what
// the prover does with a Restore's paste.
describe('identity backups in the prover', () => {
  const identity = new Identity();
  const backup = identity.export();

  it('round-trip: a backup, with whitespace around it, restores the same identity', () => {
    expect(checkedBackup(`  \n${backup}\t\n`)).toBe(backup);
    const answer = answerFromIdentity({
      id: 1,
      type: 'commitment',
      backup: ` ${backup}\n`,
      strict: true,
    } as { id: number; type: string });
    expect(answer?.commitment).toBe(identity.commitment.toString());
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
