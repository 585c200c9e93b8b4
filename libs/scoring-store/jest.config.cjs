module.exports = {
  displayName: 'scoring-store',
  preset: '../../jest.preset.js',
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/libs/scoring-store',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
