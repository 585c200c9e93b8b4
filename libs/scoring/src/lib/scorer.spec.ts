import { CLIENT_MINUTE_SLACK_MS } from './constants';
import { RaterKind, builderSink, generateSyntheticCommunity } from '../synthetic/synthetic-data';
import { NoteStatus } from './note-status';
import { RatingTag, tagMask } from './rating-tags';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from './scoring-input';
import { explainNote } from './note-explanation';
import { indexOfId, scoreNotes, type ScoringResult } from './scorer';
import { emptyStatusHistory } from './status-history';

/**
 * A synthetic background community (so the factor axis is well determined) plus hand-made notes
 * rated by chosen members of each camp.
 */
interface Scenario {
  builder: ScoringInputBuilder;
  campA: string[];
  campB: string[];
  /** Adds a note; each entry of `ratings` is [rater ids, level]. */
  addNote(id: string, ratings: [string[], HelpfulnessLevel][], misleading?: boolean): void;
}

const NOTE_TIME = Date.UTC(2026, 0, 10);

function scenario(seed = 7): Scenario {
  const builder = new ScoringInputBuilder();
  const truth = generateSyntheticCommunity(
    { seed, raters: 600, notes: 450, ratings: 18_000 },
    builderSink(builder),
  );
  const ofKind = (kind: RaterKind): string[] =>
    truth.raterIds.filter((_, u) => truth.raterKind[u] === kind);
  return {
    builder,
    campA: ofKind(RaterKind.CampA),
    campB: ofKind(RaterKind.CampB),
    addNote(id, ratings, misleading = true) {
      const note = builder.addNote(id, { createdAtMs: NOTE_TIME, misleading });
      for (const [raters, level] of ratings) {
        // Two tags per rating, so the explanation-tag requirement (§9) is met.
        const tags =
          level === Helpful
            ? tagMask(RatingTag.HelpfulInformative, RatingTag.HelpfulClear)
            : tagMask(RatingTag.NotHelpfulOther, RatingTag.NotHelpfulMissingKeyPoints);
        for (const rater of raters) {
          builder.addRating(note, rater, level, NOTE_TIME + 3_600_000, tags);
        }
      }
    },
  };
}

function statusOf(result: ScoringResult, id: string): NoteStatus {
  return result.status[indexOfId(result.input.noteIds, id)] as NoteStatus;
}

const { Helpful, NotHelpful } = HelpfulnessLevel;

