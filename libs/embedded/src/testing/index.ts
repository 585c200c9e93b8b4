// Test support for other projects' tests (`@bridgenotes/embedded/testing`). Never imported by
// production code.
export * from './instance-database';
export * from './serve-process';
