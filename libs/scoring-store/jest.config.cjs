module.exports = {
  displayName: 'scoring-store',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/scoring-store',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
