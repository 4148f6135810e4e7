import { join } from 'node:path';
import { Pool } from 'pg';
import { LedgerTopics } from '@ledger/contracts';
import { consumedCount } from '@ledger/ledger-store';
import { cpuWindow } from '../measure/cpu';
import { pidListeningOn, pidsNamed } from '../measure/proc';
import type { BenchApp, BenchContext, BenchServerArg, CpuUse, ServerHandle, Watched, WindowStats } from '../types';

/** Environment of a bench server on this run's database and broker; its signing key stays in the run folder. */
export function serverEnv(ctx: BenchContext, db: { url: string }, brokers: string[], group: string): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers.join(','),
    LEDGER_PROJECTOR_GROUP: group,
    LEDGER_DATA_DIR: join(ctx.runDir, 'ledger-data'),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}

/** Starts a bench server hosting `apps` on the run's topics. */
export function startBenchServer(ctx: BenchContext, name: string, apps: BenchApp[], topics: LedgerTopics, env: Record<string, string>): Promise<ServerHandle> {
  const arg: BenchServerArg = { topics, apps };
  return ctx.startServer('server/main.js', { name, arg, env });
}

/** The broker's pid when it runs on this machine (for the CPU columns). */
export function localBroker(brokers: string[]): number | undefined {
  const port = /^(?:127\.0\.0\.1|localhost):(\d+)$/.exec(brokers[0])?.[1];
  return port ? pidListeningOn(Number(port)) : undefined;
}

/** How many records a projector group has stored past, over all partitions (= journal rows, cheaply). */
export async function storedTotal(pool: Pool, group: string): Promise<number> {
  return Number(await consumedCount(pool, group));
}

export interface CatchUp {
  /** Records stored when the window ended: all of them, or what the time limit allowed. */
  records: number;
  /** Whether every record was stored before the time limit. */
  complete: boolean;
  /** From the first sample that saw progress to the last record: the sustained rate. */
  seconds: number;
  perSecond: number;
  /** From the server's `ready` (consumer subscribed) to the last record, group join included. */
  secondsFromReady: number;
  /** Records already stored at the first sample of the window. */
  atFirstSample: number;
  /**
   * Several processes: seconds from the group's first progress until every process had applied a
   * batch (null: one never did before the end), whether the window started again then (not with less
   * than half the records left: the window is then the whole run), and the whole run from the
   * first progress, measured as `perSecond` is.
   */
  together?: { afterSeconds: number | null; restarted: boolean; wholeRun: { records: number; seconds: number; perSecond: number } };
  /** CPU of the measured window; `server` is every projector process together (each alone in `processes`). */
  cpu: CpuUse;
  topOthers: string[];
  /** What the projector saw of itself; with several processes, their batches summed, the worst loop delay and GC pause. */
  server: WindowStats;
  /** Each projector process: its CPU (percent of one core over the window) and what it saw of itself. */
  processes: { pid: number; cpu: number; stats: WindowStats }[];
}

/**
 * Waits, sampling the stored offsets every 100 ms, until the projector group has stored `records`
 * records, or `maxSeconds` after the first progress. The measured window (CPU of every process, the
 * server's own view, its CPU profile when asked) runs from the first sample that saw progress to the
 * last one that saw more. With several projector processes of the group, the offsets are the
 * group's (all its processes), each process has its own window, and the window starts again at the
 * first sample after every process has applied a batch (the first to join takes every partition
 * until the group rebalances): the rate of the processes applying together. No profile then.
 */
