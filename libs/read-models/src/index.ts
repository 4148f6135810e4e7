export * from './schemas';
export * from './projection';
export * from './cursor';
export * from './journal/journal.writer';
export * from './journal/event-status.queries';
export * from './statements/statements.projection';
export * from './statements/statements.queries';
export * from './projections';
