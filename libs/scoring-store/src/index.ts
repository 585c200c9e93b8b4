export * from './lib/scoring-input.loader';
export * from './lib/scoring.publisher';
export * from './lib/synthetic-community.writer';
export * from './lib/incremental-base.store';
export * from './lib/replaced-ratings.store';
