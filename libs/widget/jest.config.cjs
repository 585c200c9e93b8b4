module.exports = {
  displayName: 'widget',
  preset: '../../jest.preset.js',
};
