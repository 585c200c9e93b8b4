// One solver thread of `join-work-threads.ts`: tries every `step`-th nonce from `start`.
import { solveJoinWork, type JoinWorkTarget } from '@bridgenotes/protocol/join-work';
import { parentPort, workerData } from 'node:worker_threads';

const { target, start, step } = workerData as {
  target: JoinWorkTarget;
  start: number;
  step: number;
};
parentPort?.postMessage(solveJoinWork(target, { start, step }));
