import { LedgerError } from '@ledger/contracts';

/** Opaque keyset cursors: base64url of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** What each position of a cursor's key must hold before it goes into SQL as a parameter. */
export type CursorPart = 'text' | 'timestamp' | 'uuid' | 'int' | 'bigint';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARTS: Record<CursorPart, (value: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && !v.includes('\u0000'),
  // As encodeCursor writes them (Date#toISOString), and a real date.
  timestamp: (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v,
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  int: (v) => Number.isInteger(v) && (v as number) >= -1 && (v as number) <= 2_147_483_647,
  bigint: (v) => typeof v === 'string' && /^-?\d{1,18}$/.test(v),
};

/** The key of a cursor, checked position by position against `shape`: a forged or damaged cursor is a 400, never an SQL error. */
export function decodeCursor(cursor: string, shape: readonly CursorPart[]): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && shape.every((part, i) => PARTS[part](key[i]))) return key;
  } catch {
    // fall through to the error below
  }
  throw new LedgerError(400, 'query.invalid_cursor', 'Invalid cursor', 'Pass back the nextCursor of a previous page unchanged.');
}

/** One page of results and the cursor of the next one (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
