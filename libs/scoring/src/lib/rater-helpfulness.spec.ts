import { CLIENT_MINUTE_SLACK_MS } from './constants';
import { NoteStatus } from './note-status';
import { penalisedHelpfulness, helpfulnessCounts, validRatingMask } from './rater-helpfulness';
import {
  HelpfulnessLevel,
  ScoringInputBuilder,
  type NoteAttributes,
  type ScoringInputOptions,
} from './scoring-input';
import { emptyStatusHistory } from './status-history';

const { Helpful, NotHelpful, SomewhatHelpful } = HelpfulnessLevel;
const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

describe('helpfulnessCounts and penalisedHelpfulness', () => {
  // Three CRH notes and one CRNH note; rater "agrees" matches all four, "mixed" two of four.
  const builder = new ScoringInputBuilder();
  const levels: Record<string, HelpfulnessLevel[]> = {
    agrees: [Helpful, Helpful, Helpful, NotHelpful],
    mixed: [Helpful, NotHelpful, NotHelpful, NotHelpful],
    neutral: [SomewhatHelpful, SomewhatHelpful, SomewhatHelpful, SomewhatHelpful],
  };
  for (let n = 0; n < 4; n++) builder.addNote(`n${n}`, { createdAtMs: T0, misleading: true });
  for (const [rater, byNote] of Object.entries(levels)) {
    byNote.forEach((level, n) => builder.addRating(`n${n}`, rater, level, T0 + HOUR));
  }
  const input = builder.build();
  const { CurrentlyRatedHelpful: crh, CurrentlyRatedNotHelpful: crnh } = NoteStatus;
  const provisional = Uint8Array.from(input.noteIds, (id) => (id === 'n3' ? crnh : crh));
  const all = Int32Array.from(input.ratingNote.keys());
  const counts = helpfulnessCounts(input, all, provisional, new Float64Array(4).fill(NaN));
  const index = (id: string): number => input.participantIds.indexOf(id);

  it('counts valid and agreeing ratings once, SOMEWHAT_HELPFUL left out', () => {
    expect(counts.validRatings[index('agrees')]).toBe(4);
    expect(counts.agreeingRatings[index('agrees')]).toBe(4);
    expect(counts.agreeingRatings[index('mixed')]).toBe(2);
    expect(counts.validRatings[index('neutral')]).toBe(0);
  });

  it('applies the harassment penalty to the same counts', () => {
    const plain = penalisedHelpfulness(counts);
    expect(Array.from(input.participantIds, (_, u) => plain.aboveHelpfulnessThreshold[u])).toEqual(
      input.participantIds.map((id) => (id === 'agrees' ? 1 : 0)),
    );
    // (4 − 1.5) / 4 = 0.625 < 0.66: the penalty alone drops the rater.
    const penalty = new Float64Array(input.participantIds.length);
    penalty[index('agrees')] = 1.5;
    const penalised = penalisedHelpfulness(counts, penalty);
    expect(penalised.aboveHelpfulnessThreshold[index('agrees')]).toBe(0);
    expect(penalised.agreeRatio).toBe(plain.agreeRatio);
    expect(penalised.harassmentPenalty).toBe(penalty);
  });
});

const MIN = 60_000;

/**
 * The valid-rating mask of HELPFUL ratings at the given minutes on one note created at minute
 * 900, built with `options` and the note's `attributes` (its decision times).
 */
function validAt(
  minutes: number[],
  options: ScoringInputOptions,
  attributes: Partial<NoteAttributes>,
): number[] {
  const builder = new ScoringInputBuilder(options);
  builder.addNote('n', { createdAtMs: 900 * MIN, misleading: true, ...attributes });
  minutes.forEach((minute, k) => builder.addRating('n', `r${k}`, Helpful, minute * MIN));
  const input = builder.build();
  return Array.from(validRatingMask(input, Int32Array.from(input.ratingNote.keys())));
}

describe('validRatingMask with members’ own minutes', () => {
  // The note last became CRH in the run at minute 1000 and 30 s (`timestampMillisOfLatestNonNMRStatus`).
  const decided = { latestNonNmrStatusMs: 1000 * MIN + 30_000 };

  it('takes a rating as made before the latest non-NMR status only if its minute cannot be a later one dated back', () => {
    // Made once the status was published, in minute 1000 or later, a member may date a rating
    // to minute 990 (10 minutes back); 989 can only be a rating made before minute 1000.
    expect(
      validAt([989, 990, 1000], { ratingTimeSlackMs: CLIENT_MINUTE_SLACK_MS }, decided),
    ).toEqual([1, 0, 0]);
  });

  it('compares trusted times (Community Notes’ data) as the reference does', () => {
    expect(validAt([989, 990, 1000, 1001], {}, decided)).toEqual([1, 1, 1, 0]);
  });
});

describe('validRatingMask while stabilisation holds a note (its pre-stabilisation status public)', () => {
  // Held at NMR since the run at minute 1000 and 30 s: that run published the note as about to
  // be helpful; it was never non-NMR before.
  const heldAt = 1000 * MIN + 30_000;
  const held = {
    history: {
      ...emptyStatusHistory('n', 'w', 900 * MIN),
      timestampMillisOfNmrDueToMinStableCrhTime: heldAt,
      timestampMillisOfFirstNmrDueToMinStableCrhTime: heldAt,
    },
  };
  const options = (preStabilizationPublic: boolean) => ({
    ratingTimeSlackMs: CLIENT_MINUTE_SLACK_MS,
    preStabilizationPublic,
  });

  it('takes a HELPFUL rating made during the hold as made after the decision', () => {
    // 989 is before the hold's run whatever its member's clock; 990 may be a minute-1000 rating
    // dated back; 1020 was made during the hold.
    expect(validAt([989, 990, 1020], options(true), held)).toEqual([1, 0, 0]);
  });

  it('keeps valid the ratings a released NEEDS_YOUR_HELP asks for (its clock kept, no decision)', () => {
    const asking = { history: { ...held.history, currentStatus: 'NEEDS_YOUR_HELP' } };
    expect(validAt([989, 990, 1020], options(true), asking)).toEqual([1, 1, 1]);
  });

  it('keeps the reference’s window (the latest non-NMR status, none yet) for Community Notes’ data', () => {
    expect(validAt([989, 990, 1020], options(false), held)).toEqual([1, 1, 1]);
  });
});
