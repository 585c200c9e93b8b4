import type { StageFigures } from './stage-timer';

/** What `benchmark.ts --json` prints: one run of the scorer on one synthetic community. */
export interface BenchmarkFigures {
  /** Ratings asked of the generator (the size the growth page is indexed by). */
  readonly ratings: number;
  readonly ratingsAfterDeduplication: number;
  readonly raters: number;
  readonly notes: number;
  readonly seed: number;
  readonly threads: number;
  /** Sums over the stages, from the first rating generated to the last status. */
  readonly wallMs: number;
  /** CPU time of every thread of the process. */
  readonly cpuMs: number;
  /** The process's RSS high-water mark (worker threads included: they share the process). */
  readonly peakRssMb: number;
  /** `os.loadavg()` (1, 5, 15 min) when the run started and when it ended. */
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly stages: readonly StageFigures[];
}
