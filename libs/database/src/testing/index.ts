// Support for benchmarks and tests (`@bridgenotes/database/testing`). Never imported by
// production code.
export * from './scratch-database';
