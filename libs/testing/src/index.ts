export * from './test-database';
export * from './http';
export * from './builders';
export * from './recorded';
export * from './processes';
export * from './repo-root';
export * from './random';
export * from './test-context';
