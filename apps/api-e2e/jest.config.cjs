module.exports = {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
  // The suite drives real processes through outages; give it room beyond Jest's 5 s default.
  testTimeout: 60_000,
};
