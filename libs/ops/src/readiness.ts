import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { EventLog } from '@ledger/log';
import { PG_POOL } from '@ledger/postgres';
import { LEDGER_TOPICS } from '@ledger/config';
import { LEDGER_SCHEMA } from '@ledger/ledger-store';

/** Thrown by a check to say why the service is not ready; the message is shown to callers. */
export class NotReadyError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotReadyError';
  }
}

/** Resolves when the dependency is fine; throws (NotReadyError with a reason, or any error) when not. */
export type ReadinessCheck = () => Promise<void> | void;

export type CheckStatus = { status: 'ok'; ms: number } | { status: 'failed'; ms: number; reason: string };

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckStatus>;
}

interface Registered {
  run: ReadinessCheck;
  timeoutMs: number;
  /** The run still going: a probe never starts a second one behind a hanging first. */
  inFlight?: Promise<void>;
  failing: boolean;
}

/** How long Postgres may take to answer `select 1`. */
export const POSTGRES_CHECK_MS = 1_000;
/** The ledger's own tables every app needs: without them every authenticated route fails. */
export const LEDGER_TABLES = ['journal', 'tokens'];

/** How long the log may take to report the events topic's bounds. */
export const LOG_CHECK_MS = 2_000;

/**
 * What GET /health/ready runs: Postgres answers, the event log answers (in apps that use it), plus whatever the app's
 * parts register (the projector registers its own). Every probe runs the checks again; nothing is
 * cached beyond a run still in flight.
 */
@Injectable()
export class Readiness {
  private readonly logger = new Logger('health');
  private readonly checks = new Map<string, Registered>();

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(LEDGER_TOPICS) topics: LedgerTopics, @Optional() log?: EventLog) {
    this.register('postgres', async () => void (await pool.query('select 1')), POSTGRES_CHECK_MS);
    this.register('ledgerTables', () => ledgerTablesExist(pool), POSTGRES_CHECK_MS);
    // An app without the log (the query API reads PostgreSQL only) does not depend on Kafka's health.
    if (log) this.register('eventLog', async () => void (await log.bounds(topics.events)), LOG_CHECK_MS);
  }

  /** Adds a check; answers a function that removes it again. */
  register(name: string, run: ReadinessCheck, timeoutMs = 1_000): () => void {
    const entry: Registered = { run, timeoutMs, failing: false };
    this.checks.set(name, entry);
    return () => {
      if (this.checks.get(name) === entry) this.checks.delete(name);
    };
  }

  async evaluate(): Promise<ReadinessReport> {
    const names = [...this.checks.keys()];
    const results = await Promise.all(names.map((name) => this.runOne(name, this.checks.get(name)!)));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    return { ready: results.every((r) => r.status === 'ok'), checks };
  }

  private async runOne(name: string, entry: Registered): Promise<CheckStatus> {
    const started = performance.now();
    entry.inFlight ??= Promise.resolve()
      .then(entry.run)
      .finally(() => (entry.inFlight = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NotReadyError(`no answer within ${entry.timeoutMs} ms`)), entry.timeoutMs);
    });
    try {
      await Promise.race([entry.inFlight, timeout]);
      if (entry.failing) this.logger.log(`${name}: ready again`);
      entry.failing = false;
      return { status: 'ok', ms: elapsed(started) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!entry.failing) this.logger.warn(`${name}: not ready: ${error.message}`);
      entry.failing = true;
      return { status: 'failed', ms: elapsed(started), reason: publicReason(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Fails when a table of the ledger itself is gone (a dropped schema): the catalog is read, so a
 * role without SELECT on them (the reader) still sees whether they exist.
 */
async function ledgerTablesExist(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2)`,
    [LEDGER_SCHEMA, LEDGER_TABLES],
  );
  const missing = LEDGER_TABLES.filter((t) => !rows.some((r) => r.relname === t));
  if (missing.length) throw new NotReadyError(`missing ${missing.map((t) => `${LEDGER_SCHEMA}.${t}`).join(', ')}`);
}

/** The reason shown on the public endpoint: ours verbatim, others by error code only (no hosts, no SQL). */
function publicReason(error: Error): string {
  if (error instanceof NotReadyError) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `unreachable (${code})` : 'unreachable';
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
