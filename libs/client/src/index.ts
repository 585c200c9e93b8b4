export * from './lib/api-client';
export * from './lib/group';
export * from './lib/identity';
export * from './lib/node-artifacts';
export * from './lib/prove';
