export * from './lib/scoring-input.loader';
export * from './lib/scoring.publisher';
export * from './lib/synthetic-community.writer';
