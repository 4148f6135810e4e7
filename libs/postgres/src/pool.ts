import { createHash } from 'node:crypto';
import { Client, Pool, PoolClient, PoolConfig, types } from 'pg';
import { failedWrite, settleWrites, startPipeline, stopPipeline, write } from './pipelined-writes';

// int8 (offsets, counts) stays a string: JavaScript numbers lose precision past 2^53.
// numeric stays a string too; timestamptz is parsed by pg into Date.
types.setTypeParser(types.builtins.INT8, (v) => v);

/** Injection token of the shared pg Pool (a real seam: tests and the embedded mode hand in their own). */
export const PG_POOL = Symbol('PG_POOL');

/** How many distinct statements one process prepares at most; statements past it run unnamed (as before). */
const MAX_PREPARED = 500;
const prepared = new Map<string, string>();

/** The name a statement is prepared under (the same text, the same name), or undefined past MAX_PREPARED. */
function statementName(text: string): string | undefined {
  let name = prepared.get(text);
  if (name === undefined && prepared.size < MAX_PREPARED) {
    name = `ledger_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    prepared.set(text, name);
  }
  return name;
}

/**
 * A pg client that prepares each statement it runs with parameters once per connection (a named
 * statement) and executes it by name from then on: PostgreSQL parses and analyses it once, not on
 * every call. A small projector batch runs about twenty statements, and parsing them again was about
 * a quarter of PostgreSQL's CPU per batch (docs/benchmarks.md). Statements without parameters, and
 * COPY, run as before. Each execution is still planned for its own values (the startup option
 * plan_cache_mode=force_custom_plan on these connections): a generic plan, made once and kept, made
 * the projector's duplicate lookup four times as costly in the bench. PostgreSQL analyses a prepared
 * statement again itself when a table it uses changes (migrations, a replay's schema switch) or the
 * search_path differs.
 */
class PreparingClient extends Client {
  /** Set once a prepared statement's result type changed under it: this connection prepares no more. */
  private unprepared = false;

  // pg's query() has many overloads; only (text, values[, callback]) with values is prepared
  // (Pool.query calls it with a callback).
  override query(config: any, values?: any, callback?: any): any {
    const name = !this.unprepared && typeof config === 'string' && Array.isArray(values) && values.length > 0 ? statementName(config) : undefined;
    if (name) {
      // A migration that changed a table a prepared `SELECT *` or `RETURNING *` reads (a new
      // column, while this process runs) makes PostgreSQL refuse that statement on this
      // connection ("cached plan must not change result type"). The statement fails once (its
      // transaction is retried as any failed batch is); the connection runs unnamed from then on
      // (Pool.query drops a connection whose query failed: the next one prepares afresh).
      const note = (e: { code?: string; message?: string } | null | undefined) => {
        if (e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '')) this.unprepared = true;
      };
      const named = { name, text: config, values };
      if (typeof callback === 'function')
        return super.query(named, (e: Error | null, result: unknown) => {
          note(e as { code?: string } | null);
          callback(e, result);
        });
      return super.query(named).catch((e: { code?: string; message?: string }) => {
        note(e);
        throw e;
      });
    }
    return super.query(config, values, callback);
  }
}

export interface LedgerPoolConfig extends PoolConfig {
  /**
   * Prepare statements with parameters once per connection (default true). Off for a connection
   * pooler in transaction mode that does not carry prepared statements across transactions, nor
   * the plan_cache_mode startup option (LEDGER_DATABASE_PREPARE=false).
   */
  prepare?: boolean;
}

export function createPool(connectionString: string, extra: LedgerPoolConfig = {}): Pool {
  const { prepare = true, ...config } = extra;
  const pool = new Pool({
    connectionString,
    max: 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(prepare ? { Client: PreparingClient, options: '-c plan_cache_mode=force_custom_plan' } : {}),
    ...config,
  });
  // An idle client losing its connection (server restart) must not crash the process; the next
  // query gets a fresh connection.
  pool.on('error', () => undefined);
  // Nor a checked-out one (a transaction in flight): pg emits 'error' on it as well, and the pool
  // only listens while a client is idle. The transaction's query fails with the same error instead.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Options of a transaction. */
export interface TransactionOptions {
  /**
   * Send statements without waiting for the answers of those before them (pg's pipeline mode): a
   * `write` (or COPY) resolves at once and is settled at the commit, and BEGIN, the writes and COMMIT
   * go out without a round trip each. For transactions of many short statements (the projector's).
   */
  pipeline?: boolean;
}

/** Runs `fn` in one transaction: commit when it resolves, roll back when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const client = await pool.connect();
  try {
    return await transaction(client, fn, options);
  } finally {
    client.release();
  }
}

/** inTransaction on a connection the caller holds (and keeps after it). */
export async function transaction<T>(client: PoolClient, fn: (client: PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const pipelined = options.pipeline === true && startPipeline(client);
  try {
    await write(client, 'BEGIN');
    const result = await fn(client);
    const commit = client.query('COMMIT');
    // Not awaited when a write failed first: its rejection (a lost connection) is the catch's to report.
    commit.catch(() => undefined);
    await settleWrites(client);
    // A transaction a statement failed in answers COMMIT with ROLLBACK, not an error.
    const done = await commit;
    if (done.command !== 'COMMIT') throw new Error(`the transaction was rolled back at its commit (${done.command})`);
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A failed write's own error, not the "transaction is aborted" of the statements after it.
    throw (await failedWrite(client)) ?? e;
  } finally {
    if (pipelined) stopPipeline(client);
  }
}
