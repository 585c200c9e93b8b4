export default {
  displayName: 'config',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/config',
};
