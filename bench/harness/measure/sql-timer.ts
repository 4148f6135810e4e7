import { Client } from 'pg';
import type { SqlTiming } from '../types';

type Query = (...args: unknown[]) => unknown;

/**
 * Times every query this process sends through pg (wall time from the call to its answer, so
 * PostgreSQL's work, the round trip and any lock wait), grouped by statement shape: the first 90
 * characters of its text, white space collapsed. Used with --profile, where most of a projection's
 * time is spent waiting for PostgreSQL, which a JavaScript CPU profile cannot show.
 */
export class SqlTimer {
  private readonly timings = new Map<string, SqlTiming>();
  private original?: Query;

  start(): void {
    if (this.original) return;
    this.timings.clear();
    const original = Client.prototype.query as unknown as Query;
    this.original = original;
    const timings = this.timings;
    const keys = new Map<string, string>();
    (Client.prototype as unknown as { query: Query }).query = function (this: Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '(stream)');
      const started = process.hrtime.bigint();
      const done = (rows: number) => {
        let key = keys.get(text);
        if (key === undefined) keys.set(text, (key = text.replace(/\s+/g, ' ').trim().slice(0, 90)));
        const t = timings.get(key) ?? { statement: key, calls: 0, totalMs: 0, rows: 0 };
        t.calls++;
        t.totalMs += Number(process.hrtime.bigint() - started) / 1e6;
        t.rows += rows;
        timings.set(key, t);
      };
      // pg-pool's pool.query passes a callback; a client's own query answers a promise.
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last] as (error: unknown, r?: { rowCount?: number | null }) => void;
        args[last] = (error: unknown, r?: { rowCount?: number | null }) => {
          done(r?.rowCount ?? 0);
          callback(error, r);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (!result || typeof (result as Promise<unknown>).then !== 'function') return result;
      (result as Promise<{ rowCount?: number | null }>).then(
        (r) => done(r?.rowCount ?? 0),
        () => done(0),
      );
      return result;
    };
  }

  /** Stops timing; answers the statements by total wait, longest first. */
  stop(): SqlTiming[] {
    if (this.original) (Client.prototype as unknown as { query: Query }).query = this.original;
    this.original = undefined;
    return [...this.timings.values()].sort((a, b) => b.totalMs - a.totalMs);
  }
}
