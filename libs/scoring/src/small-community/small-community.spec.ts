import { runFactorHistogram } from '../lib/factor-histogram';
import { MetaRule, NoteStatus } from '../lib/note-status';
import { explainNote } from '../lib/note-explanation';
import { indexOfId, scoreNotes } from '../lib/scorer';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { measureCommunity } from '../study/small-community-evaluation';
import { helpfulRatingsNeeded, OPINION_GROUP_PARAMETERS, shareBounds } from './opinion-groups';
import { chooseRegime } from './regime';

const { Helpful, NotHelpful, SomewhatHelpful } = HelpfulnessLevel;
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/**
 * A planted 40-member community: camps A (members 0–19) and B (20–39). Twelve partisan notes
 * (six each way) give every member a viewpoint; then a bridging note both camps find helpful,
 * a one-sided note only camp A finds helpful, and a note only camp A has rated so far.
 */
function plantedCommunity(): ScoringInput {
  const builder = new ScoringInputBuilder();
  const member = (u: number): string => `member-${String(u).padStart(2, '0')}`;
  const note = (id: string, n: number): void => {
    builder.addNote(id, {
      authorId: member(39 - (n % 40)),
      createdAtMs: T0 + n * HOUR,
      misleading: true,
      postId: `post-${n}`,
    });
  };
  for (let n = 0; n < 12; n++) note(`partisan-${String(n).padStart(2, '0')}`, n);
  note('bridging', 12);
  note('one-sided', 13);
  note('needs-b', 14);
  for (let u = 0; u < 40; u++) {
    const campA = u < 20;
    // Five consecutive partisan notes each (rotating, so the rating graph is connected and
    // every note gets about 16 ratings).
    for (let k = 0; k < 5; k++) {
      const n = (u + k) % 12;
      const forA = n < 6;
      const level = forA === campA ? Helpful : (u + k) % 4 === 0 ? SomewhatHelpful : NotHelpful;
      builder.addRating(`partisan-${String(n).padStart(2, '0')}`, member(u), level, T0 + 20 * HOUR);
    }
  }
  // Bridging: seven raters from each camp, one of them lukewarm.
  for (const u of [0, 2, 4, 6, 8, 10, 12, 21, 23, 25, 27, 29, 31, 33]) {
    builder.addRating('bridging', member(u), u === 12 ? SomewhatHelpful : Helpful, T0 + 30 * HOUR);
  }
  // One-sided: camp A loves it, camp B does not.
  for (const u of [1, 3, 5, 7, 9, 11, 13, 15]) {
    builder.addRating('one-sided', member(u), Helpful, T0 + 30 * HOUR);
  }
  for (const u of [22, 24, 26, 28, 30]) {
    builder.addRating('one-sided', member(u), NotHelpful, T0 + 30 * HOUR);
  }
  // Only camp A has rated this one yet.
  for (const u of [14, 16, 17, 18])
    builder.addRating('needs-b', member(u), Helpful, T0 + 31 * HOUR);
  return builder.build();
}

