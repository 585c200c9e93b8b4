export * from './lib/mirror-puller';
export * from './lib/mirror-state';
