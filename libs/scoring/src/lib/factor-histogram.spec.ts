import { factorHistogram } from './factor-histogram';

describe('factorHistogram', () => {
  it('counts each scored rater once, edges clamped, unscored ones left out', () => {
    const histogram = factorHistogram(
      Float64Array.from([-1.7, -1, -0.01, 0, 0.49, 0.5, 1, NaN]),
      4,
    );
    expect(histogram).toEqual({ min: -1, max: 1, counts: [2, 1, 2, 2] });
  });
});
