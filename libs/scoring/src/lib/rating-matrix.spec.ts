import { syntheticScoringInput } from '../synthetic/synthetic-data';
import { filterRatingsForTraining, refineSelection } from './rating-filters';
import { buildRatingMatrix, raterSubMatrix } from './rating-matrix';

describe('raterSubMatrix', () => {
  it('lays out a subset of whole raters exactly as building it from the ratings does', () => {
    const { input } = syntheticScoringInput({ seed: 3, raters: 300, notes: 200, ratings: 6_000 });
    const training = filterRatingsForTraining(input);
    const matrix = buildRatingMatrix(input, training);
    // Every third rater left out, and one note's raters all gone (an empty note range).
    const keep = Uint8Array.from(input.participantIds, (_, u) => (u % 3 === 0 ? 0 : 1));
    for (let k = matrix.noteStart[5]; k < matrix.noteStart[6]; k++) keep[matrix.noteRater[k]] = 0;
    const expected = buildRatingMatrix(
      input,
      refineSelection(training, (i) => keep[input.ratingRater[i]] === 1),
    );
    const sub = raterSubMatrix(matrix, keep);
    expect(sub.size).toBeGreaterThan(0);
    expect(sub.noteStart[6] - sub.noteStart[5]).toBe(0);
    expect(sub).toEqual(expected);
  });
});