describe('scoreNotes', () => {
  let result: ScoringResult;
  let built: ScoringInput;
  let s: Scenario;

  beforeAll(() => {
    s = scenario();
    s.addNote('bridging', [
      [s.campA.slice(0, 12), Helpful],
      [s.campB.slice(0, 12), Helpful],
    ]);
    s.addNote('one-camp-small', [
      [s.campA.slice(20, 60), Helpful],
      [s.campB.slice(20, 35), NotHelpful],
    ]);
    s.addNote('one-camp-large', [
      [s.campA.slice(0, 200), Helpful],
      [s.campB.slice(0, 60), NotHelpful],
    ]);
    s.addNote('one-camp-only', [[s.campA.slice(60, 160), Helpful]]);
    s.addNote('disliked', [
      [s.campA.slice(40, 55), NotHelpful],
      [s.campB.slice(40, 55), NotHelpful],
    ]);
    s.addNote('four-ratings', [
      [s.campA.slice(0, 2), Helpful],
      [s.campB.slice(0, 2), Helpful],
    ]);
    s.addNote(
      'not-misleading-bridging',
      [
        [s.campA.slice(0, 12), Helpful],
        [s.campB.slice(0, 12), Helpful],
      ],
      false,
    );
    built = s.builder.build();
    result = scoreNotes(built, { seed: 3 });
  });

  it('rates a note both camps find helpful CURRENTLY_RATED_HELPFUL', () => {
    expect(statusOf(result, 'bridging')).toBe(NoteStatus.CurrentlyRatedHelpful);
    const explanation = explainNote(result, indexOfId(built.noteIds, 'bridging'));
    expect(explanation.decidedBy).toBe('GeneralCRH');
    expect(explanation.intercept).toBeGreaterThanOrEqual(0.4);
    expect(explanation.negativeFactorRaters.helpful).toBeGreaterThan(0);
    expect(explanation.positiveFactorRaters.helpful).toBeGreaterThan(0);
  });

  it('does not rate a note only one camp likes helpful, however many ratings it gets', () => {
    for (const id of ['one-camp-small', 'one-camp-large', 'one-camp-only']) {
      expect(statusOf(result, id)).not.toBe(NoteStatus.CurrentlyRatedHelpful);
      const explanation = explainNote(result, indexOfId(built.noteIds, id));
      // The agreement is explained by the viewpoint factor, not by the helpfulness intercept.
      expect(Math.abs(explanation.factor ?? NaN)).toBeGreaterThan(0.2);
      expect(explanation.numRatings).toBeGreaterThanOrEqual(15);
    }
    const large = explainNote(result, indexOfId(built.noteIds, 'one-camp-large'));
    expect(large.intercept ?? NaN).toBeLessThan(0.4);
  });

  it('rates a note both camps dislike CURRENTLY_RATED_NOT_HELPFUL', () => {
    expect(statusOf(result, 'disliked')).toBe(NoteStatus.CurrentlyRatedNotHelpful);
    const explanation = explainNote(result, indexOfId(built.noteIds, 'disliked'));
    expect(explanation.intercept ?? NaN).toBeLessThan(-0.05);
    expect(explanation.interceptMax ?? NaN).toBeLessThan(-0.04);
  });

  it('leaves a note with fewer than five ratings NEEDS_MORE_RATINGS and unscored', () => {
    expect(statusOf(result, 'four-ratings')).toBe(NoteStatus.NeedsMoreRatings);
    const explanation = explainNote(result, indexOfId(built.noteIds, 'four-ratings'));
    expect(explanation.intercept).toBeNull();
    expect(explanation.numRatings).toBe(4);
  });

  it('never rates a NOT_MISLEADING note helpful', () => {
    const explanation = explainNote(result, indexOfId(built.noteIds, 'not-misleading-bridging'));
    expect(explanation.intercept ?? NaN).toBeGreaterThanOrEqual(0.4);
    expect(explanation.status).not.toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('gives the larger camp negative factors', () => {
    const factors = result.prescoring.finalRound.raterFactor;
    const shareNegative = (ids: string[]): number => {
      const fitted = ids
        .map((id) => factors[indexOfId(built.participantIds, id)])
        .filter((f) => !Number.isNaN(f));
      return fitted.filter((f) => f < 0).length / fitted.length;
    };
    expect(s.campA.length).toBeGreaterThan(s.campB.length);
    expect(shareNegative(s.campA)).toBeGreaterThan(0.9);
    expect(shareNegative(s.campB)).toBeLessThan(0.1);
  });

  it('final scoring with frozen raters reproduces the final round where it sees the same ratings', () => {
    const { finalRound } = result.prescoring;
    let compared = 0;
    for (let n = 0; n < built.noteIds.length; n++) {
      if (Number.isNaN(finalRound.noteIntercept[n])) continue;
      compared++;
      expect(result.final.intercept[n]).toBeCloseTo(finalRound.noteIntercept[n], 5);
      expect(result.final.factor[n]).toBeCloseTo(finalRound.noteFactor[n], 5);
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('puts the pseudo-rater bounds around the intercept', () => {
    const { intercept, interceptMin, interceptMax } = result.final;
    let scored = 0;
    for (let n = 0; n < intercept.length; n++) {
      if (Number.isNaN(intercept[n])) continue;
      scored++;
      expect(interceptMin[n]).toBeLessThanOrEqual(intercept[n]);
      expect(interceptMax[n]).toBeGreaterThan(intercept[n]);
    }
    expect(scored).toBeGreaterThan(400);
  });
});

describe('the two-round pipeline', () => {
  it('drops raters who mostly disagree with the first round', () => {
    const builder = new ScoringInputBuilder();
    const truth = generateSyntheticCommunity(
      { seed: 11, raters: 500, notes: 400, ratings: 16_000, contrarianShare: 0.1 },
      builderSink(builder),
    );
    const input = builder.build();
    const result = scoreNotes(input);
    const keptShare = (kind: RaterKind): number => {
      let fitted = 0;
      let kept = 0;
      truth.raterIds.forEach((id, u) => {
        const p = indexOfId(input.participantIds, id);
        if (
          truth.raterKind[u] !== kind ||
          Number.isNaN(result.prescoring.firstRound.raterFactor[p])
        )
          return;
        fitted++;
        kept += result.prescoring.helpfulness.aboveHelpfulnessThreshold[p];
      });
      return kept / fitted;
    };
    expect(keptShare(RaterKind.Contrarian)).toBeLessThan(0.1);
    expect(keptShare(RaterKind.CampA)).toBeGreaterThan(0.6);
    expect(keptShare(RaterKind.CampB)).toBeGreaterThan(0.6);
    // Contrarians have no final-round parameters, so they do not move final intercepts.
    const { aboveHelpfulnessThreshold } = result.prescoring.helpfulness;
    let dropped = 0;
    input.participantIds.forEach((_, p) => {
      if (aboveHelpfulnessThreshold[p]) return;
      dropped++;
      expect(result.prescoring.finalRound.raterFactor[p]).toBeNaN();
    });
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('small communities', () => {
  it('leaves every note NEEDS_MORE_RATINGS when there is too little data for a model', () => {
    const builder = new ScoringInputBuilder();
    builder.addNote('lonely', { createdAtMs: NOTE_TIME, misleading: true });
    const few = builder.addNote('few', { createdAtMs: NOTE_TIME, misleading: true });
    for (let u = 0; u < 6; u++) builder.addRating(few, `r${u}`, Helpful, NOTE_TIME + 1);
    const result = scoreNotes(builder.build());
    expect(Array.from(result.status)).toEqual([
      NoteStatus.NeedsMoreRatings,
      NoteStatus.NeedsMoreRatings,
    ]);
    expect(result.prescoring.firstRoundSummary.ratings).toBe(0);
    expect(explainNote(result, 0).intercept).toBeNull();
  });
});

describe('determinism', () => {
  function bytesOf(result: ScoringResult): Buffer {
    const arrays = [
      result.status,
      result.decidedBy,
      result.final.intercept,
      result.final.factor,
      result.final.interceptMax,
      result.prescoring.finalRound.raterIntercept,
      result.prescoring.finalRound.raterFactor,
    ];
    return Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  }

  /** A synthetic community's notes and ratings as `addNote` / `addRating` arguments. */
  function community(seed: number) {
    const rows: [string, string, HelpfulnessLevel, number, number][] = [];
    const notes: [string, string, number, boolean, string][] = [];
    generateSyntheticCommunity(
      { seed, raters: 300, notes: 250, ratings: 8_000 },
      { note: (...args) => notes.push(args), rating: (...args) => rows.push(args) },
    );
    return { rows, notes };
  }

  it('gives byte-identical output for the same input and seed, whatever the insertion order', () => {
    const { rows, notes } = community(5);
    const build = (reverse: boolean): ScoringInput => {
      const builder = new ScoringInputBuilder();
      const ordered = reverse ? [...notes].reverse() : notes;
      for (const [id, authorId, createdAtMs, misleading, postId] of ordered) {
        builder.addNote(id, { authorId, createdAtMs, misleading, postId });
      }
      for (const row of reverse ? [...rows].reverse() : rows) builder.addRating(...row);
      return builder.build();
    };
    const first = bytesOf(scoreNotes(build(false), { seed: 9 }));
    const again = bytesOf(scoreNotes(build(false), { seed: 9 }));
    const reversed = bytesOf(scoreNotes(build(true), { seed: 9 }));
    expect(again.equals(first)).toBe(true);
    expect(reversed.equals(first)).toBe(true);
  });

  it('gives the same statuses and histories for members’ minutes with notes held by stabilisation', () => {
    const { rows, notes } = community(6);
    const nowMs = Math.max(...rows.map((row) => row[3])) + 3_600_000;
    const heldAt = nowMs - 40 * 60_000;
    // Every seventh note held since 40 minutes before the run, as a previous run left it.
    const held = new Set(notes.filter((_, k) => k % 7 === 0).map(([id]) => id));
    const build = (reverse: boolean): ScoringInput => {
      const builder = new ScoringInputBuilder({
        ratingTimeSlackMs: CLIENT_MINUTE_SLACK_MS,
        preStabilizationPublic: true,
      });
      const ordered = reverse ? [...notes].reverse() : notes;
      for (const [id, authorId, createdAtMs, misleading, postId] of ordered) {
        const history = held.has(id)
          ? {
              ...emptyStatusHistory(id, authorId, createdAtMs),
              timestampMillisOfNmrDueToMinStableCrhTime: heldAt,
              timestampMillisOfFirstNmrDueToMinStableCrhTime: heldAt,
            }
          : undefined;
        builder.addNote(id, { authorId, createdAtMs, misleading, postId, history });
      }
      for (const row of reverse ? [...rows].reverse() : rows) builder.addRating(...row);
      return builder.build();
    };
    const runs = [build(false), build(false), build(true)].map((input) =>
      scoreNotes(input, { seed: 9, nowMs }),
    );
    const [first, again, reversed] = runs.map((result) => ({
      bytes: bytesOf(result),
      finalStatus: Array.from(result.finalStatus),
      history: JSON.stringify(result.history),
    }));
    expect(again).toEqual(first);
    expect(reversed).toEqual(first);
    // Some held notes are released, decided as of the hold's start.
    const released = runs[0].history?.filter(
      (row) => row.timestampMillisOfLatestNonNMRStatus === heldAt,
    );
    expect(released?.length).toBeGreaterThan(0);
  });
});
