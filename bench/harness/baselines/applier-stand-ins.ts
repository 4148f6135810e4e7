import { Pool, PoolClient } from 'pg';
import { EventLog } from '@ledger/log';

/**
 * What the in-process baseline hands the projector's BatchApplier instead of the projector's own
 * infrastructure: its pool with every checkout clocked, and no event log.
 */

/**
 * The pool, with the time of every checkout (connect to release: one inTransaction, BEGIN to
 * COMMIT) summed up; everything else goes to the pool itself.
 */
export function clockedCheckouts(pool: Pool): { pool: Pool; seconds(): number } {
  let ns = 0n;
  const connect = async (): Promise<PoolClient> => {
    const started = process.hrtime.bigint();
    const client = await pool.connect();
    // pg-pool gives the client a new release function at every checkout: this one lasts one checkout.
    const release = client.release;
    client.release = (error?: Error | boolean) => {
      ns += process.hrtime.bigint() - started;
      return release.call(client, error);
    };
    return client;
  };
  const clocked = new Proxy(pool, { get: (target, key) => (key === 'connect' ? connect : Reflect.get(target, key)) });
  return { pool: clocked, seconds: () => Number(ns) / 1e9 };
}

/**
 * The baseline has no log: BatchApplier only appends to it for dead letters, and the bench world's
 * records all apply. Any call is a bench bug and fails.
 */
export class NoEventLog extends EventLog {
  override append(): Promise<never> {
    return refuse('append');
  }
  override subscribe(): Promise<never> {
    return refuse('subscribe');
  }
  override bounds(): Promise<never> {
    return refuse('bounds');
  }
  override scan(): Promise<never> {
    return refuse('scan');
  }
  override ensureTopics(): Promise<never> {
    return refuse('ensureTopics');
  }
  override async close(): Promise<void> {}
}

function refuse(what: string): Promise<never> {
  return Promise.reject(new Error(`the in-process baseline has no event log (${what})`));
}
