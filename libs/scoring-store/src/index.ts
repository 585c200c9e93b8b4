export * from './lib/scoring-input.loader';
export * from './lib/scoring.publisher';
