import type { RunRecord } from './export-format';

/**
 * A succeeded run's place in its community's publications: its `publication` number (the
 * database's counter, taken under the publication lock, in commit order), else its `finishedAt`
 * for runs published before the number was kept or exported by an older instance. Those came
 * before every numbered run. `finishedAt` is the worker's clock, which differs between workers:
 * two runs a minute apart on different machines may finish in one order and publish in the
 * other.
 */
function orderKey(run: RunRecord): [number, number] {
  const publication = run.publication;
  return typeof publication === 'number' && Number.isSafeInteger(publication)
    ? [1, publication]
    : [0, Date.parse(run.finishedAt ?? '')];
}

/** Runs compared by publication (`orderKey`), then by finishing time. */
export function byPublication(a: RunRecord, b: RunRecord): number {
  const [x, y] = [orderKey(a), orderKey(b)];
  return (
    x[0] - y[0] || x[1] - y[1] || Date.parse(a.finishedAt ?? '') - Date.parse(b.finishedAt ?? '')
  );
}

/** The succeeded runs in the order they published, the latest last. */
export function succeededInOrder(runs: readonly RunRecord[]): RunRecord[] {
  return runs
    .filter((run) => run.status === 'SUCCEEDED' && run.finishedAt !== null)
    .sort(byPublication);
}
