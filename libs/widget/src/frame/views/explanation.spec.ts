import type { NoteResponse, ViewpointRatingsResponse } from '@bridgenotes/protocol';

import { decidingModel, needsRatingsReason } from './explanation';

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
