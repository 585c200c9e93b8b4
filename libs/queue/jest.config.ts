export default {
  displayName: 'queue',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/queue',
};
