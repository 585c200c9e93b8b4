import { createHash } from 'node:crypto';

import { fastExp, fastLog1p, fastSigmoid, TWO_TO_J_128 } from './fast-math';

const bits = new BigInt64Array(1);
const value = new Float64Array(bits.buffer);

/** Distance in units in the last place between two non-negative doubles. */
function ulps(a: number, b: number): number {
  value[0] = a;
  const x = bits[0];
  value[0] = b;
  return Number(x > bits[0] ? x - bits[0] : bits[0] - x);
}

function worstUlps(xs: Iterable<number>, f: (x: number) => number, g: (x: number) => number) {
  let worst = 0;
  let at = NaN;
  for (const x of xs) {
    const d = ulps(f(x), g(x));
    if (d > worst) [worst, at] = [d, x];
  }
  return { worst, at };
}

function* grid(from: number, to: number, points: number): Generator<number> {
  for (let i = 0; i <= points; i++) yield from + ((to - from) * i) / points;
}

function* uniform(from: number, to: number, points: number, seed: number): Generator<number> {
  let s = seed;
  for (let i = 0; i < points; i++) {
    // xorshift32: any fixed spread of points will do.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    yield from + ((to - from) * (s >>> 0)) / 2 ** 32;
  }
}

describe('fastExp', () => {
  it('has 2^(j/128) correctly rounded in its table', () => {
    // (2m − 1)^128 ≤ 2^(j + 53·128) ≤ (2m + 1)^128 for the table's m·2⁻⁵² nearest 2^(j/128).
    for (let j = 0; j < 128; j++) {
      const m = BigInt(TWO_TO_J_128[j] * 2 ** 52);
      const target = 1n << BigInt(j + 53 * 128);
      expect((2n * m - 1n) ** 128n <= target && target <= (2n * m + 1n) ** 128n).toBe(true);
    }
  });

  it('is within 2 ulp of Math.exp over the whole finite range', () => {
    const sweeps = [
      grid(-745.2, 709.8, 1_000_000),
      uniform(-40, 40, 500_000, 1),
      uniform(-1, 1, 200_000, 2),
      uniform(-1e-3, 1e-3, 100_000, 3),
      grid(-745.2, -700, 100_000),
      grid(700, 709.8, 100_000),
    ];
    for (const xs of sweeps) expect(worstUlps(xs, fastExp, Math.exp).worst).toBeLessThanOrEqual(2);
  });

  it('handles zero, tiny, huge, infinite and NaN arguments as Math.exp does', () => {
    for (const x of [0, -0, 5e-324, -5e-324, 1e-300, -1e-17, 709.78, -745.1, -745.2, -1e6]) {
      expect(ulps(fastExp(x), Math.exp(x))).toBeLessThanOrEqual(1);
    }
    expect(fastExp(0)).toBe(1);
    expect(fastExp(709.79)).toBe(Infinity);
    expect(fastExp(1e300)).toBe(Infinity);
    expect(fastExp(Infinity)).toBe(Infinity);
    expect(fastExp(-746)).toBe(0);
    expect(fastExp(-Infinity)).toBe(0);
    expect(fastExp(NaN)).toBeNaN();
  });

  it('gives the same bits on every machine', () => {
    const hash = createHash('sha256');
    const out = Float64Array.from(grid(-745.2, 709.8, 100_000), fastExp);
    hash.update(Buffer.from(out.buffer));
    expect(hash.digest('hex')).toBe(
      '3b6f8c94981c9336fd0c7b5c39a75a28b74b1214eca7e142de5fc0d5bd14d2cc',
    );
  });
});

describe('fastSigmoid', () => {
  it('is within 4 ulp of 1/(1 + Math.exp(−z)) and saturates to 0 and 1', () => {
    const reference = (z: number) => 1 / (1 + Math.exp(-z));
    expect(
      worstUlps(uniform(-40, 40, 500_000, 4), fastSigmoid, reference).worst,
    ).toBeLessThanOrEqual(4);
    expect(fastSigmoid(0)).toBe(0.5);
    expect(fastSigmoid(-710)).toBe(0);
    expect(fastSigmoid(-Infinity)).toBe(0);
    expect(fastSigmoid(40)).toBe(1);
    expect(fastSigmoid(Infinity)).toBe(1);
    expect(fastSigmoid(NaN)).toBeNaN();
  });
});

describe('fastLog1p', () => {
  it('is within 2 ulp of Math.log1p over (0, 1], down to the smallest e^−|z|', () => {
    const sweeps = [
      grid(0, 1, 1_000_000),
      uniform(0, 1, 300_000, 5),
      (function* () {
        for (let i = 0; i <= 300_000; i++) yield Math.exp((-745 * i) / 300_000);
      })(),
    ];
    for (const xs of sweeps) {
      expect(worstUlps(xs, fastLog1p, Math.log1p).worst).toBeLessThanOrEqual(2);
    }
  });

  it('leaves other arguments to Math.log1p', () => {
    for (const a of [0, -0, -0.5, 2, 1e300, -1, Infinity, NaN]) {
      expect(Object.is(fastLog1p(a), Math.log1p(a))).toBe(true);
    }
  });
});
