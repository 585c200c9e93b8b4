export * from './lib/canonical-json';
export * from './lib/canonical-url';
export * from './lib/constants';
export * from './lib/curve';
export * from './lib/hashing';
export * from './lib/lean-tree';
export * from './lib/note-fields';
export * from './lib/proof-check';
