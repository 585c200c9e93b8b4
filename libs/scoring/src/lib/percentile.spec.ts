import { quantileInPlace } from './percentile';
import { Random } from './random';

/** The definition: sort, then interpolate linearly between the two order statistics. */
function sortedQuantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort();
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

describe('quantileInPlace', () => {
  it("gives the sorted array's quantile bit for bit, ties, NaN and ±0 included", () => {
    const random = new Random(5);
    const draws: Array<() => number> = [
      () => Math.floor(random.uniform(0, 4)),
      () => (random.uniform(0, 1) < 0.2 ? NaN : random.normal()),
      () => (random.uniform(0, 1) < 0.5 ? -0 : 0),
      () => random.uniform(-1, 1),
    ];
    for (let trial = 0; trial < 4000; trial++) {
      const draw = draws[trial % draws.length];
      const values = Float64Array.from({ length: Math.floor(random.uniform(0, 60)) }, draw);
      for (const q of [0, 0.4, 0.95, 0.999, 1, random.uniform(0, 1)]) {
        expect(Object.is(quantileInPlace(values.slice(), q), sortedQuantile(values, q))).toBe(true);
      }
    }
  });

  it('interpolates between order statistics and is NaN for an empty array', () => {
    expect(quantileInPlace(Float64Array.of(4, 1, 3, 2), 0.5)).toBe(2.5);
    expect(quantileInPlace(Float64Array.of(4, 1, 3, 2), 1)).toBe(4);
    expect(quantileInPlace(new Float64Array(0), 0.5)).toBeNaN();
  });
});
