export * from './lib/embedded-database';
export * from './lib/pglite-wire-server';
