const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

/**
 * Webpack configuration for a Node app of this workspace: bundles the app with the workspace
 * libraries it imports; npm packages stay external and load from node_modules at run time.
 * `assets` are copied beside the bundle (`{ input, glob, output }`, paths from the workspace root);
 * `entries` are bundled as files of their own beside it (`{ entryName, entryPath }`), for
 * worker-thread entries that a library starts from `__dirname`.
 */
function nodeAppConfig(appName, { assets = [], entries = [] } = {}) {
  return {
    output: {
      path: join(__dirname, '../../dist/apps', appName),
      clean: true,
    },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
        // `npm test` builds the apps only to run them: the type check (a second process
        // compiling the whole app, half the build's CPU) is `npm run typecheck`'s work, which CI
        // runs too. The bundle is the same either way, so Nx's cache may serve it to both.
        typeCheckOptions: process.env['BRIDGENOTES_BUILD_TYPECHECK'] === 'off' ? false : undefined,
        assets,
        additionalEntryPoints: entries,
      }),
    ],
  };
}

module.exports = { nodeAppConfig };
