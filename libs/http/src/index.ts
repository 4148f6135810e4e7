export * from './problem';
export * from './api-docs';
export * from './openapi';
export * from './parse-query';
export * from './auth/scopes';
export * from './auth/auth.guard';
export * from './auth/auth.module';
export * from './auth/principal.decorator';
