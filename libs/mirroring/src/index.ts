export * from './lib/mirror-puller';
export * from './lib/mirror-state';
export * from './lib/origin-limits';
export * from './lib/origin-manifest.rules';
export * from './lib/origin-lineage.rules';
export { same } from './lib/page-settlement';
export * from './lib/origin-fetch';
