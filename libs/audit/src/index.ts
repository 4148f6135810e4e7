export * from './fresh-fold';
export * from './verify';
export * from './replay';
export * from './export';
export * from './reader-role';
export * from './signing-key';
export * from './checkpoint-signing';
