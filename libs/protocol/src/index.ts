export * from './lib/canonical-json';
export * from './lib/constants';
export * from './lib/curve';
export * from './lib/hashing';
export * from './lib/lean-tree';
export * from './lib/proof-check';
