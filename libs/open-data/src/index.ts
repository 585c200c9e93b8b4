export * from './lib/action-check';
export * from './lib/actions';
export * from './lib/export-format';
export * from './lib/export-source';
export * from './lib/root-history';
export * from './lib/verify-export';
export * from './lib/community-notes-tsv';
export * from './lib/rescore-export';
