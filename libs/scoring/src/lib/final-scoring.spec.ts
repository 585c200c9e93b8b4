import { generateSyntheticCommunity, builderSink } from '../synthetic/synthetic-data';
import { finalScore } from './final-scoring';
import { MIN_RATINGS_PER_NOTE } from './constants';
import { countRatingsPerNote, selectRatings } from './rating-filters';
import { ScoringInputBuilder, withRatings } from './scoring-input';
import { scoreNotes } from './scorer';

describe('final scoring baseline refits (§5.2 a, b)', () => {
  const builder = new ScoringInputBuilder();
  generateSyntheticCommunity(
    { seed: 5, raters: 300, notes: 200, ratings: 6_000 },
    builderSink(builder),
  );
  const input = builder.build();
  const { prescoring } = scoreNotes(input, { regime: 'core' }).scorers.coreWithTopics;
  const numRatings = countRatingsPerNote(input);

  it('gives every note the intercept of a fit on the ratings left, NaN under 5 of them', () => {
    // Every tenth participant left out: some notes lose ratings, others none.
    const left = Uint8Array.from(input.participantIds, (_, u) => (u % 10 === 0 ? 1 : 0));
    const result = finalScore(input, numRatings, prescoring, { highVolume: left });
    const rest = withRatings(
      input,
      selectRatings(input, (i) => left[input.ratingRater[i]] === 0),
    );
    const alone = finalScore(rest, numRatings, prescoring);
    const expected = alone.intercept.map((v, n) =>
      alone.finalRatings[n] < MIN_RATINGS_PER_NOTE ? NaN : v,
    );
    expect(result.interceptNoHighVol).toEqual(expected);
    // Some notes were refitted, some kept the full fit's intercept, some fell under 5 ratings.
    const fitted = (n: number): boolean => !Number.isNaN(result.intercept[n]);
    const notes = [...input.noteIds.keys()].filter(fitted);
    expect(
      notes.some((n) => expected[n] !== result.intercept[n] && !Number.isNaN(expected[n])),
    ).toBe(true);
    expect(notes.some((n) => expected[n] === result.intercept[n])).toBe(true);
    expect(notes.some((n) => Number.isNaN(expected[n]))).toBe(true);
    expect(result.interceptNoCorrelated).toEqual(
      result.intercept.map((v, n) => (result.finalRatings[n] < MIN_RATINGS_PER_NOTE ? NaN : v)),
    );
  });
});
