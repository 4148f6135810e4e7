export * from './test-context';
export * from './http';
export * from './builders';
export * from './log-contract';
export * from './recorded';
export * from './processes';
export * from './repo-root';
export * from './random';
