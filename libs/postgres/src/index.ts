export * from './pool';
export * from './pipelined-writes';
export * from './migrate';
export * from './server/embedded-postgres';
export * from './unavailable';
export * from './copy-text';
export * from './statistics';
export * from './timestamptz-text';
