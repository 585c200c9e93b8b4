const { join } = require('node:path');

const { nodeAppConfig } = require('../../tools/webpack/node-app.config');
const { buildWidget } = require('../../libs/widget/build');

// The proof verifier's thread entry runs as its own file, with the verifier it loads: they must
// sit beside the bundle, where libs/protocol's pool looks for them (`__dirname`).
const config = nodeAppConfig('api', {
  assets: [
    { input: 'libs/protocol/src/lib', glob: 'proof-verifier.worker.js', output: '.' },
    { input: 'libs/protocol/src/lib', glob: 'semaphore-verifier.js', output: '.' },
  ],
});
// The widget's browser bundles go beside the API's bundle, which serves them (src/app/widget).
config.output.clean = { keep: /^widget[\\/]/ };
config.plugins.push({
  apply(compiler) {
    compiler.hooks.beforeRun.tapPromise('BuildWidget', async () => {
      const sizes = await buildWidget(join(config.output.path, 'widget'));
      console.log(
        `widget: loader ${sizes.loader} B gz, UI ${sizes.ui} B gz, prover ${sizes.prover} B gz`,
      );
    });
  },
});

module.exports = config;
