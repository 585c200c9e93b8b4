/** Wall time, CPU time and memory of consecutive stages of one process. */
export interface StageFigures {
  readonly stage: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  /** Resident set size when the stage ended. */
  readonly rssMb: number;
  /** The process's highest RSS so far (the kernel's high-water mark, so it never falls). */
  readonly peakRssMb: number;
}

export class StageTimer {
  readonly stages: StageFigures[] = [];
  private wallStart = performance.now();
  private cpuStart = process.cpuUsage();

  /**
   * `onLap` hears each stage as it ends: a run of many minutes (100M ratings) that is stopped
   * or dies still leaves the stages it finished.
   */
  constructor(private readonly onLap?: (figures: StageFigures) => void) {}

  /** Closes the current stage under `stage` and starts the next one. */
  lap(stage: string): StageFigures {
    const cpu = process.cpuUsage(this.cpuStart);
    const figures: StageFigures = {
      stage,
      wallMs: performance.now() - this.wallStart,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMb: process.memoryUsage.rss() / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
    this.stages.push(figures);
    this.onLap?.(figures);
    this.wallStart = performance.now();
    this.cpuStart = process.cpuUsage();
    return figures;
  }

  /** A fixed-width table of the stages and their total. */
  table(): string {
    const header = ['stage', 'wall s', 'cpu s', 'rss MB', 'peak rss MB'];
    const rows = this.stages.map((s) => [
      s.stage,
      (s.wallMs / 1000).toFixed(2),
      (s.cpuMs / 1000).toFixed(2),
      s.rssMb.toFixed(0),
      s.peakRssMb.toFixed(0),
    ]);
    const sum = (pick: (s: StageFigures) => number): string =>
      (this.stages.reduce((total, s) => total + pick(s), 0) / 1000).toFixed(2);
    const peak = Math.max(...this.stages.map((s) => s.peakRssMb));
    rows.push(['total', sum((s) => s.wallMs), sum((s) => s.cpuMs), '', peak.toFixed(0)]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]): string =>
      cells
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('  ');
    return [line(header), ...rows.map(line)].join('\n');
  }
}