describe('the small-community regime', () => {
  const input = plantedCommunity();
  const result = scoreNotes(input, { seed: 7 });
  const explain = (id: string) => explainNote(result, indexOfId(input.noteIds, id));

  it('is chosen automatically for a 40-member community', () => {
    expect(result.regime).toEqual({
      regime: 'small-community',
      establishedRaters: 0,
      coreKeptShare: expect.any(Number),
    });
    expect(result.groups?.groupSizes[0]).toBeGreaterThanOrEqual(15);
    expect(result.groups?.groupSizes[1]).toBeGreaterThanOrEqual(15);
  });

  it("reads the Core filters' share from the run's own fit, as the switch computes it alone", () => {
    // The run passes CoreWithTopics' training count instead of filtering the input again.
    expect(result.regime).toEqual(chooseRegime(result.scoredInput));
  });

  it('shows the bridging note as helpful and not the one-sided note', () => {
    expect(explain('bridging')).toMatchObject({
      status: 'CURRENTLY_RATED_HELPFUL',
      decidedBy: 'OpinionGroupsCRH',
    });
    expect(explain('one-sided').status).not.toBe('CURRENTLY_RATED_HELPFUL');
    // The Core alone shows nothing here: no member has its 10 ratings.
    const core = scoreNotes(input, { seed: 7, regime: 'core' });
    expect(core.finalStatus.filter((s) => s === NoteStatus.CurrentlyRatedHelpful)).toHaveLength(0);
  });

  it('decides in place of the meta-scoring step, credited as SmallCommunityModel', () => {
    // The Gaussian scorer still runs (its verdict is reported) but moves no note here.
    expect(result.gaussian.status).toHaveLength(input.noteIds.length);
    expect([...result.models.status]).toEqual([...(result.groups?.status ?? [])]);
    expect(new Set(result.models.decidedBy)).toEqual(new Set([MetaRule.SmallCommunityModel]));
    expect(explain('bridging')).toMatchObject({
      decidingModel: 'SmallCommunityModel',
      metaDecidedBy: 'SmallCommunityModel',
      gaussian: { status: expect.any(String) },
    });
    // Forced to the Core, the meta-scoring credits Core or Gaussian as before.
    const core = scoreNotes(input, { seed: 7, regime: 'core' });
    expect([...core.models.decidedBy]).not.toContain(MetaRule.SmallCommunityModel);
  });

  it('names what a needs-ratings note is missing: helpful ratings from the other group', () => {
    const missing = explain('needs-b').missing;
    expect(explain('needs-b').status).toBe('NEEDS_MORE_RATINGS');
    // Camp A members were placed in one group; find which, and check the other needs ratings.
    const groupOfA = result.groups?.raterGroup[indexOfId(input.participantIds, 'member-14')];
    expect(groupOfA === 0 || groupOfA === 1).toBe(true);
    const a = groupOfA as 0 | 1;
    const b = (1 - a) as 0 | 1;
    // A member close to the middle may belong to neither group; the others are in A's group.
    expect(missing.sides[a].ratings).toBeGreaterThanOrEqual(3);
    expect(missing.sides[a].helpful).toBe(missing.sides[a].ratings);
    expect(missing.sides[b].ratings).toBe(0);
    expect(missing.helpfulNeeded[a]).toBe(0);
    expect(missing.helpfulNeeded[b]).toBe(OPINION_GROUP_PARAMETERS.minRatingsPerGroup);
  });

  it("gives the run's raters' histogram from its own viewpoint fit, with the groups it formed", () => {
    const histogram = runFactorHistogram(result);
    const groups = result.groups;
    // Every member has five ratings, so a viewpoint; the Core's final round scored nobody.
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(histogram.groups).toEqual({ sizes: groups?.groupSizes, margin: groups?.margin });
    expect(histogram.groups?.margin).toBeGreaterThan(0);
    // Group A's members all sit at or below −margin, group B's at or above it.
    const [a, b] = histogram.groups?.sizes ?? [0, 0];
    const factors = Array.from(groups?.fit?.raterFactor ?? []);
    const margin = groups?.margin ?? 0;
    expect(factors.filter((f) => f <= -margin)).toHaveLength(a);
    expect(factors.filter((f) => f >= margin)).toHaveLength(b);
  });

  it('is deterministic and independent of insertion order', () => {
    const again = scoreNotes(plantedCommunity(), { seed: 7 });
    expect(Array.from(again.finalStatus)).toEqual(Array.from(result.finalStatus));
    expect(Array.from(again.groups?.raterGroup ?? [])).toEqual(
      Array.from(result.groups?.raterGroup ?? []),
    );
  });
});

describe('the opinion-group evidence test', () => {
  it('bounds the helpful share under a Beta(1, 1) prior', () => {
    const [low, high] = shareBounds(3, 3, 1);
    expect(low).toBeCloseTo(0.8 - Math.sqrt(0.16 / 6), 12);
    expect(high).toBeCloseTo(0.8 + Math.sqrt(0.16 / 6), 12);
  });

  it('counts the helpful ratings a group still needs', () => {
    const p = OPINION_GROUP_PARAMETERS;
    expect(helpfulRatingsNeeded(0, 0, p)).toBe(p.minRatingsPerGroup);
    expect(helpfulRatingsNeeded(3, 3, p)).toBe(0);
    // Two not-helpful ratings take more helpful ones to outweigh.
    expect(helpfulRatingsNeeded(0, 2, p)).toBeGreaterThan(3);
  });
});

describe('the regime switch', () => {
  it('keeps the Core where most ratings come from established raters', () => {
    const builder = new ScoringInputBuilder();
    for (let n = 0; n < 30; n++) {
      builder.addNote(`n${n}`, { createdAtMs: T0, misleading: true });
      for (let u = 0; u < 250; u++) {
        if ((u + n) % 3 === 0) builder.addRating(`n${n}`, `u${u}`, Helpful, T0 + HOUR);
      }
    }
    expect(chooseRegime(builder.build())).toMatchObject({ regime: 'core', establishedRaters: 250 });
  });

  it('in a synthetic 50-member community shows most truly bridging notes and no one-sided one', () => {
    const measures = measureCommunity('auto', 50, 1);
    expect(measures.shownBridging / measures.bridging).toBeGreaterThan(0.5);
    expect(measures.oneSidedShown).toBe(0);
    expect(measures.brigadedShown).toBe(0);
  });
});
