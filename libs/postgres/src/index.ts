export * from './pool';
export * from './migrate';
export * from './embedded-log/embedded-event-log';
export * from './server/embedded-postgres';
