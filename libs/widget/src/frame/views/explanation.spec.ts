import type { NoteResponse, ViewpointRatingsResponse } from '@bridgenotes/protocol';

import {
  decidingModel,
  needsRatingsReason,
  unknownViewpointsText,
  viewpointText,
} from './explanation';
import { whyShown } from './note-card';
import { useLocale } from '../i18n';

const decidedBy = (decidingModel: string) =>
  ({ score: { decidingModel } }) as unknown as NoteResponse;

describe('the deciding model, in plain words', () => {
  // The scorers the API documents for `score.decidingModel` (apps/api's note DTO): a reader of a
  // note any of them decided is told which, each in words of its own.
  const SCORERS = [
    'CoreModel',
    'CoreWithTopicsModel',
    'ExpansionModel',
    'ExpansionPlusModel',
    'GaussianModel',
    'GaussianCoreWithTopicsModel',
    'SmallCommunityModel',
    'TopicModel',
  ];

  it('names every scorer that can decide a note, each differently, never by its code name', () => {
    const sentences = SCORERS.map((scorer) => decidingModel(decidedBy(scorer)));
    for (const [i, sentence] of sentences.entries()) {
      expect([SCORERS[i], sentence]).toEqual([
        SCORERS[i],
        expect.stringMatching(/^(Decided|Held back) by /),
      ]);
      expect(sentence).not.toMatch(/Model|Core|Gaussian/);
    }
    expect(new Set(sentences).size).toBe(SCORERS.length);
  });

  it('says nothing for a stability rule or a name it does not know', () => {
    expect(decidingModel(decidedBy('NmrDueToMinStableCrhTime'))).toBeNull();
    expect(decidingModel(decidedBy('SomeFutureModel'))).toBeNull();
    expect(decidingModel({ score: null } as unknown as NoteResponse)).toBeNull();
  });
});

