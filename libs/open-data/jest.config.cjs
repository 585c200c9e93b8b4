module.exports = {
  displayName: 'open-data',
  preset: '../../jest.preset.js',
};
