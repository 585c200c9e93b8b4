import { LOW_DILIGENCE_THRESHOLD, NoteStatus, RuleId } from '@bridgenotes/scoring';

import { LOW_DILIGENCE_TOLERANCE, lowDiligenceExplains } from './intermediate-runs';

const HELPFUL = 'CURRENTLY_RATED_HELPFUL';
const WAITING = 'NEEDS_MORE_RATINGS';
const NOT_HELPFUL = 'CURRENTLY_RATED_NOT_HELPFUL';

/** One note's recomputation: its low-diligence intercept, whether the filter fired, its Core status. */
const recomputed = (intercept: number, fired: boolean, status: NoteStatus) => ({
  safeguards: { lowDiligenceIntercept: Float64Array.of(intercept) } as never,
  activeRules: Int32Array.of(fired ? 1 << RuleId.LowDiligence : 0) as never,
  status: Uint8Array.of(status) as never,
});

/**
 * An earlier incremental run's note is rescored apart from its run's other notes, which moves
 * only its low-diligence intercept: a status that differs is a warning only where that filter,
 * near its threshold, decides between the published status and the recomputed one.
 */
describe('lowDiligenceExplains', () => {
  const near = LOW_DILIGENCE_THRESHOLD + LOW_DILIGENCE_TOLERANCE / 2;
  const nearBelow = LOW_DILIGENCE_THRESHOLD - LOW_DILIGENCE_TOLERANCE / 2;
  const far = LOW_DILIGENCE_THRESHOLD + 2 * LOW_DILIGENCE_TOLERANCE;

  it('explains a note the filter held back here that the run showed helpful, near the threshold', () => {
    const held = recomputed(near, true, NoteStatus.NeedsMoreRatings);
    expect(lowDiligenceExplains(held, 0, HELPFUL, WAITING)).toBe(true);
    // Far from the threshold the refit cannot have moved it across.
    const farHeld = recomputed(far, true, NoteStatus.NeedsMoreRatings);
    expect(lowDiligenceExplains(farHeld, 0, HELPFUL, WAITING)).toBe(false);
  });

  it('explains a helpful note here that the run held back, when only the filter could have', () => {
    const helpful = recomputed(nearBelow, false, NoteStatus.CurrentlyRatedHelpful);
    expect(lowDiligenceExplains(helpful, 0, WAITING, HELPFUL)).toBe(true);
    // The Core did not find it helpful: something else than the filter decided.
    const waiting = recomputed(nearBelow, false, NoteStatus.NeedsMoreRatings);
    expect(lowDiligenceExplains(waiting, 0, HELPFUL, WAITING)).toBe(false);
  });

  it('never explains a not-helpful status, nor a note without an intercept', () => {
    const held = recomputed(near, true, NoteStatus.NeedsMoreRatings);
    expect(lowDiligenceExplains(held, 0, NOT_HELPFUL, WAITING)).toBe(false);
    expect(lowDiligenceExplains(held, 0, HELPFUL, NOT_HELPFUL)).toBe(false);
    const untagged = recomputed(NaN, false, NoteStatus.CurrentlyRatedHelpful);
    expect(lowDiligenceExplains(untagged, 0, WAITING, HELPFUL)).toBe(false);
  });
});
