module.exports = {
  displayName: 'mirroring',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/mirroring',
  globalSetup: '<rootDir>/../../tools/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/testing/global-teardown.ts',
};
