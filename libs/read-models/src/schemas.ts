import { join } from 'node:path';

/** The ledger's own tables: journal, offsets, rejections, receipts, tokens. */
export const LEDGER_SCHEMA = 'ledger';
/** The read models dashboards query; a replay builds a new one beside it and swaps. */
export const READ_SCHEMA = 'read_model';

export const LEDGER_MIGRATIONS_DIR = join(__dirname, 'migrations', 'ledger');
export const READ_MIGRATIONS_DIR = join(__dirname, 'migrations', 'read');
