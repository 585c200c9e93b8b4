import type { ReportDiscrepancy } from './discrepancy';
import type { ExportManifest, RunRecord } from './export-format';
import { batchOf } from './replaced-ratings';

const MINUTE = 60_000;

/** A proven write a run's cut includes: the record that carries it and its proven minute. */
export interface CutWrite {
  subject: string;
  minute: number;
}

/**
 * The latest proven minute of the writes each run's input includes: a write sealed in a change
 * batch at or below the run's `changedThrough` was received before the run began to read. The
 * minute is the member's (the proof's message binds it, so it is not the instance's word), and
 * the instance accepted it within `clockSkewMinutes` of its clock. Records stream past once:
 * each is kept only as its cut's latest (the first cut at or above its batch), and a run's latest
 * is that of its cut and every lower one.
 */
export class CutWrites {
  /** The runs' cuts, distinct, ascending. */
  private readonly cuts: bigint[];
  /** Each cut's latest write, of those whose batch is above the cut before it. */
  private readonly latest: (CutWrite | undefined)[];
  /** Each cut's latest write of its own and every lower cut's, once asked for. */
  private upTo: (CutWrite | undefined)[] | undefined;

  constructor(runs: readonly RunRecord[]) {
    const cuts = new Set<bigint>();
    for (const run of runs) {
      const cut = batchOf(run.changedThrough ?? undefined);
      if (cut !== undefined) cuts.add(cut);
    }
    this.cuts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.latest = this.cuts.map(() => undefined);
  }

  /** A write whose proof passed its checks, sealed in `changedBatch`, proven at `minute`. */
  add(subject: string, changedBatch: string | undefined, minute: number): void {
    const batch = batchOf(changedBatch);
    if (batch === undefined || !Number.isSafeInteger(minute)) return;
    const index = this.firstAtOrAbove(batch);
    if (index === this.cuts.length) return;
    const kept = this.latest[index];
    if (kept === undefined || minute > kept.minute) this.latest[index] = { subject, minute };
    this.upTo = undefined;
  }

  /**
   * The latest write the run's input includes (its cut's, or a lower cut's); undefined without
   * a cut or a write in it. Read once every write was added.
   */
  latestOf(run: RunRecord): CutWrite | undefined {
    const cut = batchOf(run.changedThrough ?? undefined);
    if (cut === undefined) return undefined;
    if (this.upTo === undefined) {
      let found: CutWrite | undefined;
      this.upTo = this.latest.map((write) => {
        if (write !== undefined && (found === undefined || write.minute > found.minute)) {
          found = write;
        }
        return found;
      });
    }
    return this.upTo[this.firstAtOrAbove(cut + 1n) - 1];
  }

  /** The index of the first cut at or above `batch` (the number of cuts when none is). */
  private firstAtOrAbove(batch: bigint): number {
    let [low, high] = [0, this.cuts.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cuts[middle] as bigint) < batch) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * The succeeded runs' times (`nowAt`), in the order they published, against the times they ran
 * and the export's. A run's time is part of its input: stabilisation holds and locks are counted
 * from it (a note locks once a run is timed 14 days after its creation), so an instance that
 * scored at a time of its choosing and published it as `nowAt` would be recomputed equal. The
 * worker takes the time once the run has started and publishes before it finishes, so it lies
 * between the run's `startedAt` and `finishedAt` (less the clock-skew allowance at the start, for
 * a worker whose clock is behind the one that started the run), before the export was made and
 * before the verifier's own clock (each plus the allowance: other machines' clocks), and never
 * before the time of the last earlier run found plausible, less the allowance (runs are taken by
 * different workers). Nor is it before the proven minute of a write its input includes (`writes`,
 * by its `changedThrough`), less the allowance twice: the instance accepted the member's minute
 * up to the allowance ahead of its clock (the protocol itself proves a changed rating at the
 * minute after the stored one), and the worker's clock may be behind the instance's, as above.
 * That bound is the one the operator does not set. Runs that publish no time (older exports)
 * are left to `RUN_TIME_MISSING` where it matters.
 */
export function checkRunTimes(
  ordered: readonly RunRecord[],
  manifest: Pick<ExportManifest, 'generatedAt' | 'rules'>,
  verifierNowMs: number,
  report: ReportDiscrepancy,
  writes?: Pick<CutWrites, 'latestOf'>,
): void {
  const skew = manifest.rules.clockSkewMinutes * MINUTE;
  const generated = Date.parse(manifest.generatedAt);
  let before: { run: RunRecord; at: number } | undefined;
  for (const run of ordered) {
    const at = Date.parse(run.nowAt ?? '');
    if (!Number.isFinite(at)) continue;
    const started = Date.parse(run.startedAt ?? '');
    const finished = Date.parse(run.finishedAt ?? '');
    const write = writes?.latestOf(run);
    const problems = [
      at < started - skew && `before it started (${run.startedAt})`,
      at > finished && `after it finished (${run.finishedAt})`,
      at > generated + skew && `after the export was made (${manifest.generatedAt})`,
      at > verifierNowMs + skew &&
        `after this verifier's clock (${new Date(verifierNowMs).toISOString()})`,
      before &&
        at < before.at - skew &&
        `before the time of run ${before.run.id}, which published earlier (${before.run.nowAt})`,
      write &&
        at < (write.minute - 2 * manifest.rules.clockSkewMinutes) * MINUTE &&
        `before ${write.subject} was written, at minute ${new Date(write.minute * MINUTE).toISOString()} by its proof, which its input includes (sealed by its cut, batch ${run.changedThrough}; the skew allowed twice: the member's clock may be ahead of the instance's, the worker's behind it)`,
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
