export * from './pool';
export * from './migrate';
export * from './server/embedded-postgres';
export * from './unavailable';
export * from './copy-text';
export * from './statistics';
