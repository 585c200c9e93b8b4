module.exports = {
  displayName: 'widget',
  preset: '../../jest.preset.js',
  // The budget check bundles the widget with esbuild first.
  testTimeout: 60_000,
};
