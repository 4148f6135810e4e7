import { PoolClient } from 'pg';
import { RecordedEvent } from '@ledger/contracts';
import { quoteIdent, write } from '@ledger/postgres';
import { isModifier } from './facts/fact';

/**
 * The read models' lock, one per schema. Ordinary batches hold it shared, so batches of different
 * partitions (and different projector processes) write at the same time; a batch that can change
 * what other partitions derived — a registry fact (it re-resolves voices anywhere) or a correction,
 * retraction or citation (its target may sit in any partition) — holds it exclusively, and so does a
 * replay's switch.
 */
export const READ_MODEL_LOCK = 0x5e_1ed9e5;

/** Event types whose batch takes the read models' lock exclusively. */
export const REGISTRY_TYPES: ReadonlySet<string> = new Set(['ActorRegistered', 'AffiliationAsserted', 'AffiliationEnded']);

export type LockMode = 'shared' | 'exclusive';

/** How a batch of new events must lock the read models: exclusively when anything in it reaches beyond its own keys. */
export function lockModeOf(events: readonly Pick<RecordedEvent, 'type'>[]): LockMode {
  return events.some((e) => REGISTRY_TYPES.has(e.type) || isModifier(e.type)) ? 'exclusive' : 'shared';
}

/**
 * Key classes of the finer locks a shared batch takes, always in this order and each class in one
 * statement, sorted: proposals first (positions, history, proposals, lean), then the keys threats
 * are linked by. Dyad cells are rows, upserted in key order last. A fixed order means two batches
 * can wait for each other but never deadlock.
 */
export type KeyClass = 'proposal' | 'threat';

/**
 * Enters the read models of `schema` for this transaction in one statement: their lock in `mode`,
 * then (shared mode) the proposals' locks in hash order, and `schema` first on the search_path.
 * The proposals' locks are taken after the read models' lock: the sort below needs every row of the
 * joined CTE first, and the left join keeps its one row when there are no proposals. Nothing is read
 * here: a statement's snapshot predates the waits for its locks.
 */
export async function enterReadModels(client: PoolClient, schema: string, mode: LockMode, proposals: Iterable<string>): Promise<void> {
  const path = `${quoteIdent(schema)}, public`;
  if (mode === 'exclusive') {
    await write(client, `SELECT pg_advisory_xact_lock($1, hashtext($2)), set_config('search_path', $3, true)`, [READ_MODEL_LOCK, schema, path]);
    return;
  }
  await write(
    client,
    `WITH entered AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($1, hashtext($2)) AS locked, set_config('search_path', $3, true) AS path)
     ${keyLocks('$4', 'entered LEFT JOIN unnest($5::text[]) AS k ON true')}`,
    [READ_MODEL_LOCK, schema, path, keySpace(schema, 'proposal'), [...new Set(proposals)]],
  );
}

/**
 * Takes the transaction-scoped locks of `keys` in one class, in the order of their hashes (the
 * order every batch uses). Under the exclusive read-model lock nothing else runs: no key locks.
 */
export async function lockKeys(client: PoolClient, schema: string, mode: LockMode, cls: KeyClass, keys: Iterable<string>): Promise<void> {
  if (mode === 'exclusive') return;
  const list = [...new Set(keys)];
  if (!list.length) return;
  await write(client, keyLocks('$1', 'unnest($2::text[]) AS k'), [keySpace(schema, cls), list]);
}

const keySpace = (schema: string, cls: KeyClass) => `${cls}:${schema}`;

/**
 * The statement that takes the advisory locks of the keys `k` in `from` (a NULL key locks nothing),
 * one class (`space`, a parameter), in the order of their hashes: every batch's order.
 */
const keyLocks = (space: string, from: string) =>
  `SELECT count(pg_advisory_xact_lock(s.space, s.key)) FROM (SELECT DISTINCT hashtext(${space}) AS space, hashtext(k) AS key FROM ${from} ORDER BY 2) s`;
