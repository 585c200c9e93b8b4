module.exports = {
  displayName: 'extension',
  preset: '../../jest.preset.js',
};
