// Verifies batches of Semaphore proofs in a worker thread. Plain JavaScript so that it runs the
// same under Node, tsx, Jest and the API's webpack bundle (copied beside it, with
// semaphore-verifier.js) without a TypeScript loader in the thread.
const { parentPort } = require('node:worker_threads');
const snarkjs = require('snarkjs');

const { createSemaphoreVerifier } = require('./semaphore-verifier.js');

// snarkjs's default curve starts worker threads of its own, which crash inside a worker thread:
// the single-threaded curve must be in its cache before anything of snarkjs runs.
const ready = snarkjs.curves.getCurveFromName('bn128', { singleThread: true }).then((curve) => {
  globalThis.curve_bn128 = curve;
  return createSemaphoreVerifier(curve);
});

parentPort.on('message', async ({ id, proofs }) => {
  const verifier = await ready;
  parentPort.postMessage({ id, results: await verifier.verifyAll(proofs) });
});