describe('why a note needs ratings, in plain words', () => {
  const side: ViewpointRatingsResponse = {
    label: 'one',
    ratings: 6,
    helpful: 5,
    somewhatHelpful: 1,
    notHelpful: 0,
    helpfulShare: 0.83,
    helpfulRatingsNeeded: 0,
  };
  const reason = (score: Record<string, unknown>) =>
    needsRatingsReason(
      { classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING', score } as unknown as NoteResponse,
      side,
      side,
    );

  it('says when the topic’s own model held back a note the community rates helpful', () => {
    expect(reason({ decidedBy: 'TopicModel' })).toMatch(/follow its topic closely/);
    expect(reason({ decidedBy: 'NmrDueToMinStableCrhTime' })).toMatch(
      /held back for up to an hour/,
    );
    expect(reason({ decidedBy: 'GeneralCRH' })).not.toMatch(/topic/);
    // Without a rule of its own, the sides speak: both lean helpful here.
    expect(reason({ decidedBy: 'GeneralCRH' })).toMatch(/^Both sides lean helpful/);
  });
});

describe('what a small community’s explanation says, in English and French', () => {
  // As the API publishes a small community's note (apps/api's note-explanation.dto.ts): the Core's
  // sides are empty (nobody has its 10 ratings), the opinion groups' are in the viewpoints.
  const emptyCoreSide = { raters: 0, helpful: 0, somewhatHelpful: 0, notHelpful: 0 };
  const group = (ratings: number, helpful: number, needed: number | null = 0) => ({
    label: 'One viewpoint',
    ratings,
    helpful,
    somewhatHelpful: 0,
    notHelpful: ratings - helpful,
    helpfulShare: ratings > 0 ? helpful / ratings : null,
    helpfulRatingsNeeded: needed,
  });
  const note = (
    status: string,
    score: Record<string, unknown>,
    viewpoints: unknown[],
    unknown = 0,
  ) =>
    ({
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      status,
      score: {
        decidingModel: 'SmallCommunityModel',
        negativeFactorRaters: emptyCoreSide,
        positiveFactorRaters: emptyCoreSide,
        missing: { regime: 'small-community' },
        ...score,
      },
      explanation: { viewpoints, ratingsWithoutViewpoint: unknown },
    }) as unknown as NoteResponse;
  const normalise = (text: string) => text.replace(/\u202f|\u00a0/g, ' ');

  afterEach(() => useLocale('en'));
  beforeAll(() => {
    (globalThis as { document?: unknown }).document = { documentElement: {} };
  });

  it('gives a shown note the opinion groups’ shares, never the Core’s empty sides', () => {
    const shown = note('CURRENTLY_RATED_HELPFUL', { decidedBy: 'OpinionGroupsCRH' }, [
      group(4, 4),
      group(3, 3),
    ]);
    expect(whyShown(shown)).toBe(
      'Rated helpful by people who usually disagree: 100% helpful from 4 ratings on one side, 100% from 3 on the other. Decided by small-community scoring, which finds the groups of raters who usually agree.',
    );
    useLocale('fr');
    expect(normalise(whyShown(shown))).toMatch(
      /^Jugée utile par des personnes qui sont d’habitude en désaccord: 100 % utile sur 4 évaluations d’un côté, 100 % sur 3 de l’autre\./,
    );
  });

  it('falls back to the Core’s sides, and gives no shares where a side has none', () => {
    const core = {
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      score: {
        negativeFactorRaters: { raters: 6, helpful: 5 },
        positiveFactorRaters: { raters: 5, helpful: 4 },
      },
      explanation: null,
    } as unknown as NoteResponse;
    expect(whyShown(core)).toBe(
      'Rated helpful by people who usually disagree: 83% helpful from 6 ratings on one side, 80% from 5 on the other',
    );
    const empty = {
      ...core,
      score: { negativeFactorRaters: emptyCoreSide, positiveFactorRaters: emptyCoreSide },
    };
    expect(whyShown(empty as unknown as NoteResponse)).toBe(
      'Rated helpful by people who usually disagree',
    );
  });

  it('says a note rated helpful without tags needs the reasons, and a locked one no longer moves', () => {
    const untagged = note(
      'NEEDS_MORE_RATINGS',
      { decidedBy: 'InsufficientExplanation', preStabilizationStatus: 'CURRENTLY_RATED_HELPFUL' },
      [group(3, 3), group(3, 3)],
    );
    const [one, other] = untagged.explanation?.viewpoints ?? [];
    expect(needsRatingsReason(untagged, one, other)).toMatch(
      /^Its ratings are enough to show it, but a note is shown only when its raters agree on why it helps: two of the reasons under “What applies\?” must each be chosen by at least two raters\./,
    );
    const notHelpful = note(
      'NEEDS_MORE_RATINGS',
      {
        decidedBy: 'InsufficientExplanation',
        preStabilizationStatus: 'CURRENTLY_RATED_NOT_HELPFUL',
      },
      [group(3, 0), group(3, 0)],
    );
    expect(needsRatingsReason(notHelpful, one, other)).toMatch(
      /^Its ratings are enough to rate it not helpful/,
    );
    const locked = note('NEEDS_MORE_RATINGS', { decidedBy: 'ScoringDriftGuard' }, [
      group(3, 3, 0),
      group(1, 0, 2),
    ]);
    expect(needsRatingsReason(locked, one, other)).toMatch(/^Its status is locked/);
    expect(
      whyShown(
        note('CURRENTLY_RATED_HELPFUL', { decidedBy: 'ScoringDriftGuard' }, [
          group(3, 3),
          group(3, 3),
        ]),
      ),
    ).toMatch(
      /agree\. Its status is locked: a note keeps the status it had two weeks after it was written/,
    );
    useLocale('fr');
    expect(needsRatingsReason(untagged, one, other)).toMatch(
      /^Ses évaluations suffisent pour l’afficher/,
    );
    expect(needsRatingsReason(locked, one, other)).toMatch(/^Son statut est figé/);
  });

  it('words an empty side as no rating yet, and counts ratings whose viewpoint is not known', () => {
    const waiting = note('NEEDS_MORE_RATINGS', { decidedBy: 'OpinionGroupsNMR' }, [], 4);
    expect(viewpointText(group(0, 0, 3), 1, false)).toBe(
      'The other side: no rating from this side yet · helpful ratings still needed: 3',
    );
    expect(unknownViewpointsText(waiting)).toBe(
      'Ratings from members whose viewpoint isn’t known yet: 4 — a viewpoint is known after 3 ratings',
    );
    expect(unknownViewpointsText(note('NEEDS_MORE_RATINGS', {}, [], 0))).toBeNull();
    useLocale('fr');
    expect(viewpointText(group(0, 0, 3), 1, false)).toBe(
      'L’autre côté : aucune évaluation de ce côté pour l’instant · évaluations « utile » encore nécessaires : 3',
    );
    expect(unknownViewpointsText(waiting)).toMatch(
      /^Évaluations de membres dont le point de vue n’est pas encore connu : 4/,
    );
  });
});
