import { join } from 'node:path';

/** The ledger's own tables: journal, offsets, rejections, receipts, tokens, checkpoints. */
export const LEDGER_SCHEMA = 'ledger';
export const LEDGER_MIGRATIONS_DIR = join(__dirname, 'migrations');
