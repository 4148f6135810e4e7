import { Client } from 'pg';
import { fmt } from './report';
import { Table } from './scenario';

/** One statement shape: how often it ran and how long its callers waited for it (wall time, ms). */
export interface SqlTiming {
  statement: string;
  calls: number;
  totalMs: number;
  rows: number;
}

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

/** The statements that kept the process waiting longest, as a report table. */
export function sqlTable(timings: SqlTiming[], windowSeconds: number, what: string, top = 12): Table {
  const total = timings.reduce((n, t) => n + t.totalMs, 0);
  return {
    title: `${what}: SQL statements by total wait (wall time from call to answer: PostgreSQL's work, round trip, lock waits; ${fmt(total / 1000)} s in all over a ${fmt(windowSeconds)} s window)`,
    header: ['statement (first 90 characters)', 'calls', 'total s', 'ms per call', 'share of all waits', 'rows'],
    rows: timings.slice(0, top).map((t) => [`\`${t.statement}\``, fmt(t.calls), fmt(t.totalMs / 1000), fmt(t.totalMs / t.calls), `${((t.totalMs / (total || 1)) * 100).toFixed(1)} %`, fmt(t.rows)]),
  };
}
