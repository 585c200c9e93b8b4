import { parentPort } from 'node:worker_threads';

import { runScoringTask, type ScoringTask } from './scoring-tasks';

// A scoring thread: runs the tasks the pool sends, one at a time, and answers each with its
// result (or its error's message), handing the result's buffers over instead of copying them.
parentPort?.on('message', (task: ScoringTask) => {
  let result: unknown;
  try {
    result = runScoringTask(task);
  } catch (error) {
    parentPort?.postMessage({
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return;
  }
  parentPort?.postMessage({ result }, transferableBuffers(result));
});

/** Every ArrayBuffer under `value`, once each; shared memory (the input's columns) stays shared. */
function transferableBuffers(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) transferableBuffers(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) transferableBuffers(item, found);
  }
  return [...found];
}
