module.exports = {
  displayName: 'scoring',
  preset: '../../jest.preset.js',
  passWithNoTests: false,
  coverageDirectory: '../../coverage/libs/scoring',
};
