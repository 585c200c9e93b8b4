import type { ExportPromotion } from '@bridgenotes/open-data';

import {
  behindProblem,
  groupProblem,
  lineageProblem,
  type HeldLineage,
} from './origin-lineage.rules';

const ORIGIN = { url: 'https://mirror-of-old.example', community: 'news' };
const promotion: ExportPromotion = {
  from: { url: 'https://old.example', community: 'news' },
  at: '2026-12-01T10:00:00.000Z',
  root: '123',
  treeSize: 3,
  originChangeHorizon: '900',
  changeHorizon: '40',
  originRules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 10 },
};
const cursors = { notes: 'n', ratings: 'r' };
const held = (read: ExportPromotion | null | undefined, changeHorizon = '40'): HeldLineage => ({
  origin: ORIGIN,
  cursors,
  pulledThrough: { changeHorizon, cursors, ...(read !== undefined && { promotion: read }) },
});
const code = (
  state: HeldLineage,
  served: ExportPromotion | undefined,
  moved = false,
  changeHorizon = '50',
) => lineageProblem(state, { changeHorizon, promotion: served }, moved)?.code;

describe("a mirror going on from an origin's manifest", () => {
  it('goes on in the lineage its last complete pull read', () => {
    expect(code(held(null), undefined)).toBeUndefined();
    expect(code(held(promotion), { ...promotion })).toBeUndefined();
    expect(code(held(promotion), promotion, true)).toBeUndefined();
  });

  it('refuses another lineage: none where one was read, or another promotion', () => {
    expect(code(held(promotion), undefined)).toBe('ORIGIN_LINEAGE_CHANGED');
    expect(code(held(promotion), { ...promotion, changeHorizon: '41' })).toBe(
      'ORIGIN_LINEAGE_CHANGED',
    );
  });

  it('goes on from the instance it follows promoted since, when it read nothing past the promotion', () => {
    expect(code(held(null, '40'), promotion)).toBeUndefined();
    expect(code(held(null, '12'), promotion)).toBeUndefined();
    // Read past it: the changes below 41 include some after the promotion.
    expect(code(held(null, '41'), promotion)).toBe('ORIGIN_LINEAGE_CHANGED');
    expect(lineageProblem(held(null, '41'), { changeHorizon: '50', promotion }, false)).toEqual({
      code: 'ORIGIN_LINEAGE_CHANGED',
      message: expect.stringContaining(
        'it states the promotion on 2026-12-01T10:00:00.000Z at change batch 40, but this mirror had read every change below 41',
      ),
    });
    // Promoted from the origin this mirror follows: another mirror of it.
    const fromOwnOrigin = { ...promotion, from: ORIGIN };
    expect(code(held(null), fromOwnOrigin)).toBe('ORIGIN_LINEAGE_CHANGED');
    // Pages stored after the last complete pull: not placed before the promotion.
    const storedSince = { ...held(null), cursors: { ...cursors, notes: 'n2' } };
    expect(code(storedSince, promotion)).toBe('ORIGIN_LINEAGE_CHANGED');
    // Met at another URL: nothing says it is the instance whose numbering the mirror holds.
    expect(code(held(null), promotion, true)).toBe('ORIGIN_LINEAGE_CHANGED');
  });

  it('goes on as before where no complete pull kept its lineage, but not to a promotion elsewhere', () => {
    expect(code(held(undefined), promotion)).toBeUndefined();
    expect(code({ origin: ORIGIN, cursors: {}, pulledThrough: null }, promotion)).toBeUndefined();
    expect(code(held(undefined), promotion, true)).toBe('ORIGIN_LINEAGE_CHANGED');
    expect(code(held(undefined), undefined, true)).toBeUndefined();
  });

  it("checks a promotion first read against the group held: the promotion's root at its size", async () => {
    const group = (size: number, roots: Record<number, string[]>) => ({
      size,
      rootsAt: async (at: number) => roots[at] ?? [],
    });
    expect(await groupProblem(promotion, group(2, {}))).toBeUndefined();
    expect(await groupProblem(promotion, group(3, { 3: ['123'] }))).toBeUndefined();
    expect(await groupProblem(promotion, group(5, { 3: ['77', '123'] }))).toBeUndefined();
    expect((await groupProblem(promotion, group(3, { 3: ['77'] })))?.code).toBe(
      'ORIGIN_LINEAGE_CHANGED',
    );
    expect((await groupProblem(promotion, group(4, {})))?.code).toBe('ORIGIN_LINEAGE_CHANGED');
  });
});

describe('a mirror never going back', () => {
  const through = { changeHorizon: '40', cursors };
  it('names a promotion by its checked fields only, none of the text the origin chose', () => {
    // The instance a promotion names is the origin's text: a mirror's lastError is public.
    const odd = { ...promotion, from: { url: 'https://x.example/\u0000', community: 'SECRET' } };
    const problem = lineageProblem(held(promotion), { changeHorizon: '50', promotion: odd }, true);
    expect(problem).toMatchObject({ code: 'ORIGIN_LINEAGE_CHANGED' });
    expect(problem?.message).toContain(
      'the promotion on 2026-12-01T10:00:00.000Z at change batch 40',
    );
    for (const chosen of ['x.example', 'SECRET', '\u0000']) {
      expect(problem?.message).not.toContain(chosen);
    }
  });

  it("refuses a manifest below the last complete pull's horizon, or one a later pull began under", () => {
    expect(behindProblem(null, { changeHorizon: '1' })).toBeUndefined();
    expect(behindProblem(through, { changeHorizon: '40' })).toBeUndefined();
    expect(behindProblem(through, { changeHorizon: '39' })?.code).toBe('ORIGIN_BEHIND');
    const cutShort = { ...through, reading: '52' };
    expect(behindProblem(cutShort, { changeHorizon: '45' })?.code).toBe('ORIGIN_BEHIND');
    expect(behindProblem(cutShort, { changeHorizon: '52' })).toBeUndefined();
    expect(behindProblem({ reading: '7' }, { changeHorizon: '6' })?.code).toBe('ORIGIN_BEHIND');
  });
});
