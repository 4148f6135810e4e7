import { Pool } from 'pg';
import { KnownAt, loadKnownAt } from '@ledger/read-models';
import { parseInstant } from '../positions/time-params';

/**
 * The one place a route reads `knownAt` (record time: what the ledger had recorded by then). Every
 * read route parses it here, so the date parser is swapped in one line.
 */
export function parseKnownAt(value: string | undefined): Date | null {
  return parseInstant('knownAt', value);
}

/** The read models as known at `at`, or null for the live ones (the live path reads the tables, untouched). */
export function knownAtOrLive(pool: Pool, at: Date | null): Promise<KnownAt | null> {
  return at ? loadKnownAt(pool, at) : Promise.resolve(null);
}
