module.exports = {
  displayName: 'mirroring',
  preset: '../../jest.preset.js',
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/libs/mirroring',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
