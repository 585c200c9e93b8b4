export * from './lib/config.module';
export * from './lib/environment';
export * from './lib/read-environment';
export * from './lib/receiver-addresses';
export * from './lib/receiver-lookup';
