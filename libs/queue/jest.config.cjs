module.exports = {
  displayName: 'queue',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/queue',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
