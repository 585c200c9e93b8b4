export default {
  displayName: 'scoring',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/scoring',
};
