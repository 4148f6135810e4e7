export * from './config';
export * from './problem';
export * from './http-app';
export * from './tokens';
export * from './infra.module';
export * from './parse-query';
export * from './run-app';
