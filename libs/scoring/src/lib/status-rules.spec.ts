import { NoteStatus, RuleId } from './note-status';
import type { SideCounts, SideTally } from './side-counts';
import { finalStatus, provisionalStatus, type NoteFacts } from './status-rules';

function side(helpful: number, notHelpful: number, somewhatHelpful = 0): SideTally {
  return {
    raters: helpful + notHelpful + somewhatHelpful,
    helpful,
    notHelpful,
    somewhatHelpful,
    helpfulnessSum: helpful + 0.5 * somewhatHelpful,
  };
}

function sides(negative: SideTally, positive: SideTally): SideCounts {
  const netMinHelpful = Math.max(
    0,
    Math.min(negative.helpful - negative.notHelpful, positive.helpful - positive.notHelpful),
  );
  return {
    negative,
    positive,
    netMinHelpful,
    netMinHelpfulRatio: netMinHelpful / (negative.raters + positive.raters),
  };
}

const balanced = sides(side(12, 1), side(11, 2));
const facts = (overrides: Partial<NoteFacts>): NoteFacts => ({
  numRatings: 30,
  misleading: true,
  intercept: 0.45,
  factor: 0.1,
  interceptMax: 0.5,
  previouslyHelpful: false,
  ...overrides,
});

describe('finalStatus', () => {
  it('rates a confident, balanced misleading note helpful', () => {
    expect(finalStatus(facts({}), balanced)).toMatchObject({
      status: NoteStatus.CurrentlyRatedHelpful,
      decidedBy: RuleId.GeneralCRH,
    });
  });

  it('needs five ratings for helpful', () => {
    expect(finalStatus(facts({ numRatings: 4 }), balanced).status).not.toBe(
      NoteStatus.CurrentlyRatedHelpful,
    );
  });

  it('firmly rejects a helpful intercept carried by a large factor', () => {
    expect(finalStatus(facts({ factor: -0.51 }), balanced)).toMatchObject({
      status: NoteStatus.FirmReject,
      decidedBy: RuleId.FilterLargeFactor,
    });
  });

  it('firmly rejects intercepts below the 0.30 floor unless not helpful', () => {
    expect(finalStatus(facts({ intercept: 0.29 }), balanced).status).toBe(NoteStatus.FirmReject);
    expect(finalStatus(facts({ intercept: 0.31 }), balanced).status).toBe(
      NoteStatus.NeedsMoreRatings,
    );
  });

  it('rates not helpful below −0.05 − 0.8·|factor|', () => {
    expect(finalStatus(facts({ intercept: -0.2, factor: 0.1 }), balanced)).toMatchObject({
      status: NoteStatus.CurrentlyRatedNotHelpful,
      decidedBy: RuleId.GeneralCRNH,
    });
    // A strongly one-sided note needs a lower intercept.
    expect(finalStatus(facts({ intercept: -0.2, factor: 0.4 }), balanced).decidedBy).toBe(
      RuleId.RejectLowIntercept,
    );
  });

  it('rates not helpful when even the pseudo-rater upper bound is below −0.04', () => {
    expect(
      finalStatus(facts({ intercept: -0.03, factor: 0.5, interceptMax: -0.05 }), balanced),
    ).toMatchObject({ status: NoteStatus.CurrentlyRatedNotHelpful, decidedBy: RuleId.UcbCRNH });
  });

  it('rates not helpful when both factor sides mostly said not helpful', () => {
    const outcome = finalStatus(
      facts({ intercept: 0.1, factor: 0.6, interceptMax: 0.2 }),
      sides(side(1, 5, 1), side(0, 4, 1)),
    );
    expect(outcome).toMatchObject({
      status: NoteStatus.CurrentlyRatedNotHelpful,
      decidedBy: RuleId.RatioCRNH,
    });
    // Two raters on one side are not enough evidence.
    expect(
      finalStatus(
        facts({ intercept: 0.1, factor: 0.6, interceptMax: 0.2 }),
        sides(side(1, 5, 1), side(0, 2)),
      ).status,
    ).toBe(NoteStatus.FirmReject);
  });

  it('applies the not-misleading rule and never rates such notes helpful', () => {
    expect(finalStatus(facts({ misleading: false }), balanced).status).toBe(
      NoteStatus.NeedsMoreRatings,
    );
    expect(
      finalStatus(facts({ misleading: false, intercept: -0.16, factor: -0.2 }), balanced),
    ).toMatchObject({ status: NoteStatus.CurrentlyRatedNotHelpful, decidedBy: RuleId.NmCRNH });
  });

  it('asks for more raters when CRH hinges on high-volume or correlated raters', () => {
    expect(finalStatus(facts({ interceptNoHighVol: 0.36 }), balanced)).toMatchObject({
      status: NoteStatus.NeedsYourHelp,
      decidedBy: RuleId.NoHighVolIntercept,
    });
    expect(finalStatus(facts({ interceptNoCorrelated: 0.36 }), balanced)).toMatchObject({
      status: NoteStatus.NeedsYourHelp,
      decidedBy: RuleId.NoCorrelatedIntercept,
    });
    const steady = facts({ interceptNoHighVol: 0.38, interceptNoCorrelated: NaN });
    expect(finalStatus(steady, balanced).status).toBe(NoteStatus.CurrentlyRatedHelpful);
  });

  it('firmly rejects tag and incorrect outliers unless the note is not helpful', () => {
    expect(finalStatus(facts({ tagOutlier: true }), balanced).decidedBy).toBe(RuleId.TagFilter);
    expect(finalStatus(facts({ incorrectOutlier: true }), balanced)).toMatchObject({
      status: NoteStatus.FirmReject,
      decidedBy: RuleId.FilterIncorrect,
    });
    const crnh = facts({ intercept: -0.2, factor: 0, tagOutlier: true, incorrectOutlier: true });
    expect(finalStatus(crnh, balanced).status).toBe(NoteStatus.CurrentlyRatedNotHelpful);
  });

  it('firmly rejects a note whose low-diligence intercept is above 0.263', () => {
    expect(finalStatus(facts({ lowDiligenceIntercept: 0.27 }), balanced)).toMatchObject({
      status: NoteStatus.FirmReject,
      decidedBy: RuleId.LowDiligence,
    });
    for (const lowDiligenceIntercept of [0.263, NaN, undefined]) {
      expect(finalStatus(facts({ lowDiligenceIntercept }), balanced).status).toBe(
        NoteStatus.CurrentlyRatedHelpful,
      );
    }
    const crnh = facts({ intercept: -0.2, factor: 0, lowDiligenceIntercept: 1 });
    expect(finalStatus(crnh, balanced).status).toBe(NoteStatus.CurrentlyRatedNotHelpful);
  });

  it('keeps a previously helpful note helpful down to 0.39', () => {
    expect(
      finalStatus(facts({ intercept: 0.395, previouslyHelpful: true }), balanced),
    ).toMatchObject({
      status: NoteStatus.CurrentlyRatedHelpful,
      decidedBy: RuleId.GeneralCRHInertia,
    });
    expect(finalStatus(facts({ intercept: 0.395 }), balanced).status).toBe(
      NoteStatus.NeedsMoreRatings,
    );
  });

  it('asks for more raters from the minority side (net-helpful minimums)', () => {
    expect(finalStatus(facts({}), sides(side(30, 0), side(4, 1)))).toMatchObject({
      status: NoteStatus.NeedsYourHelp,
      decidedBy: RuleId.MinMinorityRaters,
    });
    expect(finalStatus(facts({}), sides(side(120, 0), side(6, 0)))).toMatchObject({
      status: NoteStatus.NeedsYourHelp,
      decidedBy: RuleId.RaterBalance,
    });
    expect(finalStatus(facts({}), sides(side(60, 0), side(6, 0))).status).toBe(
      NoteStatus.CurrentlyRatedHelpful,
    );
  });

  it('leaves unscored notes NEEDS_MORE_RATINGS', () => {
    const unscored = facts({ intercept: NaN, factor: NaN, interceptMax: NaN });
    expect(finalStatus(unscored, balanced)).toMatchObject({
      status: NoteStatus.NeedsMoreRatings,
      decidedBy: RuleId.InitialNMR,
    });
  });
});

describe('provisionalStatus', () => {
  it('uses only the intercept rules of the first round', () => {
    expect(provisionalStatus(facts({ factor: 0.9 }))).toBe(NoteStatus.CurrentlyRatedHelpful);
    expect(provisionalStatus(facts({ intercept: -0.3 }))).toBe(NoteStatus.CurrentlyRatedNotHelpful);
    expect(provisionalStatus(facts({ intercept: 0.1, interceptMax: -1 }))).toBe(
      NoteStatus.NeedsMoreRatings,
    );
  });
});
