import { PoolClient } from 'pg';
import { quoteIdent } from './migrate';

/** Where the keeper gets a connection: a Pool, or anything lending one the same way. */
export interface ConnectionSource {
  connect(): Promise<Pick<PoolClient, 'query' | 'release'>>;
}

/** A table the keeper looks after, and the columns to analyse: the ones its readers look rows up by. */
export interface StatisticsTarget {
  schema: string;
  table: string;
  columns: string[];
}

/**
 * Keeps the planner's statistics of tables a process writes from going missing or far out of date:
 * a table that grew by more than `1,000 + fraction × the rows it had` since its last ANALYZE or
 * VACUUM (by anyone; default fraction 1: it doubled; a table never analysed: 1,000 rows) is
 * analysed again. The projector's read-backs look a batch's rows up by key; on a table never
 * analysed (autovacuum off, as on the machines this project's CI runs on, or not yet round while a
 * projector catches up at thousands of rows a second) PostgreSQL guesses its size and may scan it
 * whole, so that every batch costs more than the one before. Once a table has statistics the planner scales their row counts with its pages,
 * so analysing again each time it doubled keeps the plans right at a cost that adds up to a few
 * analyses per table (autovacuum's own threshold, 10 %, is for the steady state, where it runs).
 * Only the columns rows are looked up by are analysed (a jsonb document or a tsvector column costs
 * the most to analyse and no lookup needs it); the table's row count comes with any of them.
 * One process at a time (an advisory lock it only tries); ANALYZE takes no lock writers wait for.
 */
export class StatisticsKeeper {
  private running = false;
  private last = 0;

  constructor(
    private readonly pool: ConnectionSource,
    private readonly targets: StatisticsTarget[],
    private readonly options: { everyMs: number; fraction?: number; onError?: (e: unknown) => void },
  ) {}

  /** Analyses what went stale, at most once per `everyMs`; never throws (onError hears about failures). Answers the tables analysed. */
  async maybeRun(now = Date.now()): Promise<string[]> {
    if (this.options.everyMs <= 0 || this.running || now - this.last < this.options.everyMs) return [];
    this.running = true;
    this.last = now;
    try {
      return await this.run();
    } catch (e) {
      this.options.onError?.(e);
      return [];
    } finally {
      this.running = false;
    }
  }

  private async run(): Promise<string[]> {
    const client = await this.pool.connect();
    try {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(hashtext('ledger-statistics')) AS ok`);
      if (!lock[0].ok) return [];
      try {
        const { rows } = await client.query(
          // pg_class.reltuples: the row count the last ANALYZE (or VACUUM) saw, -1 before any.
          // (n_mod_since_analyze is only reset by an ANALYZE of every column.)
          `SELECT s.schemaname, s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE (s.schemaname || '.' || s.relname) = ANY($1::text[])
              AND s.n_live_tup - greatest(c.reltuples, 0) > 1000 + $2::float8 * greatest(c.reltuples, 0)
            ORDER BY s.n_live_tup - greatest(c.reltuples, 0) DESC`,
          [this.targets.map((t) => `${t.schema}.${t.table}`), this.options.fraction ?? 1],
        );
        const done: string[] = [];
        for (const r of rows) {
          const target = this.targets.find((t) => t.schema === r.schemaname && t.table === r.relname)!;
          await client.query(`ANALYZE ${quoteIdent(target.schema)}.${quoteIdent(target.table)} (${target.columns.map(quoteIdent).join(', ')})`);
          done.push(`${target.schema}.${target.table}`);
        }
        return done;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('ledger-statistics'))`);
      }
    } finally {
      client.release();
    }
  }
}
