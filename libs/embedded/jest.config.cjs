module.exports = {
  displayName: 'embedded',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/embedded',
  // Durability tests start and kill whole database processes.
  testTimeout: 60_000,
};
