import type { BenchmarkFigures } from './benchmark-figures';
import {
  growthPage,
  growthPlot,
  growthRatio,
  project,
  sizeRows,
  stageGrowth,
} from './growth-report';

/** A run whose stages cost `linearMs` per 1k ratings and `quadraticMs` per (1k ratings)². */
function figures(ratings: number, linearMs: number, quadraticMs: number): BenchmarkFigures {
  const k = ratings / 1000;
  const stages = [
    { stage: 'linear', cpuMs: linearMs * k },
    { stage: 'quadratic', cpuMs: quadraticMs * k * k },
  ].map((s) => ({ ...s, wallMs: s.cpuMs * 2, rssMb: 100, peakRssMb: 100 }));
  const cpuMs = stages.reduce((total, s) => total + s.cpuMs, 0);
  return {
    ratings,
    ratingsAfterDeduplication: ratings,
    raters: ratings / 25,
    notes: ratings / 40,
    seed: 1,
    threads: 1,
    wallMs: cpuMs * 2,
    cpuMs,
    peakRssMb: ratings / 1000,
    loadAtStart: [1.5, 1, 0.5],
    loadAtEnd: [2.5, 1, 0.5],
    stages,
  };
}

describe('growth report', () => {
  it('is 1 for linear growth and 2 when cost per rating doubles', () => {
    expect(growthRatio(30, 3_000_000, 10, 1_000_000)).toBeCloseTo(1);
    expect(growthRatio(60, 3_000_000, 10, 1_000_000)).toBeCloseTo(2);
  });

  it('compares every size with the smallest, whatever the order of the runs', () => {
    const rows = sizeRows([figures(4000, 10, 1), figures(1000, 10, 1), figures(2000, 10, 1)]);
    expect(rows.map((r) => r.figures.ratings)).toEqual([1000, 2000, 4000]);
    // CPU: 11 ms at 1k, 24 at 2k, 56 at 4k.
    expect(rows.map((r) => r.cpuGrowth)).toEqual([1, 24 / 11 / 2, 56 / 11 / 4]);
    expect(rows[2].cpuPerMillionS).toBeCloseTo(56 / 1000 / 0.004);
    expect(rows[2].memoryGrowth).toBeCloseTo(1);
  });

  it('singles out the stage that grows faster than the data', () => {
    const stages = stageGrowth([figures(1000, 300, 300), figures(4000, 300, 300)]);
    expect(stages.map((s) => s.stage)).toEqual(['quadratic', 'linear']);
    expect(stages[0].ratio).toBeCloseTo(4);
    expect(stages[0].exponent).toBeCloseTo(2);
    expect(stages[1].ratio).toBeCloseTo(1);
    expect(stages[1].exponent).toBeCloseTo(1);
    const runs = [figures(1000, 300, 300), figures(4000, 300, 300)];
    const page = growthPage({ date: '2026-12-04T13:00:00Z', machine, ...loads, runs }, 'g.svg');
    expect(page).toMatch(/\| quadratic \|.*\*\*faster than the data\*\*/);
    expect(page).not.toMatch(/\| linear \|.*faster than the data/);
  });

  it('projects CPU from the largest sizes, never below linear, and memory per rating', () => {
    const quadratic = project(
      [figures(1000, 0, 1), figures(2000, 0, 1), figures(4000, 0, 1)],
      8000,
    );
    expect(quadratic?.fromRatings).toEqual([2000, 4000]);
    expect(quadratic?.cpuExponent).toBeCloseTo(2);
    expect(quadratic?.cpuS).toBeCloseTo(0.064);
    // 0.1 s fixed cost and 1 ms per 1k ratings: sub-linear between 1k and 2k, projected linearly.
    const fixed = [figures(1000, 101, 0), figures(2000, 51, 0)];
    expect(project(fixed, 4000)?.cpuS).toBeCloseTo(0.204);
    // Peak memory (1 MB per 1k ratings here) grows by the marginal bytes per rating.
    expect(project(fixed, 4000)?.peakMb).toBeCloseTo(4);
    expect(project([figures(1000, 1, 0)])).toBeUndefined();
  });

  it('plots one point per size and series, and labels the projection', () => {
    const runs = [figures(300_000, 1, 0), figures(1_000_000, 1, 0), figures(3_000_000, 1, 0)];
    const svg = growthPlot(runs);
    expect(svg.match(/class="point cpu"/g)).toHaveLength(3);
    expect(svg.match(/class="point wall"/g)).toHaveLength(3);
    expect(svg.match(/class="projection cpu"/g)).toHaveLength(1);
    expect(svg).toContain('CPU projected to 100M (not measured)');
    const page = growthPage({ date: '2026-12-04T13:00:00Z', machine, ...loads, runs }, 'g.svg');
    expect(page).toContain('](g.svg)');
    expect(page).toContain('| 100M (projection) |');
    expect(page).toContain('| 10M (projection) |');
  });
});

const machine = { cores: 2, cpuModel: 'test', memoryGb: 24, node: 'v20' };
const loads = { loadAtStart: [1, 1, 1], loadAtEnd: [2, 2, 2] };
