module.exports = {
  displayName: 'scoring',
  preset: '../../jest.preset.js',
  passWithNoTests: true,
  coverageDirectory: '../../coverage/libs/scoring',
};
