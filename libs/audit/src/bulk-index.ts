import { PoolClient } from 'pg';
import { quoteIdent } from '@ledger/postgres';

/** An index of a read-model table as a bulk build drops and builds it again. */
export interface BuiltIndex {
  name: string;
  table: string;
  drop: string;
  /** Builds the index (a constraint's index too, as a plain unique index). */
  create: string;
  /** Makes a primary key or unique constraint of the index built (null: a plain index). */
  attach: string | null;
}

/**
 * Every index of the read-model tables, primary keys and unique constraints too (dropped as
 * constraints, built as unique indexes and attached as constraints again, so the schema ends as
 * the migrations made it): dropped before the COPY, built after it.
 */
export async function indexesOf(client: PoolClient, schema: string): Promise<BuiltIndex[]> {
  const { rows } = await client.query(
    `SELECT i.indexname AS name, i.tablename AS table, i.indexdef AS definition, c.contype AS kind
       FROM pg_indexes i
       LEFT JOIN pg_constraint c ON c.conname = i.indexname AND c.contype IN ('p', 'u')
        AND c.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
      WHERE i.schemaname = $1 AND i.tablename ~ '_v[0-9]+$'
      ORDER BY c.oid IS NULL, i.indexname`,
    [schema],
  );
  return rows.map((r) => {
    const table = `${quoteIdent(schema)}.${quoteIdent(r.table)}`;
    const constraint = r.kind ? `${r.kind === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(r.name)}` : null;
    return {
      name: r.name,
      table: r.table,
      drop: constraint ? `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(r.name)}` : `DROP INDEX ${quoteIdent(schema)}.${quoteIdent(r.name)}`,
      create: r.definition,
      attach: constraint && `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(r.name)} ${constraint}`,
    };
  });
}

/**
 * Index builds shared by connections: each connection takes the costliest build left as it
 * finishes one, with memory enough to sort in memory (INDEX_BUILD_MEMORY) until `release`. After a
 * failure (or `stop`) no build starts; the running ones finish.
 */
export class IndexBuilds {
  private readonly left: { ix: BuiltIndex; cost: number }[] = [];
  private readonly raised = new Set<PoolClient>();
  /** The connections whose builds run without parallel workers now. */
  private readonly serial = new Set<PoolClient>();
  private stopped = false;
  built = 0;
  /**
   * Builds that start now run without B-tree parallel workers: while Node has work of its own, a
   * build's workers take the core it needs (the bulk replay's early builds).
   */
  alone = false;

  constructor(private readonly onBuilt: (ix: BuiltIndex) => void) {}

  add(indexes: BuiltIndex[], sizes: Map<string, number>): void {
    for (const ix of indexes) this.left.push({ ix, cost: buildCost(ix, sizes) });
    this.left.sort((a, b) => b.cost - a.cost);
  }

  /** Builds on `c` until none is left; rejects with the build that failed. */
  async on(c: PoolClient): Promise<void> {
    if (!this.raised.has(c)) {
      this.raised.add(c);
      await c.query(`SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes($1))::text || 'B', false)`, [
        INDEX_BUILD_MEMORY,
      ]);
    }
    while (!this.stopped && this.left.length) {
      if (this.alone !== this.serial.has(c)) {
        await c.query(this.alone ? 'SET max_parallel_maintenance_workers = 0' : 'RESET max_parallel_maintenance_workers');
        if (this.alone) this.serial.add(c);
        else this.serial.delete(c);
      }
      const { ix } = this.left.shift()!;
      try {
        await c.query(ix.create);
      } catch (e) {
        this.stopped = true;
        throw e;
      }
      this.built++;
      this.onBuilt(ix);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  /** The connections' own memory setting again. */
  async release(): Promise<void> {
    for (const c of this.raised) await c.query('RESET maintenance_work_mem').catch(() => undefined);
    for (const c of this.serial) await c.query('RESET max_parallel_maintenance_workers').catch(() => undefined);
  }
}

/** The primary keys and unique constraints attached to their indexes, and every table analysed, the largest first. */
export async function attachAndAnalyze(connections: PoolClient[], schema: string, built: { indexes: BuiltIndex[]; tables: string[] }, sizes: Map<string, number>): Promise<void> {
  for (const ix of built.indexes) if (ix.attach) await connections[0].query(ix.attach);
  await onEach(
    connections,
    [...built.tables].sort((a, b) => sizes.get(b)! - sizes.get(a)!).map((table) => (c) => c.query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(table)}`)),
  );
}

/** Waits for every promise to settle, then rejects with the first failure, if any: nothing is left running on a connection about to be released. */
export async function settled(work: Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Runs `tasks` on `connections`, each connection taking the next task as it finishes one; after
 * a failure no new task starts, the running ones finish, and the first error is thrown.
 */
async function onEach(connections: PoolClient[], tasks: ((c: PoolClient) => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  let failed = false;
  await settled(
    connections.map(async (c) => {
      while (!failed && next < tasks.length) {
        try {
          await tasks[next++](c);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
}

/**
 * What an index is expected to cost to build, to start the costliest first: its table's size,
 * times 4 for GIN (no parallel workers, an entry per element) and again for an expression (computed
 * for every row while building: the statements' search vector).
 */
function buildCost(ix: BuiltIndex, sizes: Map<string, number>): number {
  return sizes.get(ix.table)! * (/ USING gin /i.test(ix.create) ? 4 : 1) * (/\(\s*[a-z_]+\s*\(/i.test(ix.create) ? 4 : 1);
}

export async function tableSizes(client: PoolClient, schema: string, tables: string[]): Promise<Map<string, number>> {
  const { rows } = await client.query(`SELECT t AS table, pg_relation_size(format('%I.%I', $1::text, t)) AS bytes FROM unnest($2::text[]) t`, [schema, tables]);
  return new Map(rows.map((r) => [r.table as string, Number(r.bytes)]));
}

/**
 * Memory for the index builds, on each building connection until its builds are done: sorting a
 * million rows' keys in memory instead of in temporary files, and a GIN index gathering its entries
 * in fewer passes. A server configured higher keeps its own setting.
 */
const INDEX_BUILD_MEMORY = '256MB';
