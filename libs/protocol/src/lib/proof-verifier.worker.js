// Verifies batches of Semaphore proofs in a worker thread. Plain JavaScript so that it runs the
// same under Node, tsx, Jest and the API's webpack bundle (copied beside it) without a TypeScript
// loader in the thread.
const { parentPort } = require('node:worker_threads');
const snarkjs = require('snarkjs');

// snarkjs's default curve starts worker threads of its own, which crash inside a worker thread:
// the single-threaded curve must be in its cache before the first verification.
const ready = snarkjs.curves.getCurveFromName('bn128', { singleThread: true }).then((curve) => {
  globalThis.curve_bn128 = curve;
  return require('@semaphore-protocol/core').verifyProof;
});

parentPort.on('message', async ({ id, proofs }) => {
  const verifyProof = await ready;
  const results = [];
  for (const proof of proofs) {
    try {
      results.push(await verifyProof(proof));
    } catch {
      // Unreadable points: not a valid proof.
      results.push(false);
    }
  }
  parentPort.postMessage({ id, results });
});
