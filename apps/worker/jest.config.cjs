module.exports = {
  displayName: 'worker',
  preset: '../../jest.preset.js',
  // Runs wait out real debounce and retry delays.
  testTimeout: 30_000,
  coverageDirectory: '../../coverage/apps/worker',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
