import { Pool } from 'pg';
import { JSONB_AND_TIMESTAMPTZ_AS_TEXT } from '@ledger/postgres';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';
import { AHEAD_TYPES, EVENT_TABLES, EventRow, KnownTable, LogFold, STATE_TABLES } from './log-fold';
import { parsedRow, RawRecord, rawRecordColumns } from './raw-record';

/**
 * The read models as they stood when the ledger had recorded only what it had by `at`: the events
 * recorded by then, their corrections, retractions and citations recorded by then, the registry as
 * recorded by then, and every table derived from them with the projections' own row functions (one
 * LogFold over the rows, on the first table asked for). A knownAt query runs the live query's SQL
 * over these rows instead of the live tables, so its answer is the live answer of a ledger that
 * stopped at `at`. Built per request, in memory, read-only.
 */
export class KnownAt {
  private tables?: Map<KnownTable, unknown[]>;

  constructor(
    readonly at: Date,
    private readonly rows: EventRow[],
  ) {}

  /** The rows `table` would hold had the ledger stopped at `at` (jsonb_populate_recordset input). */
  table(table: KnownTable): unknown[] {
    this.tables ??= this.foldAll();
    return this.tables.get(table)!;
  }

  private foldAll(): Map<KnownTable, unknown[]> {
    const ahead = new Set(AHEAD_TYPES);
    // Every history step that changes the state stores it: stances take the last stored one, with
    // no live table to fold the steps after it from.
    const fold = new LogFold(
      this.rows.filter((r) => ahead.has(r.type)),
      1,
    );
    const tables = new Map<KnownTable, unknown[]>(EVENT_TABLES.map((t) => [t, []]));
    fold.add(this.rows, (table, row) => tables.get(table)!.push(row));
    for (const t of STATE_TABLES) tables.set(t, [...fold.state(t)]);
    return tables;
  }

  /** How many events (modifiers included) this fold holds. */
  get size(): number {
    return this.rows.length;
  }
}

/** Reads the events the ledger had recorded by `at`: the journal's applied records with their record time. */
export async function loadKnownAt(pool: Pool, at: Date): Promise<KnownAt> {
  // Record times and envelopes as text: each record time's ISO form is taken from it, not formatted from a Date again.
  const { rows } = await pool.query<RawRecord>({
    text: `SELECT ${rawRecordColumns()} FROM ${LEDGER_SCHEMA}.journal j
      WHERE j.disposition = 'applied' AND j.recorded_at <= $1 ORDER BY j.partition, j."offset"`,
    values: [at],
    rowMode: 'array',
    types: JSONB_AND_TIMESTAMPTZ_AS_TEXT,
  });
  return new KnownAt(
    at,
    rows.map((r) => parsedRow(r)),
  );
}

/**
 * A read-model table in a query's FROM: the live table, or — for a knownAt query — the same rows
 * derived as of then, handed over as one JSON parameter appended to `params`. Give it an alias.
 */
export function tableRef(table: KnownTable, params: unknown[], known: KnownAt | null | undefined): string {
  if (!known) return `read_model.${table}`;
  params.push(JSON.stringify(known.table(table)));
  return `(SELECT * FROM jsonb_populate_recordset(NULL::read_model.${table}, $${params.length}::jsonb))`;
}
