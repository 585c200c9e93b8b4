// The scheduling of `npm test`'s Jest runs: a fixed number of slots, filled in the order given.

/**
 * Runs `jobs` at most `slots` at a time and resolves with their results by name once all have
 * ended. A free slot takes the first job, in the order given, whose `after` jobs (names) have all
 * ended; give the longest first, so that none starts last and runs on alone. `start(job)` runs a
 * job and resolves with its result; a job's failure is its result's business, not the pool's.
 */
export function runPool(jobs, slots, start) {
  const waiting = [...jobs];
  const ended = new Set();
  const results = new Map();
  let running = 0;
  return new Promise((resolve, reject) => {
    const fill = () => {
      if (waiting.length === 0 && running === 0) {
        resolve(results);
        return;
      }
      while (running < slots) {
        const index = waiting.findIndex((job) =>
          (job.after ?? []).every((name) => ended.has(name)),
        );
        if (index < 0) break;
        const [job] = waiting.splice(index, 1);
        running += 1;
        Promise.resolve()
          .then(() => start(job))
          .then((result) => {
            results.set(job.name, result);
            ended.add(job.name);
            running -= 1;
            fill();
          }, reject);
      }
      if (running === 0 && waiting.length > 0) {
        reject(new Error(`jobs wait on jobs that never run: ${waiting.map((job) => job.name)}`));
      }
    };
    fill();
  });
}
