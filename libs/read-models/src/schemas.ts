import { join } from 'node:path';

/** The read models dashboards query; a replay builds a new one beside it and swaps. */
export const READ_SCHEMA = 'read_model';
export const READ_MIGRATIONS_DIR = join(__dirname, 'migrations');
