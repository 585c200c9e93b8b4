import type { ReportDiscrepancy } from './discrepancy';
import type { ExportManifest, RunRecord } from './export-format';

const MINUTE = 60_000;

/**
 * The succeeded runs' times (`nowAt`), in the order they finished, against the times they ran
 * and the export's. A run's time is part of its input: stabilisation holds and locks are counted
 * from it (a note locks once a run is timed 14 days after its creation), so an instance that
 * scored at a time of its choosing and published it as `nowAt` would be recomputed equal. The
 * worker takes the time once the run has started and publishes before it finishes, so it lies
 * between the run's `startedAt` and `finishedAt` (less the clock-skew allowance at the start, for
 * a worker whose clock is behind the one that started the run), before the export was made and
 * before the verifier's own clock (each plus the allowance: other machines' clocks), and never
 * before the time of the last earlier run found plausible, less the allowance (runs are taken by
 * different workers). Runs that publish no time (older exports) are left to
 * `RUN_TIME_MISSING` where it matters.
 */
export function checkRunTimes(
  ordered: readonly RunRecord[],
  manifest: Pick<ExportManifest, 'generatedAt' | 'rules'>,
  verifierNowMs: number,
  report: ReportDiscrepancy,
): void {
  const skew = manifest.rules.clockSkewMinutes * MINUTE;
  const generated = Date.parse(manifest.generatedAt);
  let before: { run: RunRecord; at: number } | undefined;
  for (const run of ordered) {
    const at = Date.parse(run.nowAt ?? '');
    if (!Number.isFinite(at)) continue;
    const started = Date.parse(run.startedAt ?? '');
    const finished = Date.parse(run.finishedAt ?? '');
    const problems = [
      at < started - skew && `before it started (${run.startedAt})`,
      at > finished && `after it finished (${run.finishedAt})`,
      at > generated + skew && `after the export was made (${manifest.generatedAt})`,
      at > verifierNowMs + skew &&
        `after this verifier's clock (${new Date(verifierNowMs).toISOString()})`,
      before &&
        at < before.at - skew &&
        `before the time of run ${before.run.id}, which finished earlier (${before.run.nowAt})`,
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0) {
      report(
        'RUN_TIME_IMPLAUSIBLE',
        `run ${run.id}`,
        `the run says it scored at ${run.nowAt}, ${problems.join(', ')} (allowing ${manifest.rules.clockSkewMinutes} minutes of clock skew where clocks differ): its statuses may be held or locked at a time it did not run`,
      );
      // An implausible time is no reference for the next runs: one clock jump or forged run
      // would flag every run after it.
      continue;
    }
    before = { run, at };
  }
}