export async function waitForCatchUp(
  pool: Pool,
  servers: ServerHandle | ServerHandle[],
  spec: { group: string; records: number; watch: Watched; profileFile?: string; stallMs?: number; maxSeconds?: number; log?: (line: string) => void },
): Promise<CatchUp> {
  const all = Array.isArray(servers) ? servers : [servers];
  if (all.length > 1 && spec.profileFile !== undefined) throw new Error('waitForCatchUp profiles one projector process only');
  const ready = now();
  let progress: { at: number; n: number } | undefined;
  let together: { at: number; n: number } | undefined;
  let restarted = false;
  let first: { at: number; n: number } | undefined;
  let endCpu: (() => { use: CpuUse; topOthers: string[] }) | undefined;
  let last = { at: ready, n: 0 };
  let logged = ready;
  for (;;) {
    const n = await storedTotal(pool, spec.group);
    const at = now();
    if (n > last.n) last = { at, n };
    const start = async () => {
      first = { at, n };
      await Promise.all(all.map((server, i) => server.windowStart(i === 0 && spec.profileFile !== undefined)));
      endCpu = cpuWindow({ ...spec.watch, ...Object.fromEntries(all.map((server, i) => [projectorKey(i), server.pid])) }, 'bench');
    };
    if (!progress && n > 0) {
      progress = { at, n };
      await start();
    }
    if (progress && all.length > 1 && !together && all.every((server) => server.batchesApplied() > 0)) {
      together = { at, n };
      // With less than half the records left, the whole run stays the window (a note says so).
      if (n <= spec.records / 2) {
        await Promise.all(all.map((server) => server.windowEnd()));
        await start();
        restarted = true;
      }
    }
    if (n >= spec.records) break;
    if (progress && spec.maxSeconds !== undefined && at - progress.at >= spec.maxSeconds * 1000) break;
    if (at - last.at > (spec.stallMs ?? 120_000)) throw new Error(`the projector stalled at ${n} of ${spec.records} records (log: ${all.map((s) => s.logFile).join(', ')})`);
    if (spec.log && at - logged > 15_000) {
      spec.log(`  … ${n} of ${spec.records} records`);
      logged = at;
    }
    await sleep(100);
  }
  const end = last.at;
  // A first batch reported just after the last sample (the report travels apart from the commit) counts at the end.
  if (all.length > 1 && !together && all.every((server) => server.batchesApplied() > 0)) together = last;
  const cpu = endCpu!();
  const stats = await Promise.all(all.map((server, i) => server.windowEnd(i === 0 ? spec.profileFile : undefined)));
  const processes = all.map((server, i) => ({ pid: server.pid, cpu: cpu.use[projectorKey(i)] ?? NaN, stats: stats[i] }));
  const use: CpuUse = { ...cpu.use, server: processes.reduce((sum, p) => sum + p.cpu, 0) };
  for (let i = 0; i < all.length; i++) delete use[projectorKey(i)];
  const seconds = Math.max(1, end - first!.at) / 1000;
  return {
    records: last.n,
    complete: last.n >= spec.records,
    seconds,
    perSecond: (last.n - first!.n) / seconds,
    secondsFromReady: (end - ready) / 1000,
    atFirstSample: first!.n,
    together:
      all.length > 1
        ? {
            afterSeconds: together ? (together.at - progress!.at) / 1000 : null,
            restarted,
            wholeRun: {
              records: last.n - progress!.n,
              seconds: Math.max(1, end - progress!.at) / 1000,
              perSecond: (last.n - progress!.n) / (Math.max(1, end - progress!.at) / 1000),
            },
          }
        : undefined,
    cpu: use,
    topOthers: cpu.topOthers,
    server: stats.length === 1 ? stats[0] : mergeStats(stats),
    processes,
  };
}

const projectorKey = (i: number) => `projector ${i + 1}`;

/** Several processes' own views as one: batches summed (their median: the largest of the medians), the worst loop delay and GC pause. */
function mergeStats(stats: WindowStats[]): WindowStats {
  const batches = stats.map((s) => s.batches).filter((b) => b !== undefined);
  return {
    loopP99: Math.max(...stats.map((s) => s.loopP99)),
    loopMax: Math.max(...stats.map((s) => s.loopMax)),
    gcMs: stats.reduce((sum, s) => sum + s.gcMs, 0),
    gcMaxMs: Math.max(...stats.map((s) => s.gcMaxMs)),
    batches: batches.length
      ? {
          count: batches.reduce((sum, b) => sum + b.count, 0),
          records: batches.reduce((sum, b) => sum + b.records, 0),
          p50: Math.max(...batches.map((b) => b.p50)),
          max: Math.max(...batches.map((b) => b.max)),
        }
      : undefined,
    sql: stats[0].sql,
  };
}

/** The journal's rows by disposition (applied, duplicate, rejected). */
export async function journalDispositions(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query(`SELECT disposition, count(*)::int AS n FROM ledger.journal GROUP BY disposition`);
  return Object.fromEntries(rows.map((r) => [r.disposition as string, r.n as number]));
}

/** PostgreSQL's backends (those opened during a window too) and the local broker: what every projection window watches. */
export function infraWatch(brokers: string[]): Watched {
  return { broker: localBroker(brokers), postgres: () => pidsNamed('postgres') };
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
