const { mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const { nodeAppConfig } = require('../../tools/webpack/node-app.config');
const { buildConsole } = require('../../libs/console/build');
const { buildWidget, precompress } = require('../../libs/widget/build');

// The proof verifier's thread entry runs as its own file, with the verifier it loads: they must
// sit beside the bundle, where libs/protocol's pool looks for them (`__dirname`).
const config = nodeAppConfig('api', {
  assets: [
    { input: 'libs/protocol/src/lib', glob: 'proof-verifier.worker.js', output: '.' },
    { input: 'libs/protocol/src/lib', glob: 'semaphore-verifier.js', output: '.' },
  ],
});
// The widget's browser bundles go beside the API's bundle, which serves them (src/app/widget).
config.output.clean = { keep: /^(widget|console)[\\/]/ };
config.plugins.push({
  apply(compiler) {
    compiler.hooks.beforeRun.tapPromise('BuildWidget', async () => {
      const sizes = await buildWidget(join(config.output.path, 'widget'));
      // The operator console's page script and style (src/app/console serves them).
      const consoleSize = await buildConsole(join(config.output.path, 'console'));
      // The circuit files, compressed once here (3.3 MB in brotli instead of 5.7 MB); the API
      // checks the copies against the pinned hashes before serving them (widget-assets.ts).
      const artifacts = dirname(require.resolve('@zk-kit/semaphore-artifacts/package.json'));
      const compressed = join(config.output.path, 'widget', 'artifacts');
      mkdirSync(compressed, { recursive: true });
      for (const file of ['semaphore-20.wasm', 'semaphore-20.zkey']) {
        precompress(join(artifacts, file), 5, join(compressed, file));
      }
      console.log(
        `widget: loader ${sizes.loader} B gz, UI ${sizes.ui} B gz, prover ${sizes.prover} B gz; console ${consoleSize} B gz`,
      );
    });
  },
});

module.exports = config;
