import { loadavg } from 'node:os';

/** The machine's load averages (1, 5, 15 min), printed beside every figure a bench reports. */
export const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/**
 * Runs `work` and prints one line: its label, wall and CPU time (of this process), and the
 * resident memory when `rss` is asked for. `labelWidth` keeps a bench's lines aligned.
 */
export async function timed<T>(
  label: string,
  work: () => Promise<T> | T,
  { labelWidth = 46, rss = false } = {},
): Promise<{ result: T; wall: number; cpu: number }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const wall = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpuBefore);
  const cpu = (used.user + used.system) / 1e6;
  const memory = rss
    ? `   rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0).padStart(5)} MB`
    : '';
  console.log(
    `${label.padEnd(labelWidth)} wall ${wall.toFixed(2).padStart(7)} s   cpu ${cpu.toFixed(2).padStart(7)} s${memory}`,
  );
  return { result, wall, cpu };
}

/**
 * Runs a bench's `main` and exits: 1 with the error printed if it failed, else 0 when `exit` is
 * asked for (a bench whose libraries leave handles open), else once the event loop is empty.
 */
export function runBench(main: () => Promise<void>, { exit = false } = {}): void {
  main().then(
    () => {
      if (exit) process.exit(0);
    },
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
