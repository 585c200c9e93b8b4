import { syntheticScoringInput } from '../synthetic/synthetic-data';
import {
  fitMatrixFactorization,
  identifyFactorSign,
  initialParameters,
  regularisationFor,
  type MfParameters,
} from './matrix-factorization';
import { filterRatingsForTraining } from './rating-filters';
import { buildRatingMatrix, type RatingMatrix } from './rating-matrix';

function copyParameters(p: MfParameters): MfParameters {
  return {
    globalIntercept: p.globalIntercept,
    noteIntercept: p.noteIntercept.slice(),
    noteFactor: p.noteFactor.slice(),
    raterIntercept: p.raterIntercept.slice(),
    raterFactor: p.raterFactor.slice(),
  };
}

/** The reference's loss (§4.2) written directly: MSE plus λ·mean(param²) per parameter group. */
function referenceLoss(matrix: RatingMatrix, p: MfParameters): number {
  let squares = 0;
  for (let n = 0; n < matrix.noteCount; n++) {
    for (let k = matrix.noteStart[n]; k < matrix.noteStart[n + 1]; k++) {
      const u = matrix.noteRater[k];
      const predicted =
        p.globalIntercept +
        p.raterIntercept[u] +
        p.noteIntercept[n] +
        p.raterFactor[u] * p.noteFactor[n];
      squares += (matrix.noteValue[k] - predicted) ** 2;
    }
  }
  const meanSquare = (values: Float64Array): number => {
    let sum = 0;
    let count = 0;
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      sum += v * v;
      count++;
    }
    return sum / count;
  };
  return (
    squares / matrix.size +
    0.03 * meanSquare(p.raterFactor) +
    0.15 * meanSquare(p.raterIntercept) +
    0.03 * meanSquare(p.noteFactor) +
    0.15 * meanSquare(p.noteIntercept) +
    0.15 * p.globalIntercept ** 2
  );
}

describe('fitMatrixFactorization', () => {
  const { input } = syntheticScoringInput({ seed: 2, raters: 300, notes: 200, ratings: 6_000 });
  const matrix = buildRatingMatrix(input, filterRatingsForTraining(input));
  const fit = fitMatrixFactorization(
    matrix,
    initialParameters(matrix, 1),
    regularisationFor(matrix),
  );

  it('reaches a minimum of the reference loss: no single-parameter nudge lowers it', () => {
    const best = referenceLoss(matrix, fit.parameters);
    expect(fit.loss).toBeCloseTo(best, 12);
    const groups: (keyof Omit<MfParameters, 'globalIntercept'>)[] = [
      'noteIntercept',
      'noteFactor',
      'raterIntercept',
      'raterFactor',
    ];
    for (const group of groups) {
      const values = fit.parameters[group];
      for (let index = 0; index < values.length; index += 7) {
        if (Number.isNaN(values[index])) continue;
        for (const step of [-1e-3, 1e-3]) {
          const nudged = copyParameters(fit.parameters);
          nudged[group][index] += step;
          expect(referenceLoss(matrix, nudged)).toBeGreaterThan(best);
        }
      }
    }
    for (const step of [-1e-3, 1e-3]) {
      const nudged = copyParameters(fit.parameters);
      nudged.globalIntercept += step;
      expect(referenceLoss(matrix, nudged)).toBeGreaterThan(best);
    }
  });

  it('lands on the same optimum from a different random start', () => {
    const other = fitMatrixFactorization(
      matrix,
      initialParameters(matrix, 99),
      regularisationFor(matrix),
    );
    identifyFactorSign(fit.parameters);
    identifyFactorSign(other.parameters);
    let largest = 0;
    fit.parameters.noteIntercept.forEach((v, n) => {
      if (!Number.isNaN(v))
        largest = Math.max(largest, Math.abs(v - other.parameters.noteIntercept[n]));
    });
    expect(largest).toBeLessThan(1e-4);
  });

  it('leaves notes and raters outside the matrix unfitted', () => {
    for (let n = 0; n < matrix.noteCount; n++) {
      const empty = matrix.noteStart[n] === matrix.noteStart[n + 1];
      expect(Number.isNaN(fit.parameters.noteIntercept[n])).toBe(empty);
    }
  });
});

describe('identifyFactorSign', () => {
  const parameters = (raterFactor: number[], noteFactor: number[]): MfParameters => ({
    globalIntercept: 0,
    noteIntercept: new Float64Array(noteFactor.length),
    noteFactor: Float64Array.from(noteFactor),
    raterIntercept: new Float64Array(raterFactor.length),
    raterFactor: Float64Array.from(raterFactor),
  });

  it('flips every factor when fewer than half of the non-zero rater factors are negative', () => {
    const p = parameters([0.5, 0.2, -0.1, 0, NaN], [0.3, -0.4]);
    expect(identifyFactorSign(p)).toBe(true);
    expect(Array.from(p.raterFactor.subarray(0, 3))).toEqual([-0.5, -0.2, 0.1]);
    expect(Array.from(p.noteFactor)).toEqual([-0.3, 0.4]);
  });

  it('keeps the signs when the negative side is at least half', () => {
    const p = parameters([0.5, -0.2, 0, 0], [0.3]);
    expect(identifyFactorSign(p)).toBe(false);
    expect(p.noteFactor[0]).toBe(0.3);
  });
});
