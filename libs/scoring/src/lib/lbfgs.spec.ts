import { minimiseLbfgs } from './lbfgs';

describe('minimiseLbfgs', () => {
  it('finds the minimum of a convex quadratic', () => {
    // f(x) = Σ (i + 1)·(x_i − i)², minimum at x_i = i.
    const x = new Float64Array(5);
    const { gradientNorm } = minimiseLbfgs(
      (v, g) => {
        let f = 0;
        v.forEach((value, i) => {
          f += (i + 1) * (value - i) ** 2;
          g[i] = 2 * (i + 1) * (value - i);
        });
        return f;
      },
      x,
      1e-12,
      100,
    );
    expect(gradientNorm).toBeLessThanOrEqual(1e-12);
    [...x].forEach((value, i) => expect(value).toBeCloseTo(i, 10));
  });

  it('finds the minimum of a badly conditioned function (Rosenbrock)', () => {
    const x = Float64Array.from([-1.2, 1]);
    minimiseLbfgs(
      (v, g) => {
        const [a, b] = v;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      x,
      1e-10,
      1000,
    );
    expect(x[0]).toBeCloseTo(1, 6);
    expect(x[1]).toBeCloseTo(1, 6);
  });

  it('stops at once on a NaN gradient and says so', () => {
    const x = Float64Array.from([1]);
    const result = minimiseLbfgs(
      (_, g) => {
        g[0] = NaN;
        return NaN;
      },
      x,
      1e-10,
      100,
    );
    expect(result.iterations).toBe(0);
    expect(result.gradientNorm).toBeNaN();
    expect(x[0]).toBe(1);
  });
});
