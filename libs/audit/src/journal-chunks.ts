import { PoolClient } from 'pg';
import { JSONB_AND_TIMESTAMPTZ_AS_TEXT } from '@ledger/postgres';
import { AHEAD_TYPES, EventRow, knownRow, RawRecord, rawRecordColumns } from '@ledger/read-models';

/** Which journal records a bulk build folds. */
export interface BuildScope {
  /** Only records before these offsets (per partition; a partition not named: all of it). */
  toOffsets?: Map<number, string>;
  /** Only records the ledger had recorded by this time. */
  knownAt?: Date;
}

/** Journal records read at a time in log order (5,000 and 1,000 measured no better: docs/benchmarks.md). */
const READ_CHUNK = 2_000;

/** The scope's conditions on the journal's records (alias j), from parameter $1 on. */
function scopeFilter(scope: BuildScope): { sql: string; params: unknown[] } {
  return {
    sql: `($1::timestamptz IS NULL OR j.recorded_at <= $1)
          AND ($2::jsonb IS NULL OR j."offset" < coalesce(($2::jsonb->>(j.partition::text))::bigint, 9223372036854775807))`,
    params: [scope.knownAt ?? null, scope.toOffsets ? JSON.stringify(Object.fromEntries(scope.toOffsets)) : null],
  };
}

/**
 * The envelope as the fold of an event nothing modifies reads it: without what no read model
 * derives from it (the source and schema version; the evidence and citations, except a statement's,
 * which statements_v1 stores). PostgreSQL drops them on the reader's connection, a core the fold
 * leaves half idle, and Node parses a third less JSON for the other events. The effective form of
 * an event a modifier targets is worked out from the whole envelope (readTargets).
 */
const LEAN_ENVELOPE = `CASE WHEN j.type = 'StatementMade' THEN j.envelope - '{source,schemaVersion}'::text[]
                            ELSE j.envelope - '{source,schemaVersion,evidence,citations}'::text[] END`;

/** The records LogFold needs ahead of the log, from the journal's index of them (ledger migration 0008). */
export async function readAhead(client: PoolClient, scope: BuildScope): Promise<EventRow[]> {
  const filter = scopeFilter(scope);
  const types = AHEAD_TYPES.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ');
  const { rows } = await client.query(
    `SELECT ${rawRecordColumns()} FROM ledger.journal j
      WHERE j.disposition = 'applied' AND j.type IN (${types}) AND ${filter.sql}
      ORDER BY j.partition, j."offset"`,
    filter.params,
  );
  return rows.map(knownRow);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The next applied records in scope after `after` (partition, offset), in log order, their
 * envelopes unparsed. A chunk waits while the one before is folded: as objects, its envelopes would
 * be copied by every young-generation collection meanwhile; as text, each is one string, and the
 * objects of its envelope live only while that record is folded.
 */
export async function readChunk(client: PoolClient, scope: BuildScope, after: [number, string]): Promise<RawRecord[]> {
  const filter = scopeFilter(scope);
  const { rows } = await client.query<RawRecord>({
    text: `SELECT ${rawRecordColumns(LEAN_ENVELOPE)} FROM ledger.journal j
      WHERE j.disposition = 'applied' AND (j.partition, j."offset") > ($3, $4::bigint) AND ${filter.sql}
      ORDER BY j.partition, j."offset" LIMIT $5`,
    values: [...filter.params, after[0], after[1], READ_CHUNK],
    rowMode: 'array',
    types: JSONB_AND_TIMESTAMPTZ_AS_TEXT,
  });
  return rows;
}

/**
 * The whole envelopes (JSON text) of the applied records in scope that `ids` names: the events
 * modifiers target, whose effective form (a correction validated against the envelope it patches)
 * and revised column need every member of it.
 */
export async function readTargets(client: PoolClient, scope: BuildScope, ids: string[]): Promise<Map<string, string>> {
  // A target that is no event id names no record (and would fail the cast).
  const uuids = ids.filter((id) => UUID.test(id));
  if (!uuids.length) return new Map();
  const filter = scopeFilter(scope);
  const { rows } = await client.query<[string, string]>({
    text: `SELECT j.event_id, j.envelope FROM ledger.journal j WHERE j.disposition = 'applied' AND j.event_id = ANY($3::uuid[]) AND ${filter.sql}`,
    values: [...filter.params, uuids],
    rowMode: 'array',
    types: JSONB_AND_TIMESTAMPTZ_AS_TEXT,
  });
  return new Map(rows);
}
