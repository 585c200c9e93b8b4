import { community, minute } from '../testing/memory-export';
import type { ExportPromotion } from './export-format';
import { checkPromotion } from './promotion-check';

/** The community of the memory export: roots of 2 (minutes 1 to 2) and 3 members (from 2). */
const { roots } = community([1n, 2n, 3n]);
const promotion = (fields: Partial<ExportPromotion>): ExportPromotion => ({
  from: { url: 'http://127.0.0.1:8787', community: 'memory' },
  at: minute(5),
  root: roots[1]?.root as string,
  treeSize: 3,
  originChangeHorizon: '1000',
  changeHorizon: '40',
  originRules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 10 },
  ...fields,
});

function check(value: ExportPromotion | undefined) {
  const codes: string[] = [];
  const returned = checkPromotion(value, roots, (code) => void codes.push(code));
  return { codes, returned };
}

describe("a promoted community's lineage", () => {
  it('accepts a promotion at a root of the history current then', () => {
    expect(check(promotion({}))).toEqual({ codes: [], returned: promotion({}) });
    expect(check(undefined)).toEqual({ codes: [], returned: null });
  });

  it('refuses one at a root the history does not have, of another size, or not current then', () => {
    expect(check(promotion({ root: '42' })).codes).toEqual(['PROMOTION_INCONSISTENT']);
    expect(check(promotion({ treeSize: 4 })).codes).toEqual(['PROMOTION_INCONSISTENT']);
    // The first root was superseded at minute 2: members were admitted after it.
    expect(check(promotion({ root: roots[0]?.root, treeSize: 2 })).codes).toEqual([
      'PROMOTION_INCONSISTENT',
    ]);
  });
});
