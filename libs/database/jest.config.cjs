module.exports = {
  displayName: 'database',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/database',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
