const { nodeAppConfig } = require('../../tools/webpack/node-app.config');

// Scoring's worker-thread entry is bundled beside main.js, where libs/scoring's thread pool looks
// for it (`__dirname`), so a run of a large community uses both cores.
module.exports = nodeAppConfig('worker', {
  entries: [
    {
      entryName: 'scoring-thread.worker',
      entryPath: 'libs/scoring/src/parallel/scoring-thread.worker.ts',
    },
  ],
});
