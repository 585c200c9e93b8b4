const nxPreset = require('@nx/jest/preset').default;

// SWC instead of ts-jest: an order of magnitude faster, and it emits the decorator metadata
// Nest's dependency injection reads.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Tests wait on conditions (`eventually`, whose limit is libs/testing's PATIENCE_MS, 5 min),
  // never on the clock: this only bounds how long a hung test takes to report, and is generous
  // so that a busy machine (a full `npm test`, a benchmark beside it) never fails a passing test.
  // Set no shorter limit in a project's config or a test.
  testTimeout: 10 * 60_000,
  // `--shard` (npm test splits the longest projects) by recorded duration, not by file name.
  testSequencer: require.resolve('./tools/scripts/lib/duration-sequencer.cjs'),
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};
