// Test support shared by every project's tests. Never imported by production code.
export * from './lib/bench';
export * from './lib/eventually';
export * from './lib/inner-service';
export * from './lib/processes';
export * from './lib/saved-export';
export * from './lib/tcp-proxy';
export * from './lib/test-environment';
