import { ExportReadError } from '@bridgenotes/open-data';

import { MirrorPullError } from './mirror-state';
import { originFailure } from './origin-limits';

describe('originFailure', () => {
  it("keeps a pull's own errors whole, naming the setting of a limit", () => {
    expect(originFailure(new MirrorPullError('PULL_CONFLICT', 'the origin served x'))).toEqual({
      code: 'PULL_CONFLICT',
      message: 'the origin served x',
    });
    expect(
      originFailure(
        new ExportReadError('GET u: line 2 is over 9 bytes', 'ORIGIN_RECORD_TOO_LARGE'),
      ),
    ).toEqual({
      code: 'ORIGIN_RECORD_TOO_LARGE',
      message: 'GET u: line 2 is over 9 bytes (limit: MIRROR_MAX_RECORD_BYTES)',
    });
  });

  it('says any other error by its name and codes, never its message, which lastError would publish', () => {
    const database = Object.assign(
      new Error(
        'Invalid `tx.note.createMany()` invocation: Unique constraint failed on the fields: (`text`) = "The photo is from 2019"',
      ),
      { name: 'PrismaClientKnownRequestError', code: 'P2002' },
    );
    expect(originFailure(database)).toEqual({
      code: 'PULL_FAILED',
      message: 'the pull failed: PrismaClientKnownRequestError, P2002',
    });
    const sql = Object.assign(new Error('duplicate key value (pseudonym)=(4242) violates …'), {
      name: 'error',
      code: '23505',
    });
    expect(originFailure(sql).message).toBe('the pull failed: error, SQLSTATE 23505');
  });
});
